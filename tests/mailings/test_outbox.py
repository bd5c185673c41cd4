from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone, translation

from mailings import services
from mailings.models import Email
from tests.mailings.factories import EmailFactory, enqueue_report


def _enqueue(key="test:1", to="empfaenger@beispiel.de", language="de"):
    return enqueue_report(key, to=to, language=language)


@pytest.mark.django_db
def test_same_key_twice_is_one_mail(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _enqueue()
        second = _enqueue()
    assert first.pk == second.pk
    assert Email.objects.count() == 1
    assert len(mailoutbox) == 1
    first.refresh_from_db()
    assert first.status == Email.Status.SENT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nothing_is_sent_when_the_business_transaction_rolls_back(mailoutbox):
    def failing_booking():
        with transaction.atomic():
            _enqueue()
            raise RuntimeError("the booking failed after the mail was written")

    with pytest.raises(RuntimeError):
        failing_booking()
    assert not Email.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_down_at_commit_keeps_the_request_working_and_the_sweeper_sends_later(
    client, mailoutbox, monkeypatch
):
    from mailings import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver_email, "delay", broker_down)
    response = client.post(reverse("barrier_report"), {"description": "Broker weg"})
    assert response.status_code == 302
    email = Email.objects.get()
    assert email.status == Email.Status.QUEUED
    assert email.dispatched_at is None  # no task reached the broker: no grace period to wait
    assert mailoutbox == []
    monkeypatch.undo()
    services.sweep()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mail_is_given_up_after_the_attempt_limit(smtp_sink, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_sink.handler.replies = ["451 4.3.0 eins", "451 4.3.0 zwei"]
    email = _enqueue()
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    services.deliver(email_id=email.id)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.FAILED, 2)
    assert smtp_sink.messages == []


@pytest.mark.django_db
def test_staff_resend_leaves_a_mail_that_is_being_sent_alone(settings):
    email = _enqueue()
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING, claimed_at=timezone.now())
    assert services.requeue(email=email) is False
    email.refresh_from_db()
    assert email.status == Email.Status.SENDING
    Email.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS + 1)
    )
    assert services.requeue(email=email) is True


@pytest.mark.django_db
def test_sensitive_mail_text_is_dropped_once_sent(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue_report(
            "test:sensitive", to="a@beispiel.de", description="geheimer-link", sensitive=True
        )
    assert "geheimer-link" in mailoutbox[0].body
    email.refresh_from_db()
    assert "geheimer-link" not in email.body_text + email.body_html


@pytest.mark.django_db
def test_old_sent_mails_are_purged_queued_ones_kept():
    old = timezone.now() - timedelta(days=200)
    sent = EmailFactory(key="old:sent", status=Email.Status.SENT, sent_at=old, created_at=old)
    queued = EmailFactory(key="old:queued", created_at=old)
    assert services.purge_old(days=180) == 1
    assert not Email.objects.filter(pk=sent.pk).exists()
    assert Email.objects.filter(pk=queued.pk).exists()


@pytest.mark.django_db
def test_mail_is_multipart_with_county_sender_footer_and_recipient_language(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        _enqueue(key="test:de", language="de")
        _enqueue(key="test:en", language="en")
    german, english = mailoutbox
    assert german.from_email == settings.DEFAULT_FROM_EMAIL
    assert german.alternatives[0][1] == "text/html"
    assert "Kontrast zu schwach" in german.alternatives[0][0]
    assert "Kreis Rendsburg-Eckernförde" in german.body
    with translation.override("de"):
        assert translation.gettext("Description") in german.body
    assert "Description" in english.body
    assert german.subject != english.subject


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_temporary_smtp_failure_is_retried_with_backoff_then_delivered(smtp_sink):
    smtp_sink.handler.replies = ["451 4.3.0 Bitte später erneut versuchen"]
    email = _enqueue()  # on_commit ran: first attempt refused
    email.refresh_from_db()
    assert email.status == Email.Status.QUEUED
    assert email.attempts == 1
    assert "451" in email.last_error
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert smtp_sink.messages == []

    assert services.deliver(email_id=email.id) is None  # not due yet: nothing happens
    Email.objects.filter(id=email.id).update(next_attempt_at=timezone.now())
    assert services.deliver(email_id=email.id) == Email.Status.SENT
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Email.Status.SENT, 2, "")
    assert len(smtp_sink.messages) == 1
    message = smtp_sink.messages[0]
    assert message["To"] == "empfaenger@beispiel.de"
    assert message.is_multipart()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_permanent_smtp_failure_marks_mail_failed_for_staff(smtp_sink):
    smtp_sink.handler.replies = ["550 5.1.1 Unbekannter Empfänger"]
    email = _enqueue()
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert "550" in email.last_error
    services.requeue(email=email)  # the admin action
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert len(smtp_sink.messages) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_temporary_failure_goes_back_to_the_queue_for_the_sweeper_not_to_celery(smtp_sink):
    from mailings.tasks import deliver_email

    smtp_sink.handler.replies = ["421 4.7.0 Zu viele Verbindungen"]
    email = EmailFactory(key="test:raw")
    deliver_email(email.id)  # as a worker runs it: no retry is scheduled, nothing raised
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.QUEUED, 1)
    assert (email.claim_token, email.dispatched_at) == (None, None)
    wait = email.next_attempt_at - email.claimed_at
    assert timedelta(seconds=55) < wait < timedelta(seconds=65)  # backoff_seconds(1), DB time
    assert services.sweep() == []  # not due yet
    Email.objects.filter(pk=email.pk).update(next_attempt_at=Now())
    assert services.sweep() == [email.id]  # due: the sweeper hands it out at once
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert len(smtp_sink.messages) == 1


