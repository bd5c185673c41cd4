"""Sending an issue: rendered once, one outbox row per recipient with the RFC 8058 headers,
segments, a second send impossible, resumable fan-out, bulk inserts, test mails, schedule
and cancel, the dispatcher."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mailings import bulk
from mailings.models import Email
from mailings.services import deliver
from network.models import Amt
from newsletter import rendering, services
from newsletter.exceptions import WrongState
from newsletter.models import Issue, Subscription
from newsletter.tasks import dispatch_issues
from tests.factories import UserFactory
from tests.infothek.factories import NewsFactory, ProgrammeFactory
from tests.newsletter.factories import IssueFactory, SubscriptionFactory, segment
from tests.trainings.factories import CourseFactory


def _rows(issue):
    return Email.objects.filter(key__startswith=issue.key_prefix)


def _send(issue):
    services.start_sending(issue=issue)
    services.fan_out(issue_id=issue.pk)
    issue.refresh_from_db()
    return issue


@pytest.mark.django_db
def test_every_issue_mail_has_the_one_click_headers_and_a_personal_unsubscribe_link(
    mailoutbox, settings
):
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "abmelden@kreis-rd.de"
    person = UserFactory(first_name="Rieke", last_name="Rotkehlchen")
    subscription = SubscriptionFactory(email=person.email, user=person)
    issue = _send(IssueFactory())
    row = _rows(issue).get()
    unsubscribe_url = f"{settings.PORTAL_URL}/newsletter/abmelden/{subscription.token}/"
    assert row.headers == {
        "List-Unsubscribe": (
            f"<{unsubscribe_url}>, "
            f"<mailto:abmelden@kreis-rd.de?subject=unsubscribe%20{subscription.token}>"
        ),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert row.recipient_user_id == person.pk
    assert "Rieke Rotkehlchen," in row.body_text
    assert unsubscribe_url in row.body_text
    assert f'href="{unsubscribe_url}"' in row.body_html
    assert "%%" not in row.body_text + row.body_html
    deliver(email_id=row.pk)
    message = mailoutbox[0].message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith(f"<{unsubscribe_url}>")


@pytest.mark.django_db
def test_without_a_mailto_setting_the_header_has_the_https_link_only(settings):
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = ""
    subscription = SubscriptionFactory()
    issue = _send(IssueFactory())
    assert _rows(issue).get().headers["List-Unsubscribe"] == (
        f"<{settings.PORTAL_URL}/newsletter/abmelden/{subscription.token}/>"
    )


@pytest.mark.django_db
def test_the_issue_is_rendered_once_with_markdown_and_the_county_layout(monkeypatch):
    SubscriptionFactory.create_batch(3)
    calls = []
    original = rendering.render_issue
    monkeypatch.setattr(
        rendering, "render_issue", lambda issue, **kw: calls.append(1) or original(issue, **kw)
    )
    issue = _send(IssueFactory(body="## Termine\n\n<script>alert(1)</script> **fett**"))
    assert len(calls) == 1
    assert "<h2>Termine</h2>" in issue.rendered_html
    assert "<strong>fett</strong>" in issue.rendered_html
    assert "<script>" not in issue.rendered_html
    assert "De Kloormokers" in issue.rendered_html  # the county's layout
    assert "Termine" in issue.rendered_text
    assert "<h2>" not in issue.rendered_text
    # The archive version has no personal parts.
    assert "%%" not in issue.web_html
    assert "abmelden" not in issue.web_html
    assert _rows(issue).count() == 3


@pytest.mark.django_db
def test_staff_cannot_smuggle_a_placeholder_into_the_text():
    SubscriptionFactory()
    issue = _send(IssueFactory(body=f"Mein Link: {rendering.UNSUBSCRIBE_URL}"))
    assert rendering.UNSUBSCRIBE_URL not in issue.web_html
    assert issue.rendered_html.count(rendering.UNSUBSCRIBE_URL) == 1  # only the footer's


@pytest.mark.django_db
def test_news_deadlines_and_courses_are_pulled_in_when_chosen():
    SubscriptionFactory()
    NewsFactory(title="Ehrenamtspreis 2026 verliehen")
    ProgrammeFactory(title="Kleinprojektefonds Dorfleben")
    CourseFactory(title="Kassenführung für Einsteiger")
    plain = _send(IssueFactory())
    assert "Ehrenamtspreis" not in plain.rendered_html
    full = _send(IssueFactory(include_news=True, include_deadlines=True, include_courses=True))
    for title in ("Ehrenamtspreis", "Kleinprojektefonds", "Kassenführung"):
        assert title in full.rendered_html
        assert title in full.rendered_text
        assert title in full.web_html


@pytest.mark.django_db
def test_only_confirmed_subscribers_in_the_issues_segments_receive_it():
    volunteers = SubscriptionFactory(segments=[segment("ehrenamtliche")])
    boards = SubscriptionFactory(segments=[segment("vereinsvorstaende")])
    both = SubscriptionFactory(segments=[segment("ehrenamtliche"), segment("vereinsvorstaende")])
    SubscriptionFactory(confirmed_at=None)  # pending
    SubscriptionFactory(unsubscribed_at=timezone.now())  # left
    to_boards = _send(IssueFactory(segments=[segment("vereinsvorstaende")]))
    assert set(_rows(to_boards).values_list("to", flat=True)) == {boards.email, both.email}
    to_all = _send(IssueFactory())
    assert set(_rows(to_all).values_list("to", flat=True)) == {
        volunteers.email,
        boards.email,
        both.email,
    }
    assert to_all.recipient_count == 3


@pytest.mark.django_db
def test_an_issue_for_some_amter_reaches_only_their_subscribers():
    amt = Amt.objects.create(name="Amt Nortorfer Land")
    local = SubscriptionFactory(amt=amt)
    SubscriptionFactory()
    issue = IssueFactory()
    issue.amts.set([amt])
    _send(issue)
    assert list(_rows(issue).values_list("to", flat=True)) == [local.email]


@pytest.mark.django_db
def test_blocked_addresses_get_no_issue(monkeypatch):
    kept = SubscriptionFactory()
    blocked = SubscriptionFactory()
    monkeypatch.setattr(services, "blocked_addresses", lambda addresses: {blocked.email.upper()})
    issue = _send(IssueFactory())
    assert list(_rows(issue).values_list("to", flat=True)) == [kept.email]


@pytest.mark.django_db
def test_a_second_send_is_impossible():
    SubscriptionFactory()
    issue = _send(IssueFactory())
    with pytest.raises(WrongState):
        services.start_sending(issue=issue)
    with pytest.raises(WrongState):
        services.schedule(issue=issue, at=timezone.now() + timedelta(hours=1))
    with pytest.raises(WrongState):
        services.cancel(issue=issue)
    assert _rows(issue).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_sending_issue_without_its_rendering_or_a_schedule_without_time():
    issue = IssueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(state="sending")
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(state="scheduled")
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(
            state="sent", started_at=timezone.now(), rendered_html="x", rendered_text="x"
        )


@pytest.mark.django_db
def test_the_fan_out_resumes_after_a_crash_without_duplicates_or_anyone_missed(monkeypatch):
    subscriptions = SubscriptionFactory.create_batch(25)
    issue = IssueFactory()
    services.start_sending(issue=issue)
    calls = 0
    original = bulk.enqueue_many

    def crash_after_the_first_batch(messages, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("worker killed")
        return original(messages, **kwargs)

    monkeypatch.setattr(services, "enqueue_many", crash_after_the_first_batch)
    with pytest.raises(RuntimeError):
        services.fan_out(issue_id=issue.pk, batch_size=10)
    assert _rows(issue).count() == 10
    issue.refresh_from_db()
    assert issue.state == "sending"  # not finished: the dispatcher picks it up

    monkeypatch.setattr(services, "enqueue_many", original)
    dispatch_issues()  # the beat task resumes it
    issue.refresh_from_db()
    assert issue.state == "sent"
    assert issue.finished_at is not None
    keys = list(_rows(issue).values_list("key", flat=True))
    assert sorted(keys) == sorted(f"{issue.key_prefix}{s.pk}" for s in subscriptions)
    assert services.fan_out(issue_id=issue.pk) == 0  # and a late re-run does nothing


@pytest.mark.django_db
def test_a_re_run_of_the_fan_out_inserts_only_what_is_missing():
    SubscriptionFactory.create_batch(5)
    issue = IssueFactory()
    services.start_sending(issue=issue)
    assert services.fan_out(issue_id=issue.pk) == 5
    Issue.objects.filter(pk=issue.pk).update(state="sending")  # as if the end was not recorded
    late = SubscriptionFactory()
    assert services.fan_out(issue_id=issue.pk) == 1
    assert _rows(issue).filter(to=late.email).count() == 1
    assert _rows(issue).count() == 6


@pytest.mark.django_db
def test_the_fan_out_of_10000_recipients_is_a_bulk_insert():
    """A bounded number of statements per batch of 1,000, not one (or more) per recipient."""
    users = UserFactory.build_batch(3)
    for person in users:
        person.save()
    now = timezone.now()
    Subscription.objects.bulk_create(
        Subscription(
            email=f"leserin{n}@beispiel.de",
            user=users[n % 3] if n % 10 == 0 else None,
            created_at=now,
            confirmed_at=now,
            consent_text_version="2026-11",
            privacy_notice_version="2026-11",
            token=f"token-{n:05d}-" + "x" * 30,
        )
        for n in range(10_000)
    )
    issue = IssueFactory()
    services.start_sending(issue=issue)
    with CaptureQueriesContext(connection) as queries:
        written = services.fan_out(issue_id=issue.pk)
    assert written == 10_000
    assert _rows(issue).count() == 10_000
    # Per batch of 1,000 about a dozen statements: recipients, their names, the blocked
    # addresses, the insert with its savepoints, starting the delivery. Per recipient: none.
    assert len(queries) <= 150, f"{len(queries)} queries"
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "mailings')]
    assert len(inserts) == 10


@pytest.mark.django_db
def test_a_test_mail_goes_to_the_staff_member_only_marked_and_not_counted():
    SubscriptionFactory.create_batch(3)
    editor = UserFactory(is_staff=True)
    issue = IssueFactory()
    services.send_test(issue=issue, user=editor)
    (mail,) = Email.objects.all()
    assert mail.to == editor.email
    assert mail.subject.startswith("[TEST]")
    assert mail.headers == {}
    assert not mail.key.startswith(issue.key_prefix)
    issue.refresh_from_db()
    assert issue.state == "draft"
    assert services.progress(issue)["total"] == 0


@pytest.mark.django_db
def test_progress_counts_the_issues_mails_by_status_in_one_query(django_assert_num_queries):
    SubscriptionFactory.create_batch(4)
    issue = _send(IssueFactory())
    rows = list(_rows(issue).order_by("pk"))
    Email.objects.filter(pk=rows[0].pk).update(status="sent", sent_at=timezone.now())
    Email.objects.filter(pk=rows[1].pk).update(status="failed")
    with django_assert_num_queries(1):
        counts = services.progress(issue)
    assert counts["total"] == 4
    assert (counts["queued"], counts["sent"], counts["failed"]) == (2, 1, 1)


@pytest.mark.django_db
def test_schedule_and_cancel_and_the_dispatcher_sends_what_is_due():
    SubscriptionFactory()
    later = IssueFactory()
    services.schedule(issue=later, at=timezone.now() + timedelta(hours=2))
    cancelled = IssueFactory()
    services.schedule(issue=cancelled, at=timezone.now() + timedelta(minutes=1))
    services.cancel(issue=cancelled)
    with pytest.raises(WrongState):
        services.cancel(issue=cancelled)
    with pytest.raises(WrongState):
        services.schedule(issue=IssueFactory(), at=timezone.now() - timedelta(minutes=1))
    due = IssueFactory()
    services.schedule(issue=due, at=timezone.now() + timedelta(minutes=1))
    Issue.objects.filter(pk=due.pk).update(scheduled_at=timezone.now() - timedelta(seconds=1))

    dispatch_issues()
    dispatch_issues()  # twice: nothing twice
    states = dict(Issue.objects.values_list("pk", "state"))
    assert states[later.pk] == "scheduled"
    assert states[cancelled.pk] == "cancelled"
    assert states[due.pk] == "sent"
    assert _rows(due).count() == 1
    assert not _rows(cancelled).exists()
