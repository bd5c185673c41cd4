"""Real browser (acceptance 2 of issue 9): a volunteer finds a one-seat course in the
catalogue, logs in on the way and registers: confirmed. A second volunteer registers for the
same course: waiting list, position 1. The first cancels in Meine Fortbildungen; the second is
promoted at once and has the promotion mail in the outbox. Every page passes axe-core at
desktop width and at 320 px, without horizontal scrolling."""

import pytest
from django.urls import reverse

from mailings.models import Email
from tests.e2e.conftest import DESKTOP, NARROW
from tests.factories import PASSWORD, UserFactory
from tests.trainings.factories import CourseFactory
from trainings.models import Registration

TITLE = "Kassenführung im Verein – Grundkurs"


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


def _click(page, locator):
    with page.expect_navigation():
        locator.first.click()


def _log_in_on_the_way(page, person):
    assert "/konto/login/" in page.url
    page.fill("input[name=login]", person.email)
    page.fill("input[name=password]", PASSWORD)
    _click(page, page.locator("main form button[type=submit]"))


def _register(page, live_server, person, check, label):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("trainings:catalogue") + "?seats=&q=Kassenführung")
    _click(page, page.get_by_role("link", name=TITLE))
    check(f"{label}: course page")
    _click(page, page.locator("#registration a.kern-btn--primary"))
    _log_in_on_the_way(page, person)
    assert page.url.endswith(reverse("trainings:register", args=["kasse-grundkurs"]))
    check(f"{label}: registration form")
    _click(page, page.locator("main form button[type=submit].kern-btn--primary"))
    assert page.url.endswith(reverse("trainings:course", args=["kasse-grundkurs"]))


def test_register_waitlist_cancel_and_promote_in_the_browser(page, live_server, check):
    CourseFactory(slug="kasse-grundkurs", title=TITLE, capacity=1)
    anna = UserFactory(first_name="Anna", last_name="Erste")
    bernd = UserFactory(first_name="Bernd", last_name="Zweiter")

    _register(page, live_server, anna, check, "Anna")
    assert page.get_by_text(
        "Sie sind angemeldet: Ihr Platz ist bestätigt.", exact=True
    ).is_visible()
    assert page.locator(".portal-messages").get_by_text("ist bestätigt").is_visible()
    check("Anna: confirmed")

    _register(page, live_server, bernd, check, "Bernd")
    assert page.get_by_text("Sie stehen auf der Warteliste, Position 1.", exact=True).is_visible()
    check("Bernd: waitlisted")
    waiting = Registration.objects.get(user=bernd)
    assert (waiting.status, waiting.position) == ("waitlisted", 1)

    # Anna cancels in Meine Fortbildungen.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("trainings:my_trainings"))
    _log_in_on_the_way(page, anna)
    check("Anna: Meine Fortbildungen")
    _click(page, page.locator("main a", has_text="Abmelden"))
    check("Anna: cancel confirmation")
    _click(page, page.get_by_role("button", name="Ja, abmelden"))
    assert page.get_by_text("ist storniert").first.is_visible()
    check("Anna: after cancelling")

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert waiting.position is None
    promotion = Email.objects.get(to=bernd.email, template="emails/trainings/promoted")
    assert promotion.key.endswith(":promoted")
    assert TITLE in promotion.subject

    # Bernd sees his confirmed seat.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("trainings:my_trainings"))
    _log_in_on_the_way(page, bernd)
    assert page.get_by_text("Platz bestätigt").first.is_visible()
