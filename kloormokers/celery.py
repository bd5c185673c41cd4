"""Celery app: broker and schedule come from the CELERY_* settings."""

import os

from celery import Celery, signals
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kloormokers.settings")

app = Celery("kloormokers")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_database_connections(sender=None, **kwargs):
    """What Django does around every request: close a connection older than CONN_MAX_AGE (or
    broken); keep it otherwise. Celery's fixup would close it around every task (about 6.5 ms
    for a new PostgreSQL connection per task); CELERY_DB_REUSE_MAX in settings stops that.
    In-process (eager) tasks run inside the caller's transaction: leave those alone."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    close_old_connections()
