from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import User
from mailings.models import Email
from tests.factories import UserFactory
from tests.helpers import first_link

SIGNUP = {
    "email": "neu@beispiel.de",
    "first_name": "Nina",
    "last_name": "Neu",
    "password1": "ein-sicheres-Passwort-42",
    "password2": "ein-sicheres-Passwort-42",
    "privacy_consent": "on",
}


@pytest.mark.django_db
def test_signup_sends_verification_through_outbox_then_verify_and_log_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302

    user = User.objects.get(email="neu@beispiel.de")
    assert user.privacy_consent_at is not None
    assert user.privacy_consent_version == settings.PRIVACY_NOTICE_VERSION
    assert (user.first_name, user.last_name) == ("Nina", "Neu")
    assert user.language == "de"

    outbox_row = Email.objects.get(to="neu@beispiel.de")
    assert outbox_row.status == Email.Status.SENT
    assert outbox_row.recipient_user == user
    assert "confirm-email" not in outbox_row.body_text  # the link is not kept readable
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["neu@beispiel.de"]
    assert message.alternatives[0][1] == "text/html"
    assert "De Kloormokers" in message.body  # the county's footer

    # Not verified yet: logging in is refused and leads to the verification notice.
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert "_auth_user_id" not in client.session

    link = urlparse(first_link(message.body)).path
    response = client.get(link)
    assert response.status_code == 200
    response = client.post(link)
    assert response.status_code == 302

    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("account_overview")).status_code == 200


@pytest.mark.django_db
def test_signup_without_consent_shows_error_and_creates_nothing(client):
    data = {**SIGNUP, "privacy_consent": ""}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not User.objects.exists()
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_email_is_unique_regardless_of_case():
    UserFactory(email="gross@beispiel.de")
    with pytest.raises(IntegrityError):
        UserFactory(email="GROSS@beispiel.de")


@pytest.mark.django_db
def test_signup_with_existing_address_in_other_case_does_not_create_a_second_account(client):
    UserFactory(email="da@beispiel.de")
    client.post(reverse("account_signup"), {**SIGNUP, "email": "DA@beispiel.de"})
    assert User.objects.filter(email__iexact="da@beispiel.de").count() == 1
