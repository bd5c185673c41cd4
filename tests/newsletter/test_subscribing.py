"""Double opt-in on the site: sign up → confirmation mail → confirm → the next issue; no
enumeration; the one-click unsubscribe (RFC 8058) and its GET page; tokens; clean-up."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mailings.models import Email
from mailings.services import deliver
from network.models import Amt
from newsletter import services
from newsletter.models import Subscription
from tests.factories import UserFactory
from tests.helpers import first_link
from tests.newsletter.factories import IssueFactory, SubscriptionFactory, segment

SUBSCRIBE = reverse("newsletter:subscribe")
ADDRESS = "rieke.rotkehlchen@beispiel.de"


def _sign_up(client, email=ADDRESS, **values):
    return client.post(
        SUBSCRIBE,
        {
            "email": email,
            "segments": [segment().pk, segment("fortbildungen").pk],
            "consent": "on",
            **values,
        },
    )


def _confirmation_mails(email=ADDRESS):
    return Email.objects.filter(to__iexact=email, key__startswith="newsletter:confirm")


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _send(issue):
    services.start_sending(issue=issue)
    services.fan_out(issue_id=issue.pk)
    issue.refresh_from_db()
    return issue


@pytest.mark.django_db
def test_sign_up_confirm_and_receive_the_next_issue(client):
    response = _sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("newsletter:check_inbox")
    subscription = Subscription.objects.get(email=ADDRESS)
    assert subscription.confirmed_at is None
    assert {s.slug for s in subscription.segments.all()} == {"ehrenamtliche", "fortbildungen"}
    # Consent evidence: sign-up, the confirmation mail, the versions shown; no IP by default.
    assert subscription.created_at is not None
    assert subscription.confirmation_sent_at is not None
    assert subscription.consent_text_version == "2026-11"
    assert subscription.privacy_notice_version == "2026-11"
    assert subscription.ip_address is None

    (mail,) = _confirmation_mails()
    assert mail.sensitive
    assert mail.headers == {}
    confirm_path = _path(first_link(mail.body_text))
    assert confirm_path == reverse("newsletter:confirm", args=[subscription.token])

    # An issue before confirming does not reach the address.
    early = _send(IssueFactory())
    assert not Email.objects.filter(key__startswith=early.key_prefix).exists()

    page = client.get(confirm_path)
    assert page.status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None, "GET must not confirm (link scanners)"
    assert "Fortbildungen" in page.content.decode()  # says what was chosen

    response = client.post(confirm_path)
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    issue = _send(IssueFactory())
    row = Email.objects.get(key=f"newsletter:{issue.pk}:{subscription.pk}")
    assert row.to == ADDRESS
    assert issue.state == "sent"
    assert issue.recipient_count == 1


@pytest.mark.django_db
def test_the_confirmation_mail_carries_no_newsletter_content_and_no_bulk_headers(mailoutbox):
    issue = IssueFactory(body="Geheimer Inhalt der nächsten Ausgabe")
    services.subscribe(email=ADDRESS, segments=[segment()])
    (mail,) = _confirmation_mails()
    assert "Geheimer Inhalt" not in mail.body_text
    assert issue.subject not in mail.body_text
    deliver(email_id=mail.pk)
    (sent,) = mailoutbox
    message = sent.message()
    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None


@pytest.mark.django_db
def test_signing_up_a_known_address_looks_the_same_and_mails_the_owner_once_a_day(client):
    first = _sign_up(client)
    services.confirm(token=Subscription.objects.get().token)
    again = _sign_up(client, email=ADDRESS.upper(), segments=[segment("foerderprogramme").pk])
    third = _sign_up(client)
    new = _sign_up(client, email="ganz.neu@beispiel.de")
    assert first.status_code == again.status_code == third.status_code == new.status_code == 302
    assert first.url == again.url == third.url == new.url
    page_known = client.get(again.url).content
    assert page_known == client.get(new.url).content

    subscription = Subscription.objects.get(email=ADDRESS)
    # Nothing changed for the owner by someone else's sign-up.
    assert {s.slug for s in subscription.segments.all()} == {"ehrenamtliche", "fortbildungen"}
    notices = Email.objects.filter(key__startswith=f"newsletter:notice:{subscription.pk}:")
    assert notices.count() == 1
    assert notices.get().headers == {}

    # A day later, one more.
    Subscription.objects.filter(pk=subscription.pk).update(
        last_owner_notice_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    Email.objects.filter(key__startswith="newsletter:notice:").delete()  # another day's key
    _sign_up(client)
    assert Email.objects.filter(key__startswith="newsletter:notice:").count() == 1


@pytest.mark.django_db
def test_signing_up_a_pending_address_sends_the_link_again_at_most_once_a_day(client):
    _sign_up(client)
    _sign_up(client)
    _sign_up(client)
    assert _confirmation_mails().count() == 2  # the first, and one reminder today
    assert Subscription.objects.count() == 1


@pytest.mark.django_db
def test_an_unsubscribed_address_can_sign_up_again_with_a_new_token_and_consent(client):
    _sign_up(client)
    old = Subscription.objects.get()
    services.confirm(token=old.token)
    services.unsubscribe(token=old.token)
    _sign_up(client)
    renewed = Subscription.objects.get()
    assert renewed.pk == old.pk
    assert renewed.token != old.token
    assert renewed.confirmed_at is None
    assert renewed.unsubscribed_at is None
    assert _confirmation_mails().count() == 2
    # The old links are dead.
    assert client.get(reverse("newsletter:confirm", args=[old.token])).status_code == 404


@pytest.mark.django_db
def test_the_ip_address_is_kept_only_when_the_setting_says_so(client, settings):
    _sign_up(client)
    assert Subscription.objects.get().ip_address is None
    settings.NEWSLETTER_KEEP_IP = True
    client.post(
        SUBSCRIBE,
        {"email": "dritte@beispiel.de", "segments": [segment().pk], "consent": "on"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert Subscription.objects.get(email="dritte@beispiel.de").ip_address == "203.0.113.7"


@pytest.mark.django_db
def test_the_form_needs_consent_a_topic_and_a_valid_address(client):
    response = client.post(SUBSCRIBE, {"email": "kein-at-zeichen", "segments": []})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "segments", "consent"}
    assert 'id="error-summary"' in response.content.decode()
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_an_amt_can_be_chosen(client):
    amt = Amt.objects.create(name="Amt Hohner Harde")
    _sign_up(client, amt=amt.pk)
    assert Subscription.objects.get().amt == amt


@pytest.mark.django_db
def test_a_logged_in_person_finds_their_address_filled_in_and_the_subscription_linked(client):
    person = UserFactory()
    client.force_login(person)
    form = client.get(SUBSCRIBE).context["form"]
    assert form["email"].value() == person.email
    _sign_up(client, email=person.email)
    assert Subscription.objects.get().user == person
    _sign_up(client, email="jemand.anders@beispiel.de")
    assert Subscription.objects.get(email="jemand.anders@beispiel.de").user is None


# --- Unsubscribing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_click_post_unsubscribes_without_login_or_csrf_token_and_stops_the_next_issue():
    subscription = SubscriptionFactory()
    client = Client(enforce_csrf_checks=True)
    url = reverse("newsletter:unsubscribe", args=[subscription.token])
    response = client.post(
        url,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    issue = _send(IssueFactory())
    assert not Email.objects.filter(key__startswith=issue.key_prefix).exists()
    # Idempotent: a second POST answers the same.
    assert (
        client.post(
            url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )


@pytest.mark.django_db
def test_get_on_the_unsubscribe_url_shows_a_button_and_does_not_unsubscribe(client):
    subscription = SubscriptionFactory()
    response = client.get(reverse("newsletter:unsubscribe", args=[subscription.token]))
    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None


@pytest.mark.django_db
def test_unsubscribing_cancels_issue_mails_not_yet_sent():
    subscription = SubscriptionFactory()
    other = SubscriptionFactory()
    issue = _send(IssueFactory())
    services.unsubscribe(token=subscription.token)
    assert Email.objects.get(key=f"{issue.key_prefix}{subscription.pk}").status == "cancelled"
    assert Email.objects.get(key=f"{issue.key_prefix}{other.pk}").status == "queued"


# --- Tokens -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tokens_are_random_long_and_unique():
    tokens = {SubscriptionFactory().token for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 43 for token in tokens)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", token) for token in tokens)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["confirm", "unsubscribe", "manage"])
def test_a_wrong_token_answers_a_friendly_404_and_touches_no_subscription(client, name):
    mine = SubscriptionFactory(confirmed_at=None)
    for token in [mine.token[:-1] + ("A" if mine.token[-1] != "A" else "B"), "x" * 43, "x" * 600]:
        url = reverse(f"newsletter:{name}", args=[token])
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 404
            assert "newsletter/link_invalid.html" in [t.name for t in response.templates]
    mine.refresh_from_db()
    assert mine.confirmed_at is None
    assert mine.unsubscribed_at is None


@pytest.mark.django_db
def test_a_token_acts_only_on_its_own_subscription(client):
    mine = SubscriptionFactory()
    other = SubscriptionFactory()
    client.post(reverse("newsletter:unsubscribe", args=[mine.token]))
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.unsubscribed_at is not None
    assert other.unsubscribed_at is None


# --- Clean-up ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unconfirmed_sign_ups_are_deleted_after_the_period_confirmed_ones_stay(settings):
    settings.NEWSLETTER_UNCONFIRMED_DAYS = 7
    old = timezone.now() - timedelta(days=8)
    stale = SubscriptionFactory(confirmed_at=None, created_at=old)
    fresh = SubscriptionFactory(confirmed_at=None)
    confirmed = SubscriptionFactory(created_at=old)
    # Nor can the stale one be confirmed any more.
    with pytest.raises(services.InvalidLink):
        services.confirm(token=stale.token)
    assert Client().get(reverse("newsletter:confirm", args=[stale.token])).status_code == 404
    assert services.purge_unconfirmed() == 2  # the row and its segment link
    assert set(Subscription.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    from newsletter.tasks import purge_unconfirmed_subscriptions

    purge_unconfirmed_subscriptions()  # idempotent
    assert Subscription.objects.count() == 2


@pytest.mark.django_db
def test_sign_ups_from_one_connection_are_limited(client):
    for number in range(10):
        assert _sign_up(client, email=f"flut{number}@beispiel.de").status_code == 302
    response = _sign_up(client, email="flut-zu-viel@beispiel.de")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Subscription.objects.filter(email="flut-zu-viel@beispiel.de").exists()


@pytest.mark.django_db
def test_signing_up_again_after_an_unconfirmed_sign_up_lapsed_starts_afresh(client, settings):
    _sign_up(client)
    lapsed = Subscription.objects.get()
    Subscription.objects.filter(pk=lapsed.pk).update(
        created_at=timezone.now() - timedelta(days=settings.NEWSLETTER_UNCONFIRMED_DAYS + 1)
    )
    _sign_up(client)
    renewed = Subscription.objects.get()
    assert renewed.token != lapsed.token
    assert renewed.created_at > lapsed.created_at
    assert _confirmation_mails().count() == 2
    assert client.post(reverse("newsletter:confirm", args=[renewed.token])).status_code == 302
