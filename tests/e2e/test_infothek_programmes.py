"""Förderprogramme in a real browser: the list, filtered by the form (a plain GET, no
JavaScript needed), the empty result, a programme's page, "Frist merken" and Meine Fristen.
Every page passes axe-core at desktop width and at 320 px, without sideways scrolling (the
page walk covers 320 px; this adds the desktop width)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from infothek.models import DeadlineReminder
from tests.e2e.conftest import DESKTOP, NARROW
from tests.factories import PASSWORD, UserFactory
from tests.infothek.factories import ProgrammeFactory, topic

TITLE = "Engagementförderung für Jugendfeuerwehrverbände im ländlichen Raum"


@pytest.fixture
def check(page, assert_accessible):
    """One h1, axe-core and no horizontal scrolling at desktop width and at 320 px."""

    def run(label):
        assert page.locator("h1").count() == 1, label
        for viewport in (DESKTOP, NARROW):
            page.set_viewport_size(viewport)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{label} at {viewport['width']} px"
            assert_accessible(page, f"{label} at {viewport['width']} px")
        page.set_viewport_size(DESKTOP)

    return run


@pytest.fixture
def programmes(transactional_db):
    today = timezone.localdate()
    main = ProgrammeFactory(
        title=TITLE,
        amount_min=500,
        amount_max=25000,
        own_contribution="Zehn Prozent",
        body="## Gefördert\n\n| Posten | Betrag |\n|---|---:|\n| Material | 500 € |",
        deadline=today + timedelta(days=40),
        topics=[topic("foerderung"), topic("digitales")],
    )
    ProgrammeFactory(title="Laufende Förderung", deadline=None)
    ProgrammeFactory(title="Abgelaufen", deadline=today - timedelta(days=3))
    return main


def test_a_volunteer_filters_opens_a_programme_and_remembers_its_deadline(
    page, live_server, programmes, check
):
    person = UserFactory()
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + reverse("infothek:programmes"))
    check("programme list")
    page.select_option("select[name=topic]", "digitales")
    page.select_option("select[name=within]", "8")
    with page.expect_navigation():
        page.locator("form.portal-filters button[type=submit]").click()
    assert "topic=digitales" in page.url
    assert "within=8" in page.url
    assert page.locator(".portal-result__title").all_inner_texts() == [TITLE]
    check("programme list with filters")
    page.select_option("select[name=within]", "2")
    with page.expect_navigation():
        page.locator("form.portal-filters button[type=submit]").click()
    assert page.locator(".portal-result__title").count() == 0
    check("programme list, nothing found")
    with page.expect_navigation():
        page.locator(".portal-empty a[href*='topic=digitales']").first.click()
    assert page.locator(".portal-result__title").all_inner_texts() == [TITLE]
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).click()
    check("programme page, anonymous")
    with page.expect_navigation():
        page.locator("#frist-merken a").click()
    page.fill("input[name=login]", person.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.url.endswith(programmes.get_absolute_url())
    page.select_option("select[name=days_before]", "7")
    with page.expect_navigation():
        page.locator("#frist-merken form button[type=submit]").first.click()
    assert DeadlineReminder.objects.get(user=person).days_before == 7
    check("programme page with my reminder")
    page.goto(live_server.url + reverse("infothek:my_reminders"))
    check("Meine Fristen")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert not DeadlineReminder.objects.exists()
    check("Meine Fristen, empty")


def test_the_list_with_closed_programmes_is_accessible(page, live_server, programmes, check):
    page.goto(live_server.url + reverse("infothek:programmes") + "?open=0")
    assert page.locator(".portal-deadline--closed").count() == 1
    check("programme list with closed ones")
