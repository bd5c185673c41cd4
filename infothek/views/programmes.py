"""Placeholder until the views are written (issue 10)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


programme_list = programme_detail = _missing
