"""Placeholder views: replaced by the Vernetzung pages."""

from django.http import Http404


def association_list(request, **kwargs):
    raise Http404


def association_map(request, **kwargs):
    raise Http404


def association_detail(request, **kwargs):
    raise Http404
