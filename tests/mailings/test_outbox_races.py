import time

import pytest
from django.core.mail import get_connection
from django.utils import timezone

from mailings import services
from mailings.models import Email
from tests.mailings.factories import EmailFactory, enqueue_report
from tests.race import run_together


def _queued(key="race:1"):
    return EmailFactory(key=key, subject="Rennen")


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_mail_send_it_exactly_once(smtp_sink):
    email = _queued()
    results, errors = run_together(
        lambda: services.deliver(email_id=email.id), lambda: services.deliver(email_id=email.id)
    )
    assert errors == []
    assert sorted(results, key=str) == [None, Email.Status.SENT]
    assert len(smtp_sink.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_negative_control_check_then_send_without_claim_sends_twice(smtp_sink):
    """Shows the race test above would catch a delivery that does not claim the row."""
    email = _queued()

    def broken_deliver():
        row = Email.objects.get(id=email.id)
        if row.status != Email.Status.QUEUED:
            return None
        time.sleep(0.2)  # the window a real SMTP round trip opens
        with get_connection() as conn:
            services._build_message(row, conn).send()
        Email.objects.filter(id=email.id).update(status=Email.Status.SENT, sent_at=timezone.now())
        return Email.Status.SENT

    _results, errors = run_together(broken_deliver, broken_deliver)
    assert errors == []
    assert len(smtp_sink.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_two_requests_enqueueing_the_same_key_make_one_row(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    def enqueue():
        return enqueue_report("race:key").pk

    results, errors = run_together(enqueue, enqueue, enqueue)
    assert errors == []
    assert len(set(results)) == 1
    assert Email.objects.filter(key="race:key").count() == 1
