"""Requests a browser would not send end in a clear page, never in a server error."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/barrierefreiheit/", "/konto/login/", "/konto/signup/"])
def test_a_form_body_in_utf16_gets_the_portals_400_page_not_a_500(csrf_client, settings, path):
    settings.DEBUG = False
    csrf_client.get(path)
    token = csrf_client.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&description=abc".encode("utf-16")
    response = csrf_client.generic(
        "POST", path, data=body, content_type="application/x-www-form-urlencoded; charset=utf-16"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#main"' in html  # the portal's layout
    assert "<h1" in html


@pytest.mark.django_db
def test_a_missing_csrf_token_gets_the_portals_page(csrf_client):
    response = csrf_client.post(reverse("account_login"), {"login": "a@beispiel.de"})
    assert response.status_code == 403
    assert 'href="#main"' in response.content.decode()


PERSONAL = [
    "account_overview",
    "account_profile",
    "account_email",
    "account_delete",
    "account_change_password",
    "mfa_index",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAL)
def test_personal_pages_are_never_stored_by_browsers_or_proxies(client, name):
    client.force_login(UserFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_login_and_reset_pages_are_not_stored_either(client):
    for name in ("account_login", "account_reset_password", "account_signup"):
        assert "no-store" in client.get(reverse(name))["Cache-Control"], name


@pytest.mark.django_db
def test_public_pages_for_anonymous_visitors_stay_cacheable(client):
    response = client.get(reverse("home"))
    assert "no-store" not in response.get("Cache-Control", "")
