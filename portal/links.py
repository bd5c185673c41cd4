"""Absolute links for mails written outside a request (beat tasks, admin actions)."""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def absolute_reverse(name: str, *args, **kwargs) -> str:
    return absolute_url(reverse(name, args=args or None, kwargs=kwargs or None))
