import smtplib
import threading
from datetime import timedelta

import pytest
from django.db.models import Q
from django.db.models.functions import Now

from mailings import services
from mailings.models import Email
from tests.mailings.factories import EmailFactory, enqueue_report
from tests.race import InThread, run_together


def _queued(key="race:1"):
    return EmailFactory(key=key, subject="Rennen")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_delivering_the_same_mail_send_it_exactly_once(smtp_sink):
    email = _queued()
    results, errors = run_together(
        lambda: services.deliver(email_id=email.id), lambda: services.deliver(email_id=email.id)
    )
    assert errors == []
    assert sorted(results, key=str) == [None, Email.Status.SENT]
    assert len(smtp_sink.messages) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_a_claim_that_matches_a_taken_row_sends_twice(smtp_sink, monkeypatch):
    """Shows the race test above catches a claim that does not shut out the second worker."""
    email = _queued()
    monkeypatch.setattr(services, "_claimable", lambda email_id: Q(id=email_id))  # any status
    results, errors = run_together(
        lambda: services.deliver(email_id=email.id), lambda: services.deliver(email_id=email.id)
    )
    assert errors == []
    assert Email.Status.SENT in results
    assert len(smtp_sink.messages) == 2


def _enqueue_three_times_at_once(monkeypatch):
    """Three requests enqueue one key; each is held after its "does it exist?" check until all
    three have passed it, so all three reach the insert (the race, every time)."""
    all_checked = threading.Barrier(3)
    real_render = services.render_email

    def render_then_wait(*args, **kwargs):
        rendered = real_render(*args, **kwargs)
        all_checked.wait(timeout=10)
        return rendered

    monkeypatch.setattr(services, "render_email", render_then_wait)

    def enqueue():
        return enqueue_report("race:key").pk

    return run_together(enqueue, enqueue, enqueue)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_enqueueing_the_same_key_make_one_row(monkeypatch):
    results, errors = _enqueue_three_times_at_once(monkeypatch)
    assert errors == []
    assert len(set(results)) == 1
    assert Email.objects.filter(key="race:key").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_a_plain_insert_lets_the_race_end_in_an_error(monkeypatch):
    """Shows the test above exercises the race: without get_or_create's handling of the
    unique key, the requests that lose the race fail with IntegrityError."""
    monkeypatch.setattr(
        services,
        "_create_once",
        lambda *, key, defaults: (Email.objects.create(key=key, **defaults), True),
    )
    _results, errors = _enqueue_three_times_at_once(monkeypatch)
    assert [type(error).__name__ for error in errors] == ["IntegrityError", "IntegrityError"]
    assert Email.objects.filter(key="race:key").count() == 1


def _slow_worker_overtaken_by_the_sweeper(monkeypatch, settings):
    """Worker A claims the mail and hangs in the send until its claim counts as stuck; the
    sweeper re-queues the mail and worker B (the sweep's delivery task) claims it. A's slow
    server then refuses the mail for good, and B's send goes through.

    Returns the row as it ends up and what A's deliver() returned.
    """
    email = _queued("race:slow")
    real_build = services._build_message
    sending = {"A": threading.Event(), "B": threading.Event()}
    release = {"A": threading.Event(), "B": threading.Event()}

    def build_and_hold(row, connection):
        message = real_build(row, connection)
        worker = threading.current_thread().name
        real_send = message.send

        def send(*args, **kwargs):
            sending[worker].set()
            if not release[worker].wait(10):
                raise RuntimeError(f"worker {worker} was never released")
            if worker == "A":
                raise smtplib.SMTPDataError(554, b"5.0.0 Transaction failed")
            return real_send(*args, **kwargs)

        message.send = send
        return message

    monkeypatch.setattr(services, "_build_message", build_and_hold)
    worker_a = InThread(lambda: services.deliver(email_id=email.id), name="A")
    assert sending["A"].wait(10), "worker A never started sending"
    stuck_for = timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS + 1)
    Email.objects.filter(pk=email.pk).update(claimed_at=Now() - stuck_for)
    # In-process Celery: the delivery task the sweep starts runs in the sweep's thread, B.
    sweeper_b = InThread(services.sweep, name="B")
    assert sending["B"].wait(10), "the sweeper did not hand the mail to worker B"
    release["A"].set()
    a_returned = worker_a.join()
    release["B"].set()
    assert sweeper_b.join() == [email.id]
    email.refresh_from_db()
    return email, a_returned


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_slower_than_the_stuck_threshold_cannot_overwrite_the_next_workers_result(
    smtp_sink, monkeypatch, settings
):
    email, a_returned = _slow_worker_overtaken_by_the_sweeper(monkeypatch, settings)
    assert a_returned is None  # A recorded nothing: its claim had ended
    assert (email.status, email.last_error) == (Email.Status.SENT, "")
    assert email.sent_at is not None
    assert email.claim_token is None
    assert email.attempts == 2
    assert len(smtp_sink.messages) == 1  # B's


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_without_the_claim_token_the_slow_worker_overwrites_the_result(
    smtp_sink, monkeypatch, settings
):
    """Shows the test above catches a result write tied to the status only, not the claim."""
    monkeypatch.setattr(
        services,
        "_still_claimed_by",
        lambda email: Q(id=email.id, status=Email.Status.SENDING),  # the guard before tokens
    )
    email, a_returned = _slow_worker_overtaken_by_the_sweeper(monkeypatch, settings)
    assert a_returned == Email.Status.FAILED
    assert email.status == Email.Status.FAILED  # although B delivered it
    assert email.sent_at is None
    assert len(smtp_sink.messages) == 1
