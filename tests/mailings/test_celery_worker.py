"""End to end on the real stack: outbox row → Redis broker → a real Celery worker → SMTP."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from kloormokers.celery import app as celery_app
from mailings.models import Email
from tests.mailings.factories import enqueue_report


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db, django_db_serialized_rollback, smtp_sink):
    broker = settings.CELERY_BROKER_URL
    assert broker.startswith("redis://"), "this test needs the Redis broker (make test sets it)"
    celery_app.control.purge()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
    }
    log = Path(settings.BASE_DIR) / "var" / "test-celery-worker.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kloormokers",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(timeout=1):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "worker did not start:\n" + log.read_text()
        celery_app.conf.task_always_eager = False  # this process only publishes
        yield log
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=30)


def _wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_mail_enqueued_in_a_transaction_is_delivered_by_a_real_worker(celery_worker, smtp_sink):
    with transaction.atomic():
        email = enqueue_report("worker:1", to="echt@beispiel.de")
    assert _wait_for(lambda: Email.objects.get(pk=email.pk).status == Email.Status.SENT)
    assert len(smtp_sink.messages) == 1
    assert smtp_sink.messages[0]["To"] == "echt@beispiel.de"
    assert "mailings.tasks.deliver_email" in celery_worker.read_text()  # the worker sent it


def test_a_temporary_failure_waits_in_the_database_and_the_sweep_finishes_it(
    celery_worker, smtp_sink
):
    smtp_sink.handler.replies = ["451 4.3.0 Später bitte"]
    with transaction.atomic():
        email = enqueue_report("worker:2", to="spaeter@beispiel.de")
    assert _wait_for(lambda: Email.objects.get(pk=email.pk).attempts == 1)
    email.refresh_from_db()
    assert email.status == Email.Status.QUEUED
    assert "451" in email.last_error
    # Instead of waiting out the back-off: make it due and let the periodic sweep send it.
    Email.objects.filter(pk=email.pk).update(next_attempt_at=email.created_at)
    celery_app.send_task("mailings.tasks.sweep_outbox")
    assert _wait_for(lambda: Email.objects.get(pk=email.pk).status == Email.Status.SENT)
    assert len(smtp_sink.messages) == 1
    log = celery_worker.read_text()
    assert "mailings.tasks.sweep_outbox" in log
    assert " retry: " not in log  # the sweeper owns retries; Celery scheduled none
