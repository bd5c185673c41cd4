"""Races against PostgreSQL: two "send now" at once start one fan-out; two sign-ups of one
address make one subscription; two fan-outs of one issue write every row once."""

import pytest

from mailings.models import Email
from newsletter import services
from newsletter.exceptions import WrongState
from newsletter.models import Issue, Subscription
from tests.newsletter.factories import IssueFactory, SubscriptionFactory, segment
from tests.race import run_together

race = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _start(issue_id):
    def go():
        try:
            services.start_sending(issue=Issue.objects.get(pk=issue_id))
        except WrongState:
            return "refused"
        return "started"

    return go


def _count_fan_outs(monkeypatch) -> list:
    calls = []
    original = services.fan_out

    def counting(**kwargs):
        calls.append(kwargs["issue_id"])
        return original(**kwargs)

    monkeypatch.setattr(services, "fan_out", counting)
    return calls


@race
def test_two_racing_send_nows_start_exactly_one_fan_out(monkeypatch):
    subscriptions = SubscriptionFactory.create_batch(5)
    issue = IssueFactory()
    fan_outs = _count_fan_outs(monkeypatch)
    results, errors = run_together(_start(issue.pk), _start(issue.pk), _start(issue.pk))
    assert errors == []
    assert sorted(results) == ["refused", "refused", "started"]
    assert fan_outs == [issue.pk]
    keys = Email.objects.filter(key__startswith=issue.key_prefix).values_list("key", flat=True)
    assert sorted(keys) == sorted(f"{issue.key_prefix}{s.pk}" for s in subscriptions)


@race
def test_negative_control_without_the_lock_and_the_conditional_update_both_start(monkeypatch):
    """Shows the test above exercises the race: with the guard switched off, each caller
    renders and starts its own fan-out."""
    SubscriptionFactory.create_batch(2)
    issue = IssueFactory()
    fan_outs = _count_fan_outs(monkeypatch)
    monkeypatch.setattr(services, "_locked_startable", lambda pk: Issue.objects.get(pk=pk))

    def unconditional(issue_id, **values):
        return Issue.objects.filter(pk=issue_id).update(state=Issue.State.SENDING, **values) == 1

    monkeypatch.setattr(services, "_claim_for_sending", unconditional)
    results, errors = run_together(_start(issue.pk), _start(issue.pk))
    assert errors == []
    assert results == ["started", "started"]
    assert len(fan_outs) == 2


@race
def test_two_racing_fan_outs_of_one_issue_write_each_row_once():
    subscriptions = SubscriptionFactory.create_batch(30)
    issue = IssueFactory()
    Issue.objects.filter(pk=issue.pk).update(
        state=Issue.State.SENDING,
        started_at=issue.created_at,
        rendered_html="<p>%%NEWSLETTER_SALUTATION%%</p>",
        rendered_text="%%NEWSLETTER_SALUTATION%%",
    )

    def fan_out():
        return services.fan_out(issue_id=issue.pk, batch_size=7)

    results, errors = run_together(fan_out, fan_out)
    assert errors == []
    assert sum(results) == 30
    keys = list(
        Email.objects.filter(key__startswith=issue.key_prefix).values_list("key", flat=True)
    )
    assert sorted(keys) == sorted(f"{issue.key_prefix}{s.pk}" for s in subscriptions)


@race
def test_two_racing_sign_ups_of_one_address_make_one_subscription_and_one_mail():
    def sign_up(email):
        return lambda: services.subscribe(email=email, segments=[segment()]).pk

    results, errors = run_together(
        sign_up("renn@beispiel.de"), sign_up("RENN@beispiel.de"), sign_up("renn@beispiel.de")
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Subscription.objects.count() == 1
    mails = Email.objects.filter(to__iexact="renn@beispiel.de")
    # The confirmation, and at most one notice for the pending address today.
    assert mails.filter(key__startswith="newsletter:confirm:").count() == 1
    assert mails.count() <= 2
