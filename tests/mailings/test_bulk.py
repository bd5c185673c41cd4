"""Bulk mail: enqueue_many, batched delivery over one connection, address health, rate limit."""

import logging
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from mailings import bulk, ratelimit, services, tasks
from mailings.bulk import BulkMessage, blocked_addresses, deliver_batch, enqueue_many
from mailings.models import AddressHealth, Email
from portal.staff_groups import REDAKTION
from tests.factories import StaffFactory
from tests.helpers import log_in_with_second_factor
from tests.mailings.factories import EmailFactory, enqueue_report
from tests.race import run_together


def _message(n, *, to=None, issue=1, **fields):
    values = {
        "key": f"newsletter:{issue}:{n}",
        "to": to or f"leser{n}@beispiel.de",
        "subject": "Newsletter November",
        "body_text": f"Moin Leser {n}!",
        "body_html": f"<p>Moin Leser {n}!</p>",
        "headers": {
            "List-Unsubscribe": f"<https://portal.example/newsletter/abmelden/{n}/>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }
    return BulkMessage(**(values | fields))


def _bulk_rows(count, **fields):
    return EmailFactory.create_batch(count, bulk=True, **fields)


@pytest.fixture
def published(monkeypatch):
    """The tasks the outbox publishes, by name, instead of running them."""
    calls = []
    monkeypatch.setattr(tasks.deliver_email, "delay", lambda *a: calls.append("deliver_email"))
    monkeypatch.setattr(tasks.deliver_bulk, "delay", lambda *a: calls.append("deliver_bulk"))
    return calls


# --- enqueue_many ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_keys_twice_insert_nothing_new_and_return_zero(
    django_capture_on_commit_callbacks, published
):
    messages = [_message(n) for n in range(25)]
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_many(messages, batch_size=10) == 25
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_many(messages, batch_size=10) == 0
    assert Email.objects.filter(bulk=True, status=Email.Status.QUEUED).count() == 25
    assert published == ["deliver_bulk"]  # started once, after the commit that wrote rows


@pytest.mark.django_db
def test_a_resumed_fan_out_inserts_only_what_is_missing(published):
    enqueue_many([_message(n) for n in range(10)])
    assert enqueue_many([_message(n) for n in range(25)]) == 15
    assert Email.objects.filter(key__startswith="newsletter:1:").count() == 25


@pytest.mark.django_db
def test_rows_are_stored_as_given_marked_bulk_without_rendering(monkeypatch, published):
    def no_rendering(*args, **kwargs):
        raise AssertionError("enqueue_many must not render templates")

    monkeypatch.setattr(services, "render_email", no_rendering)
    enqueue_many([_message(1, recipient_user_id=None, language="en")])
    email = Email.objects.get()
    assert email.bulk
    assert (email.to, email.subject, email.body_text, email.language) == (
        "leser1@beispiel.de",
        "Newsletter November",
        "Moin Leser 1!",
        "en",
    )
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.template == "bulk/newsletter"


@pytest.mark.django_db
def test_bad_addresses_and_headers_are_skipped_counted_and_never_written(caplog, published):
    bad = [
        _message(1, to='"x\x0bY"@example.org'),  # a control character inside quotes
        _message(2, to="kein-at-zeichen"),
        BulkMessage(
            key="newsletter:1:3",
            to="leser3@beispiel.de",
            subject="Newsletter",
            body_text="x",
            body_html="x",
            headers={"List-Unsubscribe": "<https://a>\r\nBcc: opfer@beispiel.de"},
        ),
        _message(4, to="leser4@beispiel.de", subject="Zeile\nBcc: opfer@beispiel.de"),
        _message(6, key="k" * 256),
    ]
    skipped = []
    with caplog.at_level(logging.WARNING, logger="mailings.bulk"):
        new = enqueue_many(
            [_message(0), *bad, _message(5)],
            on_skip=lambda message, reason: skipped.append((message.key, reason)),
        )
    assert new == 2
    assert set(Email.objects.values_list("key", flat=True)) == {
        "newsletter:1:0",
        "newsletter:1:5",
    }
    assert [key for key, _reason in skipped] == [m.key for m in bad]
    assert all(reason for _key, reason in skipped)
    assert "2 new, 5 skipped" in caplog.text


@pytest.mark.django_db
def test_blocked_addresses_are_not_queued(published, settings):
    AddressHealth.objects.create(
        address="weg@beispiel.de", permanent_failures=3, blocked_since=Now()
    )
    skipped = []
    new = enqueue_many(
        [_message(1, to="Weg@Beispiel.de"), _message(2)],
        on_skip=lambda message, reason: skipped.append(message.to),
    )
    assert new == 1
    assert skipped == ["Weg@Beispiel.de"]


# --- deliver_batch ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_goes_over_one_smtp_connection_and_is_marked_sent(smtp_sink):
    rows = _bulk_rows(45)
    assert deliver_batch(limit=100) == 45
    assert smtp_sink.handler.sessions == 1
    assert len(smtp_sink.messages) == 45
    assert {m["To"] for m in smtp_sink.messages} == {row.to for row in rows}
    assert smtp_sink.messages[0]["Message-ID"]
    assert not Email.objects.exclude(status=Email.Status.SENT).exists()
    assert not Email.objects.filter(Q(sent_at=None) | ~Q(claim_token=None)).exists()
    assert set(Email.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db
def test_sent_rows_are_recorded_per_chunk_and_queries_do_not_grow_with_the_batch(
    smtp_sink, settings
):
    settings.OUTBOX_BULK_CHUNK = 20

    def queries_for(count):
        Email.objects.all().delete()
        _bulk_rows(count)
        with CaptureQueriesContext(connection) as context:
            assert deliver_batch(limit=100) == count
        return [q["sql"] for q in context.captured_queries]

    small, large = queries_for(20), queries_for(100)
    marked_sent = [sql for sql in large if sql.startswith("UPDATE") and "'sent'" in sql]
    assert len(marked_sent) == 5  # 100 rows, a chunk of 20 at a time
    # the claim (savepoint, select … for update skip locked, update, release; load the rows),
    # the blocked check, then one UPDATE per chunk
    assert len(small) == 7
    assert len(large) == len(small) + 4


@pytest.mark.django_db
def test_only_due_bulk_rows_are_claimed(smtp_sink):
    later = EmailFactory(bulk=True)
    Email.objects.filter(pk=later.pk).update(next_attempt_at=Now() + timedelta(hours=1))
    transactional = EmailFactory(bulk=False)
    due = _bulk_rows(2)
    assert deliver_batch() == 2
    assert {m["To"] for m in smtp_sink.messages} == {row.to for row in due}
    assert Email.objects.get(pk=transactional.pk).status == Email.Status.QUEUED
    assert Email.objects.get(pk=later.pk).status == Email.Status.QUEUED


@pytest.mark.django_db
def test_a_temporary_failure_goes_back_with_back_off_and_does_not_count_against_the_address(
    smtp_sink,
):
    first, second = _bulk_rows(2)
    smtp_sink.handler.replies = ["451 4.3.0 Später bitte"]
    assert deliver_batch() == 1
    first.refresh_from_db()
    assert (first.status, first.attempts, first.claim_token) == (Email.Status.QUEUED, 1, None)
    assert "451" in first.last_error
    assert first.next_attempt_at > first.created_at + timedelta(seconds=50)
    assert Email.objects.get(pk=second.pk).status == Email.Status.SENT
    assert not AddressHealth.objects.exists()


@pytest.mark.django_db
def test_a_dropped_connection_is_opened_again_once_and_the_batch_goes_on(smtp_sink):
    _bulk_rows(5)
    smtp_sink.handler.replies = ["421 4.3.2 Service shutting down"]
    assert deliver_batch() == 5
    assert smtp_sink.handler.sessions == 2


@pytest.mark.django_db
def test_a_connection_that_drops_again_puts_the_rest_back_untried(smtp_sink):
    first, *rest = _bulk_rows(5)
    smtp_sink.handler.replies = ["421 4.3.2 Bye", "421 4.3.2 Bye again"]
    result = bulk.run_batch()
    assert (result.sent, result.deferred, result.released) == (0, 1, 4)
    assert result.connection_lost
    assert smtp_sink.handler.sessions == 2  # opened again once, not more
    first.refresh_from_db()
    assert (first.status, first.attempts) == (Email.Status.QUEUED, 1)
    back = Email.objects.filter(pk__in=[row.pk for row in rest])
    assert set(back.values_list("status", "attempts")) == {(Email.Status.QUEUED, 0)}
    assert not back.filter(next_attempt_at__lte=Now()).exists()  # not at once: back-off


@pytest.mark.django_db
def test_without_a_server_the_batch_backs_off_and_nothing_stays_claimed(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nobody listens (discard port)
    _bulk_rows(3)
    result = bulk.run_batch()
    assert (result.claimed, result.sent, result.deferred, result.connection_lost) == (3, 0, 3, True)
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.QUEUED}
    assert bulk.deliver_due(budget_seconds=5) is None  # nothing due now: the sweeper continues


# --- permanent failures per address ----------------------------------------------------------


@pytest.mark.django_db
def test_5xx_failures_are_counted_per_address_and_block_it_after_the_threshold(smtp_sink, settings):
    settings.OUTBOX_BULK_BLOCK_AFTER = 3
    smtp_sink.handler.refuse["Weg@Beispiel.de"] = "550 5.1.1 No such user"
    for _attempt in range(3):
        assert blocked_addresses(["weg@beispiel.de"]) == set()
        EmailFactory(bulk=True, to="Weg@Beispiel.de")
        assert deliver_batch() == 0
    health = AddressHealth.objects.get()
    assert (health.address, health.permanent_failures) == ("weg@beispiel.de", 3)
    assert health.blocked_since is not None
    assert "550" in health.last_error
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.FAILED}
    assert blocked_addresses(["WEG@beispiel.de", "da@beispiel.de"]) == {"WEG@beispiel.de"}

    # A row queued before the block is not sent either.
    smtp_sink.handler.refuse.clear()
    late = EmailFactory(bulk=True, to="weg@beispiel.de")
    assert deliver_batch() == 0
    late.refresh_from_db()
    assert late.status == Email.Status.FAILED
    assert "blocked" in late.last_error
    assert smtp_sink.messages == []


@pytest.mark.django_db
def test_a_refused_sender_blocks_nobody(smtp_sink):
    import smtplib

    from mailings.health import is_address_failure

    assert not is_address_failure(smtplib.SMTPSenderRefused(550, b"no", "portal@kreis.de"))
    assert is_address_failure(smtplib.SMTPRecipientsRefused({"a@b.de": (550, b"unknown")}))
    assert not is_address_failure(smtplib.SMTPRecipientsRefused({"a@b.de": (450, b"later")}))


@pytest.mark.django_db
def test_transactional_mail_to_a_blocked_address_is_still_sent(
    smtp_sink, django_capture_on_commit_callbacks
):
    AddressHealth.objects.create(
        address="weg@beispiel.de", permanent_failures=5, blocked_since=Now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue_report("booking:1", to="weg@beispiel.de")
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert len(smtp_sink.messages) == 1


@pytest.mark.django_db
def test_a_transactional_5xx_counts_towards_the_address_too(
    smtp_sink, django_capture_on_commit_callbacks
):
    smtp_sink.handler.refuse["weg@beispiel.de"] = "550 5.1.1 No such user"
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_report("booking:1", to="weg@beispiel.de")
    assert AddressHealth.objects.get().permanent_failures == 1


@pytest.mark.django_db
def test_redaktion_sees_blocked_addresses_and_resets_them(client):
    blocked = AddressHealth.objects.create(
        address="weg@beispiel.de", permanent_failures=3, blocked_since=Now(), last_error="550"
    )
    editor = StaffFactory()
    log_in_with_second_factor(client, editor)
    url = "/admin/mailings/addresshealth/"
    assert client.get(url).status_code == 403  # staff without the group
    editor.groups.add(Group.objects.get(name=REDAKTION))
    editor = type(editor).objects.get(pk=editor.pk)
    log_in_with_second_factor(client, editor)
    response = client.get(url, {"blocked_since__isnull": "False"})
    assert response.status_code == 200
    assert "weg@beispiel.de" in response.content.decode()
    response = client.post(url, {"action": "reset", "_selected_action": [blocked.pk]})
    assert response.status_code == 302
    blocked.refresh_from_db()
    assert (blocked.permanent_failures, blocked.blocked_since) == (0, None)
    assert blocked_addresses(["weg@beispiel.de"]) == set()


# --- the sweeper -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweeper_hands_no_bulk_row_to_the_per_mail_task_but_starts_the_bulk_task(published):
    _bulk_rows(3)
    transactional = EmailFactory()
    assert services.sweep() == [transactional.id]
    assert sorted(published) == ["deliver_bulk", "deliver_email"]
    published.clear()
    services.sweep()  # the bulk task was just published: not again within the grace period
    assert published == []


@pytest.mark.django_db
def test_the_sweeper_leaves_a_working_bulk_task_alone(published):
    _bulk_rows(3)
    cache.set(services.BULK_RUNNING_KEY, 1)
    assert services.sweep() == []
    assert published == []


@pytest.mark.django_db
def test_the_sweeper_puts_stuck_bulk_rows_back_and_starts_the_bulk_task(published, settings):
    row = EmailFactory(bulk=True)
    stuck_since = Now() - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS + 1)
    Email.objects.filter(pk=row.pk).update(
        status=Email.Status.SENDING, claimed_at=stuck_since, claim_token="0" * 32, attempts=1
    )
    assert services.sweep() == []
    row.refresh_from_db()
    assert (row.status, row.claim_token) == (Email.Status.QUEUED, None)
    assert published == ["deliver_bulk"]


@pytest.mark.django_db
def test_staff_resend_of_a_bulk_mail_goes_to_the_bulk_task(
    published, django_capture_on_commit_callbacks
):
    row = EmailFactory(bulk=True, status=Email.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue(email=row)
    assert published == ["deliver_bulk"]


@pytest.mark.django_db
def test_the_bulk_task_in_process_sends_everything_due(mailoutbox, settings):
    settings.OUTBOX_BULK_BATCH = 7
    _bulk_rows(30)
    tasks.deliver_bulk.delay()
    assert len(mailoutbox) == 30
    assert cache.get(services.BULK_RUNNING_KEY) is None


# --- races -----------------------------------------------------------------------------------


def _two_batches_at_once(monkeypatch):
    """Both workers are held right after picking their rows, until both have picked: the
    moment a second worker could take the first one's rows."""
    picked = threading.Barrier(2)
    real_pick = bulk._pick_due

    def pick_then_wait(limit):
        ids = real_pick(limit)
        picked.wait(timeout=10)
        return ids

    monkeypatch.setattr(bulk, "_pick_due", pick_then_wait)
    return run_together(lambda: deliver_batch(limit=5), lambda: deliver_batch(limit=5))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_claiming_batches_at_once_never_send_the_same_row(smtp_sink, monkeypatch):
    rows = _bulk_rows(10)
    results, errors = _two_batches_at_once(monkeypatch)
    assert errors == []
    assert sorted(results) == [5, 5]
    recipients = [m["To"] for m in smtp_sink.messages]
    assert sorted(recipients) == sorted(row.to for row in rows)  # each once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_a_claim_without_lock_and_status_check_sends_rows_twice(
    smtp_sink, monkeypatch
):
    """Shows the race test above catches a claim that lets a second worker take the rows: a
    naive claim (no row lock, no status check, the rows read back by id, not by the claim's
    token) in place of the real one sends the same rows twice."""

    def naive_claim(limit, token):
        ids = list(
            Email.objects.filter(bulk=True, status=Email.Status.QUEUED)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        picked.wait(timeout=10)  # both workers have picked before either marks its rows
        Email.objects.filter(id__in=ids).update(
            status=Email.Status.SENDING, claimed_at=Now(), claim_token=token
        )
        return list(Email.objects.filter(id__in=ids).order_by("id"))

    picked = threading.Barrier(2)
    monkeypatch.setattr(bulk, "_claim", naive_claim)
    _bulk_rows(10)
    _results, errors = run_together(lambda: deliver_batch(limit=5), lambda: deliver_batch(limit=5))
    assert errors == []
    recipients = [m["To"] for m in smtp_sink.messages]
    assert len(recipients) > len(set(recipients))  # the same rows went out twice


# --- rate limit ------------------------------------------------------------------------------


def test_two_workers_together_never_get_more_permits_than_the_limit_in_a_minute(settings):
    settings.OUTBOX_BULK_RATE_PER_MINUTE = 100
    now = 1_800_000_000.0  # one fixed minute for both
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()  # shared, as in production

    def worker():
        granted = []
        for _ in range(40):
            granted.append(ratelimit.acquire(7, now=now))
        return sum(granted)

    results, errors = run_together(worker, worker)
    assert errors == []
    assert sum(results) == 100  # 560 asked for: exactly the limit granted, no more
    assert ratelimit.acquire(7, now=now + 60) == 7  # the next minute starts afresh


@pytest.mark.django_db
def test_a_full_minute_stops_the_batch_and_puts_the_rest_back_untried(
    smtp_sink, settings, monkeypatch
):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_800_000_010.0)  # one minute throughout
    settings.OUTBOX_BULK_RATE_PER_MINUTE = 30
    settings.OUTBOX_BULK_RATE_MAX_SLEEP_SECONDS = 0
    _bulk_rows(45)
    result = bulk.run_batch(limit=100)
    assert (result.sent, result.released) == (30, 15)
    assert result.wait == 50  # the rest of the minute
    back = Email.objects.filter(status=Email.Status.QUEUED)
    assert back.count() == 15
    assert set(back.values_list("attempts", flat=True)) == {0}  # not tried: not counted
    assert len(smtp_sink.messages) == 30


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sending_at_once_stay_within_the_rate_limit_together(
    smtp_sink, settings, monkeypatch
):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_800_000_010.0)  # one minute throughout
    settings.OUTBOX_BULK_RATE_PER_MINUTE = 30
    settings.OUTBOX_BULK_RATE_MAX_SLEEP_SECONDS = 0
    settings.OUTBOX_BULK_CHUNK = 7
    _bulk_rows(60)
    results, errors = run_together(lambda: deliver_batch(limit=30), lambda: deliver_batch(limit=30))
    assert errors == []
    assert sum(results) == 30
    assert len(smtp_sink.messages) == 30
    assert Email.objects.filter(status=Email.Status.QUEUED, attempts=0).count() == 30


def test_no_limit_grants_everything(settings):
    settings.OUTBOX_BULK_RATE_PER_MINUTE = 0
    assert ratelimit.acquire(10_000) == 10_000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_enqueued_in_a_rolled_back_transaction_is_not_sent(mailoutbox):
    def failing_fan_out():
        with transaction.atomic():
            enqueue_many([_message(1)])
            raise RuntimeError("the fan-out failed")

    with pytest.raises(RuntimeError):
        failing_fan_out()
    assert not Email.objects.exists()
    assert mailoutbox == []


# --- wiring ----------------------------------------------------------------------------------


def test_bulk_runs_on_its_own_queue_and_compose_keeps_it_away_from_transactional_mail(settings):
    import yaml

    assert settings.CELERY_TASK_ROUTES["mailings.tasks.deliver_bulk"] == {"queue": "bulk"}
    assert tasks.deliver_email.name not in settings.CELERY_TASK_ROUTES  # default queue
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())["services"]
    worker, bulk_worker = compose["worker"]["command"], compose["worker-bulk"]["command"]
    assert worker[worker.index("--queues") + 1] == "celery"
    assert bulk_worker[bulk_worker.index("--queues") + 1] == "bulk"
