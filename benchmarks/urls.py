"""The portal's URLs plus two floors to compare pages with, for benchmarks/pages.py only.

/__floor/layout/  the base layout with empty blocks: what every page costs at least
/__floor/plain/   a plain "ok" through the same middleware: what Django itself costs
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from kloormokers.urls import handler400, handler403, handler404, handler500  # noqa: F401
from kloormokers.urls import urlpatterns as portal_urlpatterns

LAYOUT = engines["django"].from_string('{% extends "base.html" %}')


def layout_floor(request):
    return HttpResponse(LAYOUT.render({}, request))


def plain_floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__floor/layout/", layout_floor, name="floor_layout"),
    path("__floor/plain/", plain_floor, name="floor_plain"),
    *portal_urlpatterns,
]
