"""Newsletter in admin: Redaktion writes, previews, tests, schedules, sends and cancels;
staff of other groups, volunteers and visitors cannot; the evidence is read-only."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from mailings.models import Email
from newsletter import services
from newsletter.models import Issue
from portal.staff_groups import BERATUNG, REDAKTION
from tests.factories import StaffFactory, UserFactory
from tests.helpers import log_in_with_second_factor
from tests.newsletter.factories import IssueFactory, SubscriptionFactory, segment


def _staff(client, group=REDAKTION):
    person = StaffFactory(first_name="Erika", last_name="Editorin")
    if group:
        person.groups.add(Group.objects.get(name=group))
    log_in_with_second_factor(client, person)
    return person


def _url(name, *args):
    return reverse(f"admin:newsletter_issue_{name}", args=args)


@pytest.mark.django_db
def test_redaktion_writes_an_issue_and_is_noted_as_its_author(client):
    editor = _staff(client)
    response = client.post(
        reverse("admin:newsletter_issue_add"),
        {
            "subject": "Adventsausgabe",
            "body": "## Hallo\n\nSchöne Feiertage!",
            "segments": [segment().pk],
            "include_news": "on",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    issue = Issue.objects.get()
    assert issue.created_by == editor
    assert issue.state == "draft"
    page = client.get(_url("change", issue.pk)).content.decode()
    for name in ("preview", "test", "schedule", "send"):
        assert _url(name, issue.pk) in page


@pytest.mark.django_db
def test_preview_shows_the_mail_with_sample_personal_parts(client):
    _staff(client)
    issue = IssueFactory(body="Der **Ehrenamtstag** kommt.")
    response = client.get(_url("preview", issue.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Ehrenamtstag</strong>" in html
    assert "Erika Editorin," in html
    assert "%%" not in html
    assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_send_a_test_to_myself(client):
    editor = _staff(client)
    SubscriptionFactory()
    issue = IssueFactory()
    response = client.post(_url("test", issue.pk))
    assert response.status_code == 302
    (mail,) = Email.objects.all()
    assert mail.to == editor.email
    assert mail.subject.startswith("[TEST]")


@pytest.mark.django_db
def test_schedule_then_cancel_then_send_now_and_a_second_send_is_refused(
    client, django_capture_on_commit_callbacks
):
    _staff(client)
    subscription = SubscriptionFactory()
    issue = IssueFactory()
    at = timezone.localtime() + timedelta(days=1)
    assert client.get(_url("schedule", issue.pk)).status_code == 200
    response = client.post(_url("schedule", issue.pk), {"at": at.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.state == "scheduled"
    client.post(_url("cancel", issue.pk))
    issue.refresh_from_db()
    assert issue.state == "cancelled"

    fresh = IssueFactory()
    past = timezone.localtime() - timedelta(hours=1)
    response = client.post(_url("schedule", fresh.pk), {"at": past.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    assert response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("send", fresh.pk))
    fresh.refresh_from_db()
    assert fresh.state == "sent"  # the fan-out ran in-process (eager tasks, on commit)
    assert Email.objects.filter(key=f"{fresh.key_prefix}{subscription.pk}").exists()
    response = client.post(_url("send", fresh.pk), follow=True)
    assert Email.objects.filter(key__startswith=fresh.key_prefix).count() == 1
    assert any(m.level_tag == "error" for m in response.context["messages"])


@pytest.mark.django_db
def test_a_sent_issue_is_read_only_cannot_be_deleted_and_shows_its_progress(client):
    _staff(client)
    SubscriptionFactory.create_batch(3)
    issue = IssueFactory()
    services.start_sending(issue=issue)
    services.fan_out(issue_id=issue.pk)
    response = client.get(_url("change", issue.pk))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "body" not in form.fields
    html = response.content.decode()
    assert ": 3 · " in html  # mails: 3 · queued: 3 · …
    assert client.get(_url("delete", issue.pk)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["preview", "schedule"])
def test_staff_of_another_group_may_not_open_the_issue_pages(client, name):
    _staff(client, group=BERATUNG)
    issue = IssueFactory()
    assert client.get(_url(name, issue.pk)).status_code == 403
    assert client.get(_url("changelist")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["test", "send", "cancel"])
def test_staff_of_another_group_may_not_send(client, name):
    _staff(client, group=None)
    issue = IssueFactory()
    assert client.post(_url(name, issue.pk)).status_code == 403
    issue.refresh_from_db()
    assert issue.state == "draft"
    assert not Email.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["preview", "test", "schedule", "send", "cancel"])
def test_volunteers_and_visitors_are_sent_to_the_login(client, name):
    issue = IssueFactory()
    for who in (None, UserFactory()):
        if who:
            client.force_login(who)
        response = client.post(_url(name, issue.pk))
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "login" in response.url
    issue.refresh_from_db()
    assert issue.state == "draft"


@pytest.mark.django_db
def test_subscribers_list_with_evidence_read_only_and_no_adding(client):
    _staff(client)
    subscription = SubscriptionFactory(email="beleg@beispiel.de")
    listing = client.get(reverse("admin:newsletter_subscription_changelist") + "?q=beleg")
    assert listing.status_code == 200
    assert "beleg@beispiel.de" in listing.content.decode()
    page = client.get(reverse("admin:newsletter_subscription_change", args=[subscription.pk]))
    assert page.status_code == 200
    form_fields = page.context["adminform"].form.fields
    for evidence in ("created_at", "confirmed_at", "consent_text_version", "ip_address"):
        assert evidence not in form_fields  # shown read-only
    assert client.get(reverse("admin:newsletter_subscription_add")).status_code == 403
