"""Real browser, under the portal's own CSP: the Markdown preview in admin shows the text as
the site will, updates as staff type, and never runs what the text tries to smuggle in."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from portal.staff_groups import REDAKTION
from tests.factories import StaffFactory
from tests.helpers import log_in_with_second_factor


@pytest.fixture
def editor_page(browser, live_server, transactional_db):
    """A Redaktion session in a context that keeps the CSP (no bypass: the script must work
    as it is served)."""
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=REDAKTION))
    client = Client()
    log_in_with_second_factor(client, staff)
    context = browser.new_context(bypass_csp=False, locale="de-DE")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}") or dialog.dismiss())
    yield page, errors
    context.close()


def test_the_preview_follows_the_text_as_staff_type(editor_page, live_server):
    page, errors = editor_page
    page.goto(live_server.url + reverse("admin:infothek_guide_add"))
    preview = page.locator("#id_body_preview")
    assert preview.is_visible()  # shown by the script (hidden without it)
    assert preview.get_attribute("aria-labelledby") == "id_body_preview_heading"
    body = preview.locator(".portal-markdown-preview__body")
    assert body.get_attribute("aria-live") == "polite"
    page.fill(
        "#id_body",
        "# Überschrift\n\n| a | b |\n|--|--:|\n| 1 | 2 |\n\n[extern](https://example.org)"
        "\n\n<script>alert(1)</script><img src=x onerror=alert(2)>",
    )
    body.locator("h2", has_text="Überschrift").wait_for()
    assert body.locator("table td.portal-align-right").inner_text() == "2"
    assert body.locator("a.portal-link--external").count() == 1
    assert body.locator("script, img").count() == 0
    page.type("#id_body", "\n\n- neu")
    body.locator("li", has_text="neu").wait_for()
    page.wait_for_timeout(300)
    assert not [e for e in errors if "Content Security Policy" in e or "dialog" in e], errors


def test_without_javascript_the_form_is_unchanged(browser, live_server, transactional_db):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=REDAKTION))
    client = Client()
    log_in_with_second_factor(client, staff)
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("admin:infothek_guide_add"))
    assert page.locator("#id_body").is_visible()
    assert not page.locator("#id_body_preview").is_visible()
    context.close()
