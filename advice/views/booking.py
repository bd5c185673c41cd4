"""Placeholder views: replaced by the Beratung pages."""

from django.http import Http404


def overview(request, **kwargs):
    raise Http404


def slot_picker(request, **kwargs):
    raise Http404


def book(request, **kwargs):
    raise Http404


def booked(request, **kwargs):
    raise Http404


def question(request, **kwargs):
    raise Http404


def question_sent(request, **kwargs):
    raise Http404
