"""Benchmark of bulk mail: 10,000 newsletter mails through the outbox, next to raw smtplib.

Run from the project folder, with DATABASE_URL pointing at any database of the PostgreSQL server
to use (its role must be allowed to create databases) and REDIS_URL at a Redis database (the
broker is the next Redis database unless CELERY_BROKER_URL is set):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kloormokers \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python benchmarks/newsletter_throughput.py

What it does, all by itself:

1. creates the database kloormokers_bench_newsletter (dropping a leftover one of that name)
   and migrates it;
2. starts a local SMTP sink (aiosmtpd, in a process of its own, so it does not share a
   Python interpreter with either sender; it counts messages and parses nothing) and ONE
   Celery worker process for the bulk queue as docker-compose.yml runs it (`--queues bulk
   --concurrency 1`), with production settings (DEBUG off, Redis cache and broker, SMTP) and
   no rate limit (OUTBOX_BULK_RATE_PER_MINUTE=0);
3. writes 10,000 confirmed subscriptions and one newsletter issue (twelve paragraphs of
   Markdown: about 6 KB of HTML in the county's mail layout);
4. (a, b) outbox: times the newsletter's own path — `newsletter.services.start_sending`
   (renders the issue once) and `fan_out` (per recipient only salutation and links, then
   `mailings.bulk.enqueue_many` in batches of 1,000) — and then, end to end, from the start
   until every row is marked sent (the worker starts on the first commit; polled every 0.1 s);
5. (c) raw: sends the same messages (read back from the outbox rows) with smtplib over one
   reused connection, building each with the standard library's EmailMessage (text + HTML,
   the same headers) inside the loop; and once more with the messages built before the
   clock starts (transport only: the ceiling of any sender);
6. prints mails per second of each and the ratio, and drops the database.

A script to run on purpose, not a test.

    .venv/bin/python benchmarks/newsletter_throughput.py 2000      # another number of mails
"""

import os
import platform
import secrets
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "kloormokers_bench_newsletter"
RECIPIENTS = 10_000
GOAL = 0.70
HOST = "127.0.0.1"

SINK = """
import signal, sys, threading, time
from aiosmtpd.controller import Controller

class Counter:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Counter.count += 1
        return "250 OK"

controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
while not stop.wait(0.2):
    pass
controller.stop()
print(Counter.count, flush=True)
"""


def main(count: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kloormokers.settings")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kloormokers")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("CELERY_BROKER_URL", _next_database(os.environ["REDIS_URL"]))
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.setdefault("DEBUG", "true")  # this process only; the worker runs production
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    settings.DEBUG = False  # no SQL statements kept in memory
    original_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = BENCH_DATABASE
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    sink = worker = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        print(
            f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, PostgreSQL {server}, {count:,} mails"
        )
        port = _free_port()
        sink = _start_sink(port)
        worker = _start_worker(port, settings)
        issue = _newsletter(count)

        load_before = os.getloadavg()[0]
        fan_out_seconds, end_to_end_seconds = _through_the_outbox(issue, count)
        messages = _sent_messages()
        raw_seconds = _raw_smtplib(messages, port)
        transport_seconds = _raw_transport(messages, port)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        worker = None
        sink.send_signal(signal.SIGTERM)
        received = int(sink.communicate(timeout=30)[0].split()[-1])
        sink = None
        _report(count, raw_seconds, transport_seconds, fan_out_seconds, end_to_end_seconds)
        print(
            f"the sink received {received:,} messages ({3 * count:,} sent); load average "
            f"(1 min) before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f}"
        )
    finally:
        for process in (worker, sink):
            if process is not None and process.poll() is None:
                process.kill()
        connection.creation.destroy_test_db(original_name, verbosity=0)


def _next_database(url: str) -> str:
    base, _slash, number = url.rpartition("/")
    return f"{base}/{int(number or 0) + 1}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SINK, str(port)], stdout=subprocess.PIPE, text=True
    )
    if sink.stdout.readline().strip() != "ready":
        sys.exit("the SMTP sink did not start")
    return sink


def _start_worker(port: int, settings) -> subprocess.Popen:
    from django.db import connection

    from kloormokers.celery import app

    db = connection.settings_dict
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or HOST}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "EMAIL_URL": f"smtp://{HOST}:{port}",
        "OUTBOX_BULK_RATE_PER_MINUTE": "0",
    }
    app.control.purge()
    log = Path(tempfile.gettempdir()) / "kloormokers-bench-newsletter-worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kloormokers", "worker", "--loglevel=INFO",
             "--concurrency=1", "--queues=bulk", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit("the worker did not start:\n" + log.read_text())
    return worker


