"""The newsletter in a person's data export (with the consent evidence) and erasure."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from mailings.models import Email
from newsletter import services
from newsletter.models import Subscription
from tests.factories import UserFactory
from tests.newsletter.factories import IssueFactory, SubscriptionFactory, segment


@pytest.mark.django_db
def test_the_export_holds_the_subscription_with_its_consent_evidence(client, settings):
    settings.NEWSLETTER_KEEP_IP = True
    person = UserFactory()
    services.subscribe(
        email=person.email, segments=[segment("fortbildungen")], user=person, ip="203.0.113.9"
    )
    services.confirm(token=Subscription.objects.get().token)
    SubscriptionFactory(email="fremd@beispiel.de")
    client.force_login(person)
    data = json.loads(client.get(reverse("account_export")).content)
    (entry,) = data["newsletter"]
    assert entry["email"] == person.email
    assert entry["segments"] == ["Fortbildungen"]
    assert entry["ip_address"] == "203.0.113.9"
    for key in ("signed_up_at", "confirmation_sent_at", "confirmed_at"):
        assert entry[key]
    assert entry["consent_text_version"] == settings.NEWSLETTER_CONSENT_VERSION
    assert entry["privacy_notice_version"] == settings.PRIVACY_NOTICE_VERSION
    assert "fremd@beispiel.de" not in json.dumps(data)


@pytest.mark.django_db
def test_erasure_deletes_the_subscriptions_of_verified_addresses_only(client, password):
    person = UserFactory()
    EmailAddress.objects.create(user=person, email="zweit@beispiel.de", verified=True)
    EmailAddress.objects.create(user=person, email="behauptet@beispiel.de", verified=False)
    mine = SubscriptionFactory(email=person.email.upper())
    second = SubscriptionFactory(email="zweit@beispiel.de")
    claimed = SubscriptionFactory(email="behauptet@beispiel.de")
    issue = IssueFactory()
    services.start_sending(issue=issue)
    services.fan_out(issue_id=issue.pk)
    client.force_login(person)
    response = client.post(reverse("account_delete"), {"confirm": "on", "password": password})
    assert response.status_code == 302
    assert list(Subscription.objects.values_list("pk", flat=True)) == [claimed.pk]
    # The issue mails to the erased addresses are not sent (and no longer name them).
    for gone in (mine, second):
        row = Email.objects.get(key=f"{issue.key_prefix}{gone.pk}")
        assert row.status == "cancelled"
    assert Email.objects.get(key=f"{issue.key_prefix}{claimed.pk}").status == "queued"
