"""After too many failed logins the message says how long to wait."""

import time

import pytest
from django.urls import reverse

from accounts.ratelimits import seconds_until_allowed
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every failed login hashes a password (also for unknown addresses, against timing attacks):
    # the real hasher would make these tests slow without making them truer.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_after_five_wrong_passwords_the_message_says_to_wait_five_minutes(client, user):
    for _ in range(5):
        page = _login(client, user.email, "falsch").content.decode()
        assert "Zu viele Fehlversuche" not in page
    response = _login(client, user.email, PASSWORD)  # even the right password, for now
    page = response.content.decode()
    assert "Zu viele Fehlversuche. Bitte versuchen Sie es in 5 Minuten erneut." in page
    assert "error-summary" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_wait_shrinks_as_the_first_attempts_leave_the_window(client, user, monkeypatch):
    for _ in range(5):
        _login(client, user.email, "falsch")
    later = time.time() + 130
    monkeypatch.setattr(time, "time", lambda: later)
    page = _login(client, user.email, "falsch").content.decode()
    assert "Bitte versuchen Sie es in 3 Minuten erneut." in page  # 170 seconds left


@pytest.mark.django_db
def test_many_addresses_from_one_place_are_asked_to_wait_a_minute(client):
    for number in range(10):
        _login(client, f"raten{number}@beispiel.de", "falsch")
    page = _login(client, "noch-eine@beispiel.de", "falsch").content.decode()
    assert "Zu viele Fehlversuche. Bitte versuchen Sie es in 1 Minute erneut." in page


@pytest.mark.django_db
def test_the_wait_is_read_from_allauths_own_counters(client, rf, user):
    """Notices an allauth upgrade that changes how (or where) it counts attempts."""
    from allauth.account.adapter import get_adapter

    for _ in range(5):
        _login(client, user.email, "falsch")
    request = rf.post("/")
    key = get_adapter()._get_login_attempts_cache_key(request, email=user.email)
    assert 240 < seconds_until_allowed(request, action="login_failed", key=key) <= 300
    other = get_adapter()._get_login_attempts_cache_key(request, email="jemand@beispiel.de")
    assert seconds_until_allowed(request, action="login_failed", key=other) == 0


@pytest.mark.django_db
def test_the_english_message_says_it_in_english(client, user):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        _login(client, user.email, "falsch")
    page = _login(client, user.email, "falsch").content.decode()
    assert "Too many failed attempts. Please try again in 5 minutes." in page
