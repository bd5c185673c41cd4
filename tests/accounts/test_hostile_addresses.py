"""Addresses that would break a mail header, or the database column, are refused politely."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from accounts.models import User
from mailings.models import Email
from tests.factories import UserFactory

HEADER_BREAKERS = [
    '"x\x0bY"@beispiel.de',
    '"x\x0cY"@beispiel.de',
    '"x\x1cY"@beispiel.de',
    '"a\r\nBcc: alle"@beispiel.de',
    "person@beispiel\u2028.de",
]
TOO_LONG = "a" * 64 + "@" + ".".join(c * 60 for c in "cdef") + "x.de"  # 312 characters
SIGNUP = {
    "first_name": "Nina",
    "last_name": "Neu",
    "password1": "ein-sicheres-Passwort-42",
    "password2": "ein-sicheres-Passwort-42",
    "privacy_consent": "on",
}


def _shows_error(response) -> bool:
    return response.status_code == 200 and 'id="error-summary"' in response.content.decode()


def test_the_long_address_is_really_longer_than_the_column():
    assert len(TOO_LONG) == 312


@pytest.mark.django_db
@pytest.mark.parametrize("address", [*HEADER_BREAKERS, TOO_LONG])
def test_signup_refuses_the_address_and_creates_nothing(client, address):
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": address})
    assert _shows_error(response)
    assert not User.objects.exists()
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_signup_says_how_long_an_address_may_be(client):
    html = client.post(reverse("account_signup"), {**SIGNUP, "email": TOO_LONG}).content.decode()
    assert "254" in html


@pytest.mark.django_db
@pytest.mark.parametrize("address", [*HEADER_BREAKERS, TOO_LONG])
def test_adding_an_address_refuses_it(client, user, address):
    client.force_login(user)
    response = client.post(reverse("account_email"), {"email": address, "action_add": ""})
    assert _shows_error(response)
    assert EmailAddress.objects.filter(user=user).count() == 1
    assert not Email.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("address", [*HEADER_BREAKERS, TOO_LONG])
def test_password_reset_refuses_it_without_an_error_page(client, address):
    response = client.post(reverse("account_reset_password"), {"email": address})
    assert _shows_error(response)
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_login_with_an_overlong_address_is_an_ordinary_failed_login(client):
    response = client.post(reverse("account_login"), {"login": TOO_LONG, "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("address", [*HEADER_BREAKERS, TOO_LONG])
def test_barrier_form_refuses_the_address_and_says_nothing_was_sent(client, address):
    response = client.post(reverse("barrier_report"), {"description": "Kontrast", "email": address})
    assert _shows_error(response)
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_sign_up_costs_one_password_hash_whether_or_not_the_address_is_taken(client, monkeypatch):
    """A taken address must not answer faster (0.06 s instead of 0.6 s): no enumeration."""
    UserFactory(email="vergeben@beispiel.de")
    hashes = []
    real_encode = PBKDF2PasswordHasher.encode
    monkeypatch.setattr(
        PBKDF2PasswordHasher,
        "encode",
        lambda self, *args, **kwargs: hashes.append(1) or real_encode(self, *args, **kwargs),
    )
    client.post(reverse("account_signup"), {**SIGNUP, "email": "frei@beispiel.de"})
    new_account = len(hashes)
    client.post(reverse("account_signup"), {**SIGNUP, "email": "vergeben@beispiel.de"})
    taken = len(hashes) - new_account
    assert new_account >= 1
    assert taken == new_account


@pytest.mark.django_db
def test_staff_cannot_store_such_an_address_in_admin_either():
    from django.core.exceptions import ValidationError

    from portal.models import SiteConfiguration

    with pytest.raises(ValidationError, match="email"):
        User(email=HEADER_BREAKERS[0]).full_clean()
    config = SiteConfiguration.load()
    config.email = TOO_LONG
    with pytest.raises(ValidationError, match="email"):
        config.full_clean()
