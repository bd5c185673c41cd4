from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.helpers import activate_totp, totp_code


def _login(client, user, password):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


@pytest.mark.django_db
def test_admin_login_is_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert parse_qs(urlparse(response["Location"]).query)["next"] == ["/admin/"]


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_from_admin(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_staff_without_second_factor_cannot_reach_admin(client, staff, password):
    _login(client, staff, password)
    assert client.session["_auth_user_id"] == str(staff.pk)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("mfa_activate_totp")
    assert client.get("/admin/accounts/user/").status_code == 302


@pytest.mark.django_db
def test_staff_with_totp_logs_in_with_code_and_reaches_admin(client, staff, password):
    secret = activate_totp(staff)
    response = _login(client, staff, password)
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # password alone is not enough

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_volunteer_never_reaches_admin(client, user, password):
    _login(client, user, password)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert all(reverse("mfa_activate_totp") not in url for url, _ in response.redirect_chain)


def test_there_is_no_mfa_bypass_code():
    assert not getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None)


def _set_up_totp_in_the_browser(client, staff, password) -> str:
    """Log in, confirm the password, scan the secret and enter a code: the real views."""
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    _login(client, staff, password)
    client.post(reverse("account_reauthenticate"), {"password": password})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    return secret


@pytest.fixture
def stale_session(staff, password):
    """A session that logged in with the password before the account had a second factor."""
    stale = Client()
    _login(stale, staff, password)
    assert stale.session["_auth_user_id"] == str(staff.pk)
    return stale


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_setting_up_totp_ends_the_other_sessions_of_the_account(stale_session, staff, password):
    fresh = Client()
    _set_up_totp_in_the_browser(fresh, staff, password)
    response = stale_session.get("/admin/", follow=True)
    assert urlparse(response.redirect_chain[-1][0]).path == reverse("account_login")
    assert "_auth_user_id" not in stale_session.session  # logged out, not merely redirected
    assert fresh.get("/admin/").status_code == 200  # the session that proved the code


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("path", ["/admin/", "/admin/jsi18n/"])
def test_a_password_only_session_must_pass_the_second_factor_even_if_it_survived(
    stale_session, staff, password, monkeypatch, path
):
    from accounts import second_factor

    # Take the first guard away: the stale session is not ended.
    monkeypatch.setattr(second_factor, "end_other_sessions", lambda **kwargs: 0)
    secret = _set_up_totp_in_the_browser(Client(), staff, password)
    response = stale_session.get(path)
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("mfa_reauthenticate")

    response = stale_session.post(
        reverse("mfa_reauthenticate") + f"?next={path}", {"code": totp_code(secret)}
    )
    assert response.status_code == 302
    assert stale_session.get(path).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_an_account_level_check_lets_the_stale_session_in(
    stale_session, staff, password, monkeypatch
):
    """Shows the test above catches the old check ("the account has a factor")."""
    from accounts import middleware, second_factor

    monkeypatch.setattr(second_factor, "end_other_sessions", lambda **kwargs: 0)
    monkeypatch.setattr(middleware, "session_passed_second_factor", lambda request: True)
    _set_up_totp_in_the_browser(Client(), staff, password)
    assert stale_session.get("/admin/").status_code == 200
    assert stale_session.get("/admin/jsi18n/").status_code == 200
