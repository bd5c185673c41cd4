"""Real browser, keyboard only: a volunteer finds a free time (past an empty week), logs in on
the way, books with a form error first, sees the Terminnummer; the confirmation mail has the
calendar file and links that work; cancelling through the link frees the time at once. A
written question with errors, Meine Beratungen and the move page too. Every page passes
axe-core at desktop width and at 320 px, without horizontal scrolling."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from advice import slots
from advice.forms import Weeks
from advice.models import AdviceRequest
from tests.advice.factories import topic
from tests.advice.helpers import BERLIN, adviser
from tests.e2e.conftest import DESKTOP, NARROW
from tests.factories import PASSWORD, UserFactory

MAX_TABS = 150


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def check(page, assert_accessible):
    """One h1, axe-core and no horizontal scrolling at desktop width and at 320 px."""

    def run(label):
        assert page.locator("h1").count() == 1, label
        for viewport in (DESKTOP, NARROW):
            page.set_viewport_size(viewport)
            assert _no_horizontal_scroll(page), f"{label} at {viewport['width']} px"
            assert_accessible(page, f"{label} at {viewport['width']} px")
        page.set_viewport_size(DESKTOP)

    return run


def tab_to(page, locator):
    """Press Tab until the element has the keyboard focus (no mouse anywhere)."""
    target = locator.first
    target.wait_for()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def press_on(page, locator, key="Enter"):
    tab_to(page, locator)
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def later_week(transactional_db):
    """An adviser whose first free times are in the second bookable week: the first week is
    empty, so the picker shows its empty state on the way."""
    weeks = Weeks()
    second = weeks.first + timedelta(weeks=1)
    advisor = adviser(name="Bernd Berater", weekdays=(0, 1, 2, 3, 4), hours=(9, 12))
    advisor.slots.filter(starts_at__lt=_local_midnight(second)).delete()
    return advisor, second


def _local_midnight(day):
    from datetime import datetime, time

    return datetime.combine(day, time(0), tzinfo=BERLIN)


def test_a_volunteer_books_by_keyboard_gets_the_mail_and_cancels_through_its_link(
    page, live_server, check, later_week, mailoutbox
):
    _advisor, second = later_week
    volunteer = UserFactory(first_name="Vera", last_name="Freiwillig")
    page.goto(live_server.url + reverse("advice:overview"))
    check("overview")

    press_on(page, page.locator("main a", has_text="Termin buchen"))
    check("picker: choose a topic")
    tab_to(page, page.locator("select[name=topic]"))
    page.keyboard.type("Vereinsrecht")
    press_on(page, page.get_by_role("button", name="Freie Zeiten zeigen"))
    assert "topic=vereinsrecht" in page.url
    assert page.get_by_text("In dieser Woche gibt es keine freien Zeiten.").is_visible()
    check("picker: an empty week")

    press_on(page, page.get_by_role("link", name="Nächste Woche mit freien Zeiten zeigen"))
    assert f"start={second.isoformat()}" in page.url
    check("picker: free times")
    first_slot = page.locator("a.portal-slot").first
    slot_text = first_slot.inner_text()
    assert "09:00–09:45 Uhr, vor Ort, Bernd Berater" in slot_text

    press_on(page, first_slot)
    assert "/konto/login/" in page.url
    check("login on the way")
    tab_to(page, page.locator("input[name=login]"))
    page.keyboard.type(volunteer.email)
    tab_to(page, page.locator("input[name=password]"))
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/beratung/termin/" in page.url
    check("booking form")

    # Sent without the consent: the error summary gets the focus, the text stays.
    tab_to(page, page.locator("textarea[name=concern]"))
    page.keyboard.type("Wir wollen unsere Satzung ändern und brauchen Rat.")
    press_on(page, page.get_by_role("button", name="Termin buchen"))
    page.locator("#error-summary").wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("textarea[name=concern]").input_value().startswith("Wir wollen")
    check("booking form with errors")

    tab_to(page, page.locator("input[name=consent]"))
    page.keyboard.press("Space")
    assert page.locator("input[name=consent]").is_checked()
    press_on(page, page.get_by_role("button", name="Termin buchen"))
    booking = AdviceRequest.objects.get(requester=volunteer)
    assert page.get_by_text(f"Ihre Terminnummer ist {booking.number}.").is_visible()
    check("booked")

    # The confirmation mail: the calendar file and the links, which work without login.
    (message,) = [m for m in mailoutbox if m.to == [volunteer.email]]
    (attachment,) = message.attachments
    event = Calendar.from_ical(attachment[1]).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt == booking.slot.starts_at.astimezone(BERLIN)
    links = dict(re.findall(r"^(Absagen|Verschieben): (\S+)$", message.body, re.M))

    page.goto(live_server.url + reverse("advice:my_bookings"))
    assert page.get_by_text(booking.number).first.is_visible()
    check("Meine Beratungen")

    page.context.clear_cookies()  # the links work without logging in
    page.goto(live_server.url + urlparse(links["Verschieben"]).path)
    check("move through the link: an empty week")
    press_on(page, page.get_by_role("link", name="Nächste Woche mit freien Zeiten zeigen"))
    check("move through the link: free times")
    old_slot = booking.slot
    tab_to(page, page.locator("input[type=radio][name=slot]"))
    page.keyboard.press("Space")
    press_on(page, page.get_by_role("button", name="Auf die gewählte Zeit verschieben"))
    assert page.get_by_text("Ihr Termin ist auf den").is_visible()
    check("after moving")
    booking.refresh_from_db()
    assert booking.slot != old_slot
    assert _is_free_slot(old_slot)

    # The old links are dead now; the update mail brings new ones.
    page.goto(live_server.url + urlparse(links["Absagen"]).path)
    assert page.get_by_role("heading", name="Dieser Link ist nicht mehr gültig").is_visible()
    check("a used link")
    moved = [m for m in mailoutbox if m.to == [volunteer.email] and "verschoben" in m.body][-1]
    assert moved.attachments
    links = dict(re.findall(r"^(Absagen|Verschieben): (\S+)$", moved.body, re.M))

    page.goto(live_server.url + urlparse(links["Absagen"]).path)
    check("cancel through the link")
    assert not _is_free(booking)
    press_on(page, page.get_by_role("button", name="Ja, Termin absagen"))
    assert page.get_by_text("ist abgesagt").is_visible()
    check("after cancelling")
    assert _is_free(booking)  # at once
    booking.refresh_from_db()
    assert booking.cancelled_at is not None


def _is_free_slot(slot) -> bool:
    day = timezone.localdate(slot.starts_at)
    return slots.free_slots(topic=topic(), start=day, days=1).filter(pk=slot.pk).exists()


def _is_free(booking) -> bool:
    booking.refresh_from_db()
    return _is_free_slot(booking.slot)


def test_a_written_question_with_errors_then_sent_by_keyboard(
    page, live_server, check, transactional_db
):
    volunteer = UserFactory()
    page.goto(live_server.url + reverse("account_login"))
    tab_to(page, page.locator("input[name=login]"))
    page.keyboard.type(volunteer.email)
    tab_to(page, page.locator("input[name=password]"))
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(live_server.url + reverse("advice:question"))
    check("question form")
    press_on(page, page.get_by_role("button", name="Frage senden"))
    page.locator("#error-summary").wait_for()
    check("question form with errors")

    tab_to(page, page.locator("select[name=topic]"))
    page.keyboard.type("Steuern")
    tab_to(page, page.locator("textarea[name=concern]"))
    page.keyboard.type("Dürfen wir Spendenquittungen ausstellen?")
    tab_to(page, page.locator("input[name=association_search]"))
    page.keyboard.type("Gibtsnicht")
    press_on(page, page.get_by_role("button", name="Suchen"))
    assert page.get_by_text("Kein veröffentlichter Verein passt").is_visible()
    assert page.locator("#error-summary").count() == 0
    check("question form after an association search")
    tab_to(page, page.locator("input[name=consent]"))
    page.keyboard.press("Space")
    press_on(page, page.get_by_role("button", name="Frage senden"))
    case = AdviceRequest.objects.get(requester=volunteer)
    assert case.topic == topic("steuern")
    assert page.get_by_text(case.number).first.is_visible()
    check("question sent")
