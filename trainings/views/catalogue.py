"""Placeholder until the views are written (issue 9)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


catalogue = calendar_feed = course = course_calendar = _missing
