"""Staff setting up TOTP: no second password prompt right after login, a usable secret, and a
way on to the administration afterwards."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account import app_settings as allauth_account
from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.urls import reverse

from accounts.adapter import AccountAdapter
from tests.factories import StaffFactory
from tests.helpers import activate_totp, age_authentication, log_in_with_second_factor, totp_code

ACTIVATE = reverse("mfa_activate_totp")
REAUTHENTICATE = reverse("account_reauthenticate")


def _login(client, user, password):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def _path(response) -> str:
    return urlparse(response["Location"]).path


def _main(response) -> str:
    """The page's main content (the language switch in the header repeats the address)."""
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


@pytest.mark.django_db
def test_a_fresh_login_goes_from_admin_straight_to_the_totp_set_up(client, staff, password):
    _login(client, staff, password)
    response = client.get("/admin/")
    assert _path(response) == ACTIVATE
    response = client.get(response["Location"])
    assert response.status_code == 200  # no second password prompt
    assert 'id="authenticator_secret"' in response.content.decode()


@pytest.mark.django_db
def test_a_login_older_than_the_reauthentication_timeout_is_asked_for_the_password(
    client, staff, password
):
    _login(client, staff, password)
    age_authentication(client, allauth_account.REAUTHENTICATION_TIMEOUT + 1)
    response = client.get(f"{ACTIVATE}?next=/admin/")
    assert response.status_code == 302
    assert _path(response) == REAUTHENTICATE
    assert parse_qs(urlparse(response["Location"]).query)["next"] == [f"{ACTIVATE}?next=/admin/"]

    response = client.post(response["Location"], {"password": password})
    assert response.status_code == 302
    assert client.get(f"{ACTIVATE}?next=/admin/").status_code == 200


@pytest.mark.django_db
def test_a_login_just_inside_the_timeout_still_counts(client, staff, password):
    _login(client, staff, password)
    age_authentication(client, allauth_account.REAUTHENTICATION_TIMEOUT - 30)
    assert client.get(ACTIVATE).status_code == 200


@pytest.mark.django_db
def test_negative_control_allauths_own_rule_asks_again_right_after_login(
    client, staff, password, monkeypatch
):
    """Shows the first test catches the double prompt: allauth alone counts only re-entries."""
    monkeypatch.setattr(
        AccountAdapter,
        "is_reauthentication_required",
        DefaultAccountAdapter.is_reauthentication_required,
    )
    _login(client, staff, password)
    response = client.get(ACTIVATE)
    assert _path(response) == REAUTHENTICATE


@pytest.mark.django_db
def test_a_forced_session_without_a_login_record_is_asked_for_the_password(client, staff):
    client.force_login(staff)  # no record of typing the password
    assert _path(client.get(ACTIVATE)) == REAUTHENTICATE


@pytest.mark.django_db
def test_the_secret_is_shown_whole_readonly_selectable_with_a_label_and_the_qr_code(
    client, staff, password
):
    _login(client, staff, password)
    page = client.get(ACTIVATE).content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    field = re.search(r"<textarea[^>]*id=\"authenticator_secret\"[^>]*>([^<]*)</textarea>", page)
    assert field, page
    assert field.group(1).replace(" ", "") == secret  # all of it, in groups of four
    tag = field.group(0)
    assert "readonly" in tag
    assert "disabled" not in tag  # disabled was faint and could not be focused or copied
    assert '<label class="kern-label" for="authenticator_secret">' in page
    assert f'data-copy-value="{secret}"' in page  # the copy button copies the key without spaces
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code
    assert secret not in re.search(r"<img[^>]*>", page).group(0)  # not as its alt text
    assert "<script>" not in page  # the strict CSP forbids inline scripts


# Transactional: allauth announces the new factor after commit, inside the request.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_activation_staff_who_came_from_admin_are_led_on_to_it(client, staff, password):
    _login(client, staff, password)
    activate_url = client.get("/admin/")["Location"]
    page = client.get(activate_url).content.decode()
    assert '<input type="hidden" name="next" value="/admin/">' in page

    code = totp_code(client.session[SECRET_SESSION_KEY])
    response = client.post(ACTIVATE, {"code": code, "next": "/admin/"})
    assert response.status_code == 302
    assert _path(response) == reverse("mfa_view_recovery_codes")  # the codes are shown first
    page = client.get(response["Location"]).content.decode()
    assert re.search(
        r'<a class="kern-btn kern-btn--primary" href="/admin/">.*Weiter zur Verwaltung', page
    )
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://boese.example/admin/", "//boese.example/"])
def test_a_next_address_on_another_site_is_neither_kept_nor_offered(
    client, staff, password, target
):
    _login(client, staff, password)
    page = _main(client.get(ACTIVATE, {"next": target}))
    assert "boese.example" not in page
    code = totp_code(client.session[SECRET_SESSION_KEY])
    response = client.post(ACTIVATE, {"code": code, "next": target})
    assert "boese.example" not in response["Location"]
    page = _main(client.get(response["Location"], {"next": target}))
    assert "boese.example" not in page
    assert 'href="/admin/"' in page  # staff get the plain way to the administration instead


@pytest.mark.django_db
def test_staff_see_the_administration_in_the_navigation_and_volunteers_do_not(client, user):
    client.force_login(user)
    assert 'href="/admin/"' not in client.get(reverse("account_overview")).content.decode()
    staff = StaffFactory()
    client.force_login(staff)
    page = client.get(reverse("account_overview")).content.decode()
    assert re.search(r'<a class="portal-nav__link" href="/admin/">\s*Verwaltung\s*</a>', page)


@pytest.mark.django_db
def test_the_two_factor_overview_offers_staff_the_way_to_the_administration(client, user):
    staff = StaffFactory()
    log_in_with_second_factor(client, staff)
    page = client.get(reverse("mfa_index")).content.decode()
    assert "Zur Verwaltung" in page
    activate_totp(user)
    log_in_with_second_factor(client, user)
    assert "Zur Verwaltung" not in client.get(reverse("mfa_index")).content.decode()


@pytest.mark.django_db
def test_turning_the_authenticator_off_right_after_login_with_a_code_asks_nothing_more(
    client, staff, password
):
    secret = activate_totp(staff)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": password})
    assert _path(response) == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    deactivate = reverse("mfa_deactivate_totp")
    assert client.get(deactivate).status_code == 200
    age_authentication(client, allauth_account.REAUTHENTICATION_TIMEOUT + 1)
    assert _path(client.get(deactivate)) == reverse("account_reauthenticate")
