"""Placeholder views: replaced by the Vernetzung pages."""

from django.http import Http404


def opportunity_list(request, **kwargs):
    raise Http404


def opportunity_detail(request, **kwargs):
    raise Http404


def opportunity_create(request, **kwargs):
    raise Http404


def opportunity_edit(request, **kwargs):
    raise Http404


def interest(request, **kwargs):
    raise Http404
