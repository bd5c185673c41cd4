"""Placeholder views: replaced by the Vernetzung pages."""

from django.http import Http404


def propose(request, **kwargs):
    raise Http404


def claim(request, **kwargs):
    raise Http404


def claim_code(request, **kwargs):
    raise Http404


def edit(request, **kwargs):
    raise Http404


def representatives(request, **kwargs):
    raise Http404


def invitation(request, **kwargs):
    raise Http404


def confirm_current(request, **kwargs):
    raise Http404
