"""Placeholder until the views are written (issue 9)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


wish = register = feedback = my_trainings = cancel = _missing
