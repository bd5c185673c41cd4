"""Demo data of the newsletter: the demo volunteer subscribed, three issues in the archive,
no mail sent, and a second run changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from mailings.models import Email
from newsletter.demo import ISSUES, VOLUNTEER
from newsletter.models import Issue, Subscription

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", password="demo-pass-for-tests", verbosity=0)


def test_demo_subscription_and_archive_without_mail(client):
    _seed()
    newsletter_mails = Email.objects.filter(key__startswith="newsletter")
    assert not newsletter_mails.exists()
    assert Subscription.objects.get(email=VOLUNTEER).confirmed_at is not None
    assert Issue.objects.filter(state="sent").count() == len(ISSUES)
    archive = client.get(reverse("newsletter:archive")).content.decode()
    for subject, _body, _days in ISSUES:
        assert subject in archive
    _seed()
    assert Subscription.objects.filter(email=VOLUNTEER).count() == 1
    assert Issue.objects.count() == len(ISSUES)
    assert not newsletter_mails.exists()