def _newsletter(count: int):
    """`count` confirmed subscriptions and one issue to send them."""
    from django.utils import timezone

    from newsletter.models import Issue, Subscription

    now = timezone.now()
    Subscription.objects.bulk_create(
        (
            Subscription(
                email=f"leserin{n}@beispiel.de",
                created_at=now,
                confirmation_sent_at=now,
                confirmed_at=now,
                consent_text_version="bench",
                privacy_notice_version="bench",
                token=secrets.token_urlsafe(32),
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    paragraph = (
        "Im Dezember bietet die Ehrenamtsagentur neue Fortbildungen an: **Erste Hilfe** für "
        "Vereinsvorstände, Datenschutz im Verein und Fördermittel richtig beantragen. Die "
        "Plätze sind begrenzt, melden Sie sich bitte bis zum 10. Dezember an.\n\n"
    )
    return Issue.objects.create(
        subject="Kloormokers-Newsletter Dezember", body="## Neues im Dezember\n\n" + paragraph * 12
    )


def _sent_messages() -> list:
    """The mails as the outbox sent them, for the raw loops (same recipients, texts, headers)."""
    from mailings.bulk import BulkMessage
    from mailings.models import Email

    rows = Email.objects.filter(bulk=True).order_by("id")
    return [
        BulkMessage(
            key=row["key"],
            to=row["to"],
            subject=row["subject"],
            body_text=row["body_text"],
            body_html=row["body_html"],
            headers=row["headers"],
        )
        for row in rows.values("key", "to", "subject", "body_text", "body_html", "headers")
    ]


def _raw_smtplib(messages: list, port: int) -> float:
    """The same mails with the standard library over one reused connection."""
    from django.conf import settings

    started = time.perf_counter()
    with smtplib.SMTP(HOST, port) as smtp:
        for message in messages:
            mail = EmailMessage()
            mail["Subject"] = message.subject
            mail["From"] = settings.DEFAULT_FROM_EMAIL
            mail["To"] = message.to
            mail["Message-ID"] = make_msgid(domain="kreis-rd.de")
            mail["Auto-Submitted"] = "auto-generated"
            for name, value in message.headers.items():
                mail[name] = value
            mail.set_content(message.body_text)
            mail.add_alternative(message.body_html, subtype="html")
            smtp.send_message(mail)
    return time.perf_counter() - started


def _raw_transport(messages: list, port: int) -> float:
    """Only the SMTP conversation: the same mails built beforehand (not timed), one connection."""
    from django.conf import settings

    built = []
    for message in messages:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = settings.DEFAULT_FROM_EMAIL
        mail["To"] = message.to
        mail.set_content(message.body_text)
        mail.add_alternative(message.body_html, subtype="html")
        built.append((message.to, mail.as_bytes(policy=mail.policy.clone(linesep="\r\n"))))
    started = time.perf_counter()
    with smtplib.SMTP(HOST, port) as smtp:
        for to, data in built:
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], data)
    return time.perf_counter() - started


def _through_the_outbox(issue, count: int) -> tuple[float, float]:
    from mailings.models import Email
    from newsletter import services

    # The fan-out is timed here, in this process: not as the task start_sending queues.
    services._start_fan_out = lambda issue_id: None
    started = time.perf_counter()
    services.start_sending(issue=issue)
    new = services.fan_out(issue_id=issue.pk)
    fan_out = time.perf_counter() - started
    if new != count:
        sys.exit(f"the fan-out wrote {new} rows, not {count}")
    deadline = started + 3600
    while Email.objects.filter(status=Email.Status.SENT).count() < count:
        if time.perf_counter() > deadline:
            sys.exit("the outbox did not send everything within an hour")
        time.sleep(0.1)
    end_to_end = time.perf_counter() - started
    return fan_out, end_to_end


def _report(count, raw_seconds, transport_seconds, fan_out_seconds, end_to_end_seconds):
    raw_rate = count / raw_seconds
    outbox_rate = count / end_to_end_seconds
    send_seconds = end_to_end_seconds - fan_out_seconds
    rows = [
        ("(a) render once + fan-out (newsletter)", fan_out_seconds),
        ("(b) outbox end to end (fan-out + 1 worker)", end_to_end_seconds),
        ("    of which sending after the fan-out", send_seconds),
        ("(c) raw smtplib loop, one connection", raw_seconds),
        ("    transport only (messages built before)", transport_seconds),
    ]
    print()
    print(f"{'path':<46}  {'seconds':>8}  {'mails/s':>8}")
    for label, seconds in rows:
        print(f"{label:<46}  {seconds:>8.2f}  {count / seconds:>8,.0f}")
    ratio = outbox_rate / raw_rate
    print(
        f"\noutbox end to end / raw smtplib loop: {ratio:.0%} (goal ≥ {GOAL:.0%}: "
        f"{'met' if ratio >= GOAL else 'missed'}); / transport only: "
        f"{outbox_rate * transport_seconds / count:.0%}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else RECIPIENTS)
