"""Placeholder until the feeds are written (issue 10)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


def NewsFeed():
    return _missing


def ProgrammeFeed():
    return _missing


deadlines_ics = _missing
