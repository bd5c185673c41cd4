"""Who may open which newsletter page, the archive, Mein Konto, query counts that do not grow,
and hostile input that never ends in a server error."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from network.models import Amt
from newsletter import services
from newsletter.models import Issue, Subscription
from portal.staff_groups import REDAKTION
from tests.factories import StaffFactory, UserFactory
from tests.newsletter.factories import IssueFactory, SubscriptionFactory, segment
from tests.queries import assert_queries_do_not_grow

ANONYMOUS, VOLUNTEER, STAFF, EDITOR = "anonymous", "volunteer", "staff", "editor"
ROLES = [ANONYMOUS, VOLUNTEER, STAFF, EDITOR]


def _as(client, role):
    if role == VOLUNTEER:
        client.force_login(UserFactory())
    elif role == STAFF:
        client.force_login(StaffFactory())
    elif role == EDITOR:
        editor = StaffFactory()
        editor.groups.add(Group.objects.get(name=REDAKTION))
        client.force_login(editor)
    return client


def _sent_issue(**kwargs):
    issue = IssueFactory(**kwargs)
    services.start_sending(issue=issue)
    services.fan_out(issue_id=issue.pk)
    issue.refresh_from_db()
    return issue


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_public_pages_open_for_everyone(client, role):
    _as(client, role)
    issue = _sent_issue()
    for url in (
        reverse("newsletter:subscribe"),
        reverse("newsletter:check_inbox"),
        reverse("newsletter:archive"),
        reverse("newsletter:archive_issue", args=[issue.pk]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_token_pages_open_with_the_token_whoever_holds_it_and_are_never_stored(client, role):
    _as(client, role)
    subscription = SubscriptionFactory(confirmed_at=None)
    for name in ("confirm", "unsubscribe", "manage"):
        response = client.get(reverse(f"newsletter:{name}", args=[subscription.token]))
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"]
        assert subscription.email in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["draft", "scheduled", "sending", "cancelled"])
def test_issues_not_sent_are_not_in_the_archive_for_anyone(client, role, state):
    _as(client, role)
    issue = IssueFactory(subject="Noch geheim")
    values = {"state": state}
    if state == "scheduled":
        values["scheduled_at"] = timezone.now()
    if state == "sending":
        values |= {"started_at": timezone.now(), "rendered_html": "x", "rendered_text": "x"}
    Issue.objects.filter(pk=issue.pk).update(**values)
    assert client.get(reverse("newsletter:archive_issue", args=[issue.pk])).status_code == 404
    assert "Noch geheim" not in client.get(reverse("newsletter:archive")).content.decode()


@pytest.mark.django_db
def test_the_archive_shows_the_issue_without_personal_parts(client):
    subscription = SubscriptionFactory()
    issue = _sent_issue(body="Der **Ehrenamtstag** ist am 5. Dezember.")
    html = client.get(reverse("newsletter:archive_issue", args=[issue.pk])).content.decode()
    assert "<strong>Ehrenamtstag</strong>" in html
    assert subscription.token not in html
    assert "%%" not in html
    assert issue.subject in client.get(reverse("newsletter:archive")).content.decode()


@pytest.mark.django_db
def test_my_newsletter_needs_a_login(client):
    response = client.get(reverse("newsletter:my_newsletter"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_my_newsletter_manages_only_the_subscription_of_my_address(client):
    me = UserFactory()
    mine = SubscriptionFactory(email=me.email.upper(), segments=[segment("fortbildungen")])
    other = SubscriptionFactory(segments=[segment("fortbildungen")])
    client.force_login(me)
    url = reverse("newsletter:my_newsletter")
    page = client.get(url)
    assert page.context["subscription"] == mine
    assert other.email not in page.content.decode()
    client.post(url, {"segments": [segment("foerderprogramme").pk]})
    assert [s.slug for s in mine.segments.all()] == ["foerderprogramme"]
    assert [s.slug for s in other.segments.all()] == ["fortbildungen"]
    client.post(url, {"unsubscribe": "1"})
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.unsubscribed_at is not None
    assert other.unsubscribed_at is None
    # Afterwards: nothing to manage, a way to subscribe, and the record can be deleted.
    page = client.get(url)
    assert page.context["subscription"] is None
    assert page.context["ended"] == mine
    client.post(url, {"erase": "1"})
    assert list(Subscription.objects.all()) == [other]


@pytest.mark.django_db
def test_my_newsletter_of_another_volunteer_shows_nothing_of_mine(client):
    mine = SubscriptionFactory(email="meine.adresse@beispiel.de")
    client.force_login(UserFactory())
    page = client.get(reverse("newsletter:my_newsletter"))
    assert page.status_code == 200
    assert page.context["subscription"] is None
    assert mine.email not in page.content.decode()
    client.post(reverse("newsletter:my_newsletter"), {"unsubscribe": "1"})
    client.post(reverse("newsletter:my_newsletter"), {"erase": "1"})
    mine.refresh_from_db()
    assert mine.unsubscribed_at is None


@pytest.mark.django_db
def test_mein_konto_shows_the_newsletter_section(client):
    me = UserFactory()
    SubscriptionFactory(email=me.email, segments=[segment("fortbildungen")])
    client.force_login(me)
    html = client.get(reverse("account_overview")).content.decode()
    assert 'id="my-newsletter"' in html
    assert reverse("newsletter:my_newsletter") in html
    assert "Fortbildungen" in html


@pytest.mark.django_db
def test_the_manage_page_saves_topics(client):
    subscription = SubscriptionFactory()
    url = reverse("newsletter:manage", args=[subscription.token])
    response = client.post(url, {"segments": [segment("vereinsvorstaende").pk]})
    assert response.status_code == 302
    assert [s.slug for s in subscription.segments.all()] == ["vereinsvorstaende"]
    response = client.post(url, {"segments": []})
    assert response.status_code == 200
    assert "segments" in response.context["form"].errors


@pytest.mark.django_db
def test_an_unsubscribed_subscription_cannot_be_managed_or_confirmed_by_its_old_link(client):
    subscription = SubscriptionFactory(unsubscribed_at=timezone.now())
    assert client.get(reverse("newsletter:manage", args=[subscription.token])).status_code == 404
    assert client.post(reverse("newsletter:confirm", args=[subscription.token])).status_code == 404
    # The unsubscribe page still says so (idempotent).
    assert (
        client.get(reverse("newsletter:unsubscribe", args=[subscription.token])).status_code == 200
    )


# --- Query counts -----------------------------------------------------------------------------


def _sent_rows(count):
    for _ in range(count):
        _sent_issue()


@pytest.mark.django_db
def test_archive_queries_do_not_grow(client):
    # the site configuration, the number of sent issues, one page of them
    assert_queries_do_not_grow(
        lambda: client.get(reverse("newsletter:archive")), add_rows=_sent_rows, queries=3
    )


@pytest.mark.django_db
def test_subscribe_page_queries_do_not_grow_with_amter(client):
    # the site configuration, the segments (checkboxes), the Ämter (the select)
    def add(count):
        for _ in range(count):
            Amt.objects.create(name=f"Amt {Amt.objects.count() + 1}")

    assert_queries_do_not_grow(
        lambda: client.get(reverse("newsletter:subscribe")), add_rows=add, queries=3
    )


@pytest.mark.django_db
def test_manage_page_queries_do_not_grow_with_subscribers(client):
    subscription = SubscriptionFactory(amt=Amt.objects.create(name="Amt Achterwehr"))
    url = reverse("newsletter:manage", args=[subscription.token])
    # the subscription with its Amt, its segments, the site configuration, the form's
    # segments and Ämter
    assert_queries_do_not_grow(
        lambda: client.get(url),
        add_rows=lambda n: SubscriptionFactory.create_batch(n),
        queries=5,
    )


@pytest.mark.django_db
def test_my_newsletter_queries_do_not_grow(client):
    me = UserFactory()
    SubscriptionFactory(email=me.email, amt=Amt.objects.create(name="Amt Achterwehr"))
    client.force_login(me)
    # session and user, the site configuration, the subscription with its Amt, its segments,
    # the form's segments and Ämter
    assert_queries_do_not_grow(
        lambda: client.get(reverse("newsletter:my_newsletter")),
        add_rows=lambda n: SubscriptionFactory.create_batch(n),
        queries=7,
    )


# --- Hostile input ----------------------------------------------------------------------------


@pytest.fixture
def tolerant_client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"segments": ["abc"], "amt": "x"},
        {"segments": ["99999999999999999999999"], "amt": "99999999999999999999999"},
        {"segments": ["-1"], "amt": "-1"},
        {"segments": ["1\x00"], "amt": "\x00"},
        {"email": '"a\x0bb"@beispiel.de'},
        {"email": "a@" + "b" * 300 + ".de"},
        {"email": "x" * 5000},
        {"email": ["a@b.de", "c@d.de"]},
    ],
)
def test_hostile_sign_ups_get_the_form_again_never_a_500(tolerant_client, values):
    data = {"email": "gut@beispiel.de", "segments": [segment().pk], "consent": "on", **values}
    response = tolerant_client.post(reverse("newsletter:subscribe"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["%00", "%E2%80%A8", "a" * 5000, "..", "%ff%fe"])
@pytest.mark.parametrize("name", ["confirm", "unsubscribe", "manage"])
def test_hostile_tokens_get_the_friendly_404(tolerant_client, name, token):
    path = reverse(f"newsletter:{name}", args=["PLACEHOLDER"]).replace("PLACEHOLDER", token)
    for method in (tolerant_client.get, tolerant_client.post):
        assert method(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "-1", "99999999999999999999", "0", "%00"])
def test_hostile_archive_pages_answer(tolerant_client, page):
    assert tolerant_client.get(f"{reverse('newsletter:archive')}?page={page}").status_code == 200
    too_big = reverse("newsletter:archive_issue", args=[2**64])
    assert tolerant_client.get(too_big).status_code == 404


@pytest.mark.django_db
def test_a_one_click_post_in_utf16_is_not_a_500(settings):
    settings.DEBUG = False
    subscription = SubscriptionFactory()
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.generic(
        "POST",
        reverse("newsletter:unsubscribe", args=[subscription.token]),
        data="List-Unsubscribe=One-Click".encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code in (200, 400)
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None or response.status_code == 400


@pytest.mark.django_db
def test_other_methods_are_refused(client):
    subscription = SubscriptionFactory()
    url = reverse("newsletter:unsubscribe", args=[subscription.token])
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405
    assert Subscription.objects.get().unsubscribed_at is None


@pytest.mark.django_db
def test_archive_issue_queries_do_not_grow(client):
    issue = _sent_issue()
    url = reverse("newsletter:archive_issue", args=[issue.pk])
    # the site configuration, the issue
    assert_queries_do_not_grow(lambda: client.get(url), add_rows=_sent_rows, queries=2)


@pytest.mark.django_db
def test_confirm_and_unsubscribe_pages_queries_do_not_grow(client):
    subscription = SubscriptionFactory(confirmed_at=None, amt=Amt.objects.create(name="Amt Eider"))
    for name, queries in (("confirm", 3), ("unsubscribe", 2)):
        url = reverse(f"newsletter:{name}", args=[subscription.token])
        # the subscription with its Amt, the site configuration (+ its segments to confirm)
        assert_queries_do_not_grow(
            lambda url=url: client.get(url),
            add_rows=lambda n: SubscriptionFactory.create_batch(n),
            queries=queries,
        )