def test_backoff_grows_to_at_most_half_an_hour():
    waits = [services.backoff_seconds(n) for n in range(1, 10)]
    assert waits == sorted(waits)
    assert waits[0] == 60
    assert max(waits) == 1800


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sweeper_resends_a_mail_stuck_in_sending(smtp_sink, settings):
    email = EmailFactory(
        key="test:stuck",
        subject="Hängt",
        status=Email.Status.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS + 5),
    )
    fresh = EmailFactory(
        key="test:busy",
        to="b@beispiel.de",
        subject="Läuft",
        status=Email.Status.SENDING,
        attempts=1,
        claimed_at=timezone.now(),
    )
    services.sweep()
    email.refresh_from_db()
    fresh.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert fresh.status == Email.Status.SENDING  # another worker is on it right now
    assert [str(make_header(decode_header(m["Subject"]))) for m in smtp_sink.messages] == ["Hängt"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sweeper_sends_what_stayed_queued_when_the_broker_was_down(smtp_sink):
    email = EmailFactory(key="test:queued")
    assert services.sweep() == [email.id]
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert services.sweep() == []
    assert len(smtp_sink.messages) == 1


@pytest.mark.django_db
def test_a_sent_mail_is_never_sent_again(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _enqueue()
    assert services.deliver(email_id=email.id) is None
    services.sweep()
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_cancelled_while_being_sent_stays_cancelled(smtp_sink, monkeypatch):
    email = EmailFactory()
    real_build = services._build_message

    def build_and_cancel_meanwhile(row, connection):
        services.cancel_unsent(emails=Email.objects.filter(pk=row.pk))  # account deleted now
        return real_build(row, connection)

    monkeypatch.setattr(services, "_build_message", build_and_cancel_meanwhile)
    services.deliver(email_id=email.id)
    email.refresh_from_db()
    assert email.status == Email.Status.CANCELLED
    services.sweep()
    assert len(smtp_sink.messages) == 1  # the one in flight; never again


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sensitive_mail_that_fails_for_good_does_not_keep_its_link(smtp_sink):
    smtp_sink.handler.replies = ["550 5.1.1 Unbekannt"]
    email = enqueue_report(
        "test:sensitive-failed", to="a@beispiel.de", description="geheimer-link", sensitive=True
    )
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert "geheimer-link" not in email.body_text + email.body_html
    assert services.requeue(email=email) is False  # never send the placeholder text


@pytest.mark.django_db
def test_old_failed_mails_are_purged_too():
    old = timezone.now() - timedelta(days=200)
    EmailFactory(status=Email.Status.FAILED, created_at=old)
    assert services.purge_old(days=180) == 1


def test_delivery_task_is_stopped_before_its_claim_counts_as_stuck(settings):
    from mailings.tasks import deliver_email

    assert deliver_email.time_limit == settings.OUTBOX_SEND_TIME_LIMIT_SECONDS
    assert deliver_email.time_limit < settings.OUTBOX_STUCK_AFTER_SECONDS
    assert settings.EMAIL_TIMEOUT < deliver_email.soft_time_limit < deliver_email.time_limit


@pytest.mark.django_db
def test_a_send_stopped_by_the_soft_time_limit_is_tried_again_later_not_failed(monkeypatch):
    from mailings.tasks import deliver_email

    email = EmailFactory()

    def too_slow(row, connection):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "_build_message", too_slow)
    deliver_email.delay(email.id)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.QUEUED, 1)
    assert "SoftTimeLimitExceeded" in email.last_error
    assert email.claim_token is None


def _skew_worker_clock(monkeypatch, offset: timedelta) -> None:
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_whose_clock_is_behind_still_sends_a_due_mail(smtp_sink, monkeypatch):
    email = EmailFactory()  # due now, by the database's clock
    _skew_worker_clock(monkeypatch, -timedelta(hours=1))
    assert services.deliver(email_id=email.id) == Email.Status.SENT
    email.refresh_from_db()
    assert email.sent_at >= email.claimed_at >= email.created_at
    assert len(smtp_sink.messages) == 1


@pytest.mark.django_db
def test_a_sweeper_whose_clock_is_ahead_leaves_a_fresh_claim_alone(monkeypatch, mailoutbox):
    busy = EmailFactory(status=Email.Status.SENDING, attempts=1)
    Email.objects.filter(pk=busy.pk).update(claimed_at=Now())  # a worker is sending it now
    _skew_worker_clock(monkeypatch, timedelta(hours=1))
    services.sweep()
    assert services.requeue(email=busy) is False
    busy.refresh_from_db()
    assert busy.status == Email.Status.SENDING
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sweeper_leaves_a_mail_alone_while_its_first_task_may_still_wait_in_the_broker(
    monkeypatch, settings
):
    from mailings import tasks

    published = []
    monkeypatch.setattr(tasks.deliver_email, "delay", published.append)  # workers are busy
    email = _enqueue()
    assert published == [email.id]
    email.refresh_from_db()
    assert email.dispatched_at is not None
    assert services.sweep() == []
    assert published == [email.id]
    # After the grace period the first task may be lost (broker restarted): publish another.
    past_grace = timedelta(seconds=settings.OUTBOX_DISPATCH_GRACE_SECONDS + 1)
    Email.objects.filter(pk=email.pk).update(dispatched_at=Now() - past_grace)
    assert services.sweep() == [email.id]
    assert services.sweep() == []  # and then waits for that one
    assert published == [email.id, email.id]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_resend_starts_the_grace_period_too(monkeypatch):
    from mailings import tasks

    published = []
    monkeypatch.setattr(tasks.deliver_email, "delay", published.append)
    email = EmailFactory(status=Email.Status.FAILED, attempts=6)
    assert services.requeue(email=email) is True
    assert services.sweep() == []
    assert published == [email.id]
