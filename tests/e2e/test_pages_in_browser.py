"""Real browser: pages, a form with errors, account pages, keyboard, axe-core, no outside loads."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from portal.models import Page
from tests.e2e.conftest import DESKTOP, NARROW
from tests.factories import PASSWORD, StaffFactory, UserFactory

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _log_in(page, live_server, user):
    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + reverse("account_overview"))


@VIEWPORTS
def test_start_page_is_accessible(page, live_server, assert_accessible, outside_requests, viewport):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    assert _no_horizontal_scroll(page)
    assert_accessible(page)
    assert outside_requests == []


@VIEWPORTS
def test_content_pages_are_accessible(page, live_server, assert_accessible, viewport):
    page.set_viewport_size(viewport)
    for slug in Page.Slug.values:
        page.goto(live_server.url + reverse("page", args=[slug]))
        assert _no_horizontal_scroll(page), slug
        assert_accessible(page, slug)


def test_skip_link_moves_keyboard_focus_to_the_content(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.locator("a[href='#main']").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@VIEWPORTS
def test_signup_form_with_errors_shows_a_focused_summary(
    page, live_server, assert_accessible, outside_requests, viewport
):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + reverse("account_signup"))
    assert_accessible(page, "signup")
    page.fill("input[name=email]", "kein-mail")
    page.locator("main form button[type=submit]").first.click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    first_error_link = summary.locator("a").first
    target = first_error_link.get_attribute("href")
    assert target.startswith("#id_")
    assert page.locator(target).get_attribute("aria-invalid") == "true"
    assert _no_horizontal_scroll(page)
    assert_accessible(page, "signup with errors")
    assert outside_requests == []


@VIEWPORTS
def test_barrier_form_with_errors_is_accessible(page, live_server, assert_accessible, viewport):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + reverse("page", args=["barrierefreiheit"]))
    page.locator("main form button[type=submit]").click()
    page.locator("#error-summary").wait_for()
    assert_accessible(page, "barrier form with errors")


@VIEWPORTS
def test_login_and_account_pages_are_accessible(
    page, live_server, assert_accessible, transactional_db, viewport
):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + reverse("account_login"))
    assert_accessible(page, "login")
    user = UserFactory()
    _log_in(page, live_server, user)
    for name in (
        "account_overview",
        "account_profile",
        "account_delete",
        "account_email",
        "account_change_password",
        "mfa_index",
    ):
        page.goto(live_server.url + reverse(name))
        assert page.locator("h1").count() == 1, name
        assert _no_horizontal_scroll(page), name
        assert_accessible(page, name)


def test_export_downloads_my_data(page, live_server, transactional_db):
    user = UserFactory()
    _log_in(page, live_server, user)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Meine Daten herunterladen").first.click()
    path = download_info.value.path()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert data["account"]["email"] == user.email


def test_delete_account_in_the_browser(page, live_server, transactional_db):
    from accounts.models import User

    user = UserFactory()
    _log_in(page, live_server, user)
    page.goto(live_server.url + reverse("account_delete"))
    page.locator("input[name=confirm]").check()
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    assert not User.objects.filter(pk=user.pk).exists()


def test_language_switch_shows_english(page, live_server, assert_accessible):
    page.goto(live_server.url + "/")
    page.locator("form[action*='i18n'] button[lang=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("Skip to content").count() == 1
    assert_accessible(page, "home (en)")


@VIEWPORTS
def test_error_and_account_flow_pages_are_accessible(
    page, live_server, assert_accessible, transactional_db, viewport
):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/gibt-es-nicht/")
    assert page.locator("h1").count() == 1
    assert_accessible(page, "404")
    page.goto(live_server.url + reverse("account_reset_password"))
    assert_accessible(page, "password reset")
    page.goto(live_server.url + reverse("account_signup"))
    page.fill("input[name=email]", f"neu-{viewport['width']}@beispiel.de")
    page.fill("input[name=first_name]", "Nele")
    page.fill("input[name=last_name]", "Neu")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=privacy_consent]")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/konto/confirm-email/")
    assert_accessible(page, "verification sent")


def _age_login(page, seconds):
    """Move the browser session's record of its login `seconds` into the past."""
    from importlib import import_module

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.conf import settings

    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    records = store[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= seconds
    store[AUTHENTICATION_METHODS_SESSION_KEY] = records
    store.save()


@VIEWPORTS
def test_staff_pages_on_the_way_to_admin_are_accessible(
    page, live_server, assert_accessible, transactional_db, viewport
):
    from allauth.account import app_settings as allauth_account

    page.set_viewport_size(viewport)
    volunteer = UserFactory()
    _log_in(page, live_server, volunteer)
    page.goto(live_server.url + "/admin/")
    assert page.locator("h1").count() == 1
    assert_accessible(page, "403")
    page.context.clear_cookies()
    staff = StaffFactory()
    _log_in(page, live_server, staff)
    # A login older than allauth's window: the password is asked again before a factor is added.
    _age_login(page, allauth_account.REAUTHENTICATION_TIMEOUT + 1)
    page.goto(live_server.url + "/admin/")
    assert reverse("account_reauthenticate") in page.url
    assert _no_horizontal_scroll(page)
    assert_accessible(page, "reauthenticate")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: reverse("mfa_activate_totp") in url)
    assert page.locator("img[src^='data:image/svg']").count() == 1  # the QR code, no inline JS
    assert _no_horizontal_scroll(page)
    assert_accessible(page, "TOTP set-up")


@VIEWPORTS
def test_staff_set_up_totp_right_after_login_and_go_on_to_admin(
    page, live_server, assert_accessible, transactional_db, viewport
):
    from tests.helpers import totp_code

    page.set_viewport_size(viewport)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    staff = StaffFactory()
    _log_in(page, live_server, staff)
    page.goto(live_server.url + "/admin/")
    # A fresh login goes straight to the set-up: no second password prompt.
    page.wait_for_url(lambda url: reverse("mfa_activate_totp") in url)
    secret_field = page.locator("#authenticator_secret")
    assert secret_field.is_visible()
    secret_field.focus()
    assert page.evaluate("document.activeElement.id") == "authenticator_secret"
    # The whole key is visible: it wraps instead of being cut off at 320 px.
    assert secret_field.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert secret_field.evaluate("el => el.scrollHeight <= el.clientHeight + 2")
    copy = page.locator("button[data-copy-value]")
    secret = copy.get_attribute("data-copy-value")
    assert secret_field.input_value().replace(" ", "") == secret
    copy.click()
    page.locator("#authenticator_secret_copied").filter(has_text="kopiert").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    assert _no_horizontal_scroll(page)
    assert_accessible(page, "TOTP set-up, fresh login")

    page.fill("input[name=code]", totp_code(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: reverse("mfa_view_recovery_codes") in url)
    assert _no_horizontal_scroll(page)
    assert_accessible(page, "recovery codes after set-up")
    page.get_by_role("link", name="Weiter zur Verwaltung").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.locator("#site-name").count() == 1  # the administration itself, not a gate


def test_text_is_set_in_the_portals_subset_of_fira_sans(page, live_server):
    page.goto(live_server.url + "/")
    loaded = page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts]"
        ".filter(f => f.status === 'loaded')"
        ".map(f => f.family.replaceAll('\"', '') + ' ' + f.weight))"
    )
    assert "KloorSans 400" in loaded  # body text
    assert "KloorSans 600" in loaded  # headings
    for selector in ("body", "h1", ".kern-kopfzeile"):
        family = page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).fontFamily")
        assert family.replace('"', "").startswith("KloorSans"), (selector, family)
