"""The Infothek in a real browser: its walk stops (tests/e2e/test_page_walk.py scans them at
320 px) scanned by axe at desktop width; the FAQ's disclosures by keyboard; the print layout."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import DESKTOP
from tests.e2e.infothek_content import GUIDE, QUESTION, make_infothek_content
from tests.e2e.test_page_walk import INFOTHEK_WALK


@pytest.fixture
def infothek(transactional_db):
    return make_infothek_content()


@pytest.mark.parametrize("stop", INFOTHEK_WALK, ids=[stop.name for stop in INFOTHEK_WALK])
def test_infothek_page_passes_axe_at_desktop_width(
    page, live_server, assert_accessible, infothek, stop
):
    page.set_viewport_size(DESKTOP)
    response = page.goto(live_server.url + stop.path(infothek))
    assert response.status == stop.status, f"{stop.name}: {response.status}"
    if stop.shows:
        assert stop.shows in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, f"{stop.name} (desktop)")


def test_an_faq_answer_opens_by_keyboard(page, live_server, infothek):
    page.goto(live_server.url + reverse("infothek:faq"))
    summary = page.locator("summary", has_text=QUESTION)
    details = page.locator("details", has=summary)
    assert details.get_attribute("open") is None
    summary.focus()
    page.keyboard.press("Enter")
    assert details.get_attribute("open") is not None
    assert details.locator("li", has_text="Unfallkasse").is_visible()


def test_printing_leaves_out_the_navigation_and_writes_web_addresses_out(
    page, live_server, infothek
):
    page.goto(live_server.url + reverse("infothek:guide", args=[infothek["guide"]]))
    page.emulate_media(media="print")
    assert not page.locator("nav.portal-nav").is_visible()
    assert not page.locator(".portal-skip-link").is_visible()
    assert not page.locator("nav.portal-subnav").is_visible()
    assert page.locator("h1", has_text=GUIDE).is_visible()
    after = page.evaluate(
        "getComputedStyle(document.querySelector('main a[href^=\"https://www.handels\"]'),"
        " '::after').content"
    )
    assert "handelsregister.de" in after


def test_printing_opens_the_faq_answers(page, live_server, infothek):
    page.goto(live_server.url + reverse("infothek:faq"))
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details[open]").count() == page.locator("details").count()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details[open]").count() == 0
