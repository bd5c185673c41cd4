"""The language switch needs no CSRF token, but only the portal's own pages may use it."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_pages_carry_no_csrf_token_for_the_language_switch(client):
    response = client.get(reverse("home"))
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies  # no CSRF cookie for a page without a form


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_ORIGIN": "http://testserver"},  # browsers without Sec-Fetch-Site
        {},  # not a browser: nobody's request to forge
    ],
)
def test_the_portals_own_pages_switch_the_language_without_a_token(strict_client, headers):
    response = strict_client.post(
        reverse("set_language"), {"language": "en", "next": "/"}, **headers
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://boese.example", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://boese.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},  # a neighbouring subdomain is another site here
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame or a data: page
    ],
)
def test_another_site_cannot_switch_a_persons_language(client, user, headers):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, **headers)
    assert response.status_code == 403
    assert 'href="#main"' in response.content.decode()  # the portal's 403 page
    language_cookie = response.cookies.get("django_language")
    assert language_cookie is None or language_cookie.value != "en"
    user.refresh_from_db()
    assert user.language != "en"


@pytest.mark.django_db
def test_a_trusted_origin_may_switch_the_language(client, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://portal.example.org"]
    response = client.post(
        reverse("set_language"),
        {"language": "en", "next": "/"},
        HTTP_ORIGIN="https://portal.example.org",
    )
    assert response.status_code == 302
