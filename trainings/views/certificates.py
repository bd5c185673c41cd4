"""Placeholder until the views are written (issue 9)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


verify = verify_code = certificate_pdf = _missing
