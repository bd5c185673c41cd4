"""Bulk delivery on the real stack, with crashes: outbox rows → Redis broker → real Celery worker
processes (killed with SIGKILL while sending, and started again) → a local SMTP sink.

Like tests/mailings/test_celery_worker.py: the worker is another process, so the test is
transactional (the worker must see committed rows) and the worker is pointed at this test's
database; broker and cache are the test run's Redis databases.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from kloormokers.celery import app as celery_app
from mailings import services
from mailings.bulk import BulkMessage, enqueue_many
from mailings.models import Email
from tests.mailings.test_celery_worker import _database_url

RECIPIENTS = 1000
KILLS = 3
STUCK_AFTER = 4  # seconds: a killed worker's rows go back to the queue this soon
APPLICATION_NAME = "kloormokers-test-worker"


class Worker:
    """One real Celery worker process for the default and the bulk queue."""

    started = 0  # workers started into the current log

    def __init__(self, *, sink_port: int, log: Path, extra_env: dict | None = None):
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": f"{_database_url()}?application_name={APPLICATION_NAME}",
            "REDIS_URL": settings.REDIS_URL,  # the shared cache: rate limit, running mark
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
            "EMAIL_TIMEOUT": "1",
            "OUTBOX_STUCK_AFTER_SECONDS": str(STUCK_AFTER),
            "OUTBOX_SEND_TIME_LIMIT_SECONDS": str(STUCK_AFTER - 1),
            "OUTBOX_DISPATCH_GRACE_SECONDS": "1",
            "OUTBOX_BULK_RATE_PER_MINUTE": "0",
            **(extra_env or {}),
        }
        self.log = log
        self.process = None

    def start(self):
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "kloormokers",
                    "worker",
                    "--pool=solo",
                    "--queues=celery,bulk",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        # "ready" in its log, not a ping: a solo worker busy with a bulk task answers no ping.
        deadline = time.monotonic() + 60
        while self.log.read_text().count(" ready.") < Worker.started + 1:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, "worker did not start:\n" + self.log.read_text()
            time.sleep(0.05)
        Worker.started += 1

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def real_stack(transactional_db, django_db_serialized_rollback, smtp_sink, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "needs the Redis broker"
    assert settings.REDIS_URL, "needs the Redis cache (shared with the worker)"
    # The sweeps this test runs itself use the worker's thresholds.
    settings.OUTBOX_STUCK_AFTER_SECONDS = STUCK_AFTER
    settings.OUTBOX_DISPATCH_GRACE_SECONDS = 1
    celery_app.control.purge()
    celery_app.conf.task_always_eager = False  # this process only publishes
    workers = []
    log = Path(settings.BASE_DIR) / "var" / "test-bulk-worker.log"
    log.parent.mkdir(exist_ok=True)
    log.write_text("")
    Worker.started = 0

    def new_worker(**extra_env):
        worker = Worker(sink_port=smtp_sink.port, log=log, extra_env=extra_env)
        workers.append(worker)
        return worker

    try:
        yield new_worker
    finally:
        celery_app.conf.task_always_eager = True
        for worker in workers:
            worker.stop()
        celery_app.control.purge()


def _newsletter(count):
    return [
        BulkMessage(
            key=f"newsletter:7:{n}",
            to=f"leser{n}@beispiel.de",
            subject="Kloormokers-Newsletter November",
            body_text=f"Moin Leser {n},\n\nneue Fortbildungen im Kreis.\n",
            body_html=f"<p>Moin Leser {n},</p><p>neue Fortbildungen im Kreis.</p>",
            headers={
                "List-Unsubscribe": f"<https://portal.example/newsletter/abmelden/t{n}/>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        for n in range(count)
    ]


def _sent() -> int:
    return Email.objects.filter(status=Email.Status.SENT).count()


def test_killed_bulk_workers_lose_no_mail_and_send_at_most_a_chunk_twice_per_kill(
    real_stack, smtp_sink
):
    worker = real_stack()
    worker.start()
    started = time.monotonic()
    with transaction.atomic():
        assert enqueue_many(_newsletter(RECIPIENTS)) == RECIPIENTS  # publishes deliver_bulk
    kills_at = []
    for target in (150, 450, 750):  # kill while sending, at different points
        deadline = last_sweep = time.monotonic()
        deadline += 40
        while len(smtp_sink.messages) < target:
            assert time.monotonic() < deadline, f"stalled at {len(smtp_sink.messages)} mails"
            if time.monotonic() - last_sweep > 0.5:
                services.sweep()  # beat's job: restart the bulk task after a kill
                last_sweep = time.monotonic()
            time.sleep(0.005)
        worker.kill()
        kills_at.append(len(smtp_sink.messages))
        worker = real_stack()
        worker.start()
    assert all(count < RECIPIENTS for count in kills_at), kills_at  # killed while sending
    deadline = time.monotonic() + 60
    while _sent() < RECIPIENTS:
        assert time.monotonic() < deadline, f"only {_sent()} of {RECIPIENTS} marked sent"
        services.sweep()  # puts the killed workers' rows back once stuck; starts the task
        time.sleep(0.5)
    elapsed = time.monotonic() - started

    recipients = [message["To"] for message in smtp_sink.messages]
    expected = {f"leser{n}@beispiel.de" for n in range(RECIPIENTS)}
    assert set(recipients) == expected  # nobody missed
    duplicates = len(recipients) - len(set(recipients))
    print(
        f"\nbulk crash test: {RECIPIENTS} recipients, {KILLS} SIGKILLs at {kills_at} mails, "
        f"{len(recipients)} messages in the sink, {duplicates} duplicates "
        f"(bound {KILLS} × chunk {settings.OUTBOX_BULK_CHUNK}), {elapsed:.1f} s"
    )
    # Each kill can leave the mails sent since the last recorded chunk in "sending": they are
    # sent again after the stuck threshold (same Message-ID).
    assert duplicates <= KILLS * settings.OUTBOX_BULK_CHUNK
    assert not Email.objects.exclude(status=Email.Status.SENT).exists()


def _worker_backends() -> set[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start::text FROM pg_stat_activity WHERE application_name = %s",
            [APPLICATION_NAME],
        )
        return set(cursor.fetchall())


def _backends_seen_over_tasks(worker, tasks=5) -> set:
    worker.start()
    seen = set()
    for number in range(1, tasks + 1):
        celery_app.send_task("mailings.tasks.sweep_outbox")
        deadline = time.monotonic() + 20
        while worker.log.read_text().count("mailings.tasks.sweep_outbox[") < 2 * number:
            assert time.monotonic() < deadline, worker.log.read_text()[-3000:]
            time.sleep(0.05)  # received + succeeded: two lines per task
        time.sleep(0.1)
        seen |= _worker_backends()
    worker.stop()
    return seen


def test_the_worker_keeps_its_database_connection_between_tasks(real_stack):
    seen = _backends_seen_over_tasks(real_stack())
    assert len(seen) == 1, seen  # one PostgreSQL backend served all five tasks


def test_negative_control_celerys_fixup_alone_opens_a_connection_per_task(real_stack):
    """Shows the test above can fail: with CELERY_DB_REUSE_MAX unset (0), Celery's Django
    fixup closes the connection after every task, and the next task opens a new one."""
    seen = _backends_seen_over_tasks(real_stack(CELERY_DB_REUSE_MAX="0"))
    assert seen == set()  # closed after every task: nothing open between tasks
