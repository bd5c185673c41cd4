"""The portal's own login, sign-up and password-reset templates (templates/account/)."""

import pytest
from allauth.account import app_settings as account_settings
from allauth.mfa import app_settings as mfa_settings
from django.conf import settings
from django.urls import reverse


def test_the_allauth_features_these_templates_leave_out_are_off():
    # templates/account/{login,signup}.html show no sign-in code, passkey or social buttons:
    # switching one of these on needs those templates extended first.
    assert not account_settings.LOGIN_BY_CODE_ENABLED
    assert not mfa_settings.PASSKEY_LOGIN_ENABLED
    assert not mfa_settings.PASSKEY_SIGNUP_ENABLED
    assert "allauth.socialaccount" not in settings.INSTALLED_APPS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "heading", "fields", "other"),
    [
        ("account_login", "Anmelden", ["login", "password"], "/konto/signup/?next=%2Fkonto%2F"),
        (
            "account_signup",
            "Registrieren",
            ["email", "password1"],
            "/konto/login/?next=%2Fkonto%2F",
        ),
        ("account_reset_password", "Passwort zurücksetzen", ["email"], None),
    ],
)
def test_entrance_pages_show_heading_form_fields_and_keep_where_to_go_next(
    client, name, heading, fields, other
):
    html = client.get(reverse(name) + "?next=/konto/").content.decode()
    assert f'<h1 class="kern-heading-large">{heading}</h1>' in html
    assert f'<form class="portal-form" method="post" action="{reverse(name)}" novalidate>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    for field in fields:
        assert f'name="{field}"' in html
    assert '<input type="hidden" name="next" value="/konto/">' in html
    if other:
        assert f'href="{other}"' in html


@pytest.mark.django_db
def test_a_failed_login_shows_its_errors_and_the_typed_address(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "falsch"})
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert f'value="{user.email}"' in html
