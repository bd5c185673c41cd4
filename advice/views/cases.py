"""Placeholder views: replaced by the Beratung pages."""

from django.http import Http404


def cancel_link(request, **kwargs):
    raise Http404


def reschedule_link(request, **kwargs):
    raise Http404


def my_bookings(request, **kwargs):
    raise Http404


def cancel(request, **kwargs):
    raise Http404


def reschedule(request, **kwargs):
    raise Http404
