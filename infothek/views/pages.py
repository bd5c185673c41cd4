"""Placeholder until the views are written (issue 10)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


overview = search = guide_list = guide_detail = _missing
news_list = news_detail = faq = download = _missing
