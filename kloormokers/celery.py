"""Celery app: broker and schedule come from the CELERY_* settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kloormokers.settings")

app = Celery("kloormokers")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
