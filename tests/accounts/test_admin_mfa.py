from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
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
