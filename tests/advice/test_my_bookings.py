"""Meine Beratungen: upcoming and past appointments and written questions with their status in
the person's words, cancel and move until the cut-off, someone else's number is not found,
the Mein Konto section, and query counts that do not grow with the bookings."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from advice import services, slots
from advice.models import AdviceRequest, Slot
from tests.advice.factories import topic
from tests.advice.helpers import (
    adviser,
    beratung_staff,
    book,
    bookable_monday,
    rules,
    slot_at,
)
from tests.factories import UserFactory
from tests.queries import forget_caches

MINE = reverse("advice:my_bookings")


def _text(response) -> str:
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _section(text: str, title: str, next_title: str | None) -> str:
    part = text.split(title, 1)[1]
    return part.split(next_title, 1)[0] if next_title else part


@pytest.fixture
def bernd(db):
    return adviser(name="Bernd Berater", weekdays=(0, 1, 2, 3, 4), hours=(9, 12), daily_cap=10)


def _into_the_past(booking, days_ago: int = 3):
    """Move the booking's slot into the past (as if time had passed)."""
    start = timezone.now() - timedelta(days=days_ago)
    Slot.objects.filter(pk=booking.slot_id).update(
        starts_at=start, ends_at=start + timedelta(minutes=45)
    )
    booking.refresh_from_db()
    return booking


def _question(user, status=AdviceRequest.Status.NEW, slug="steuern"):
    return AdviceRequest.objects.create(
        number=services.new_number(),
        kind=AdviceRequest.Kind.QUESTION,
        requester=user,
        topic=topic(slug),
        concern="Eine Frage",
        status=status,
    )


@pytest.mark.django_db
def test_upcoming_past_and_questions_are_listed_with_statuses_in_my_words(
    client, bernd, user, staff
):
    rules(max_open_bookings=10)
    monday = bookable_monday()
    later = book(user, slot_at(bernd, monday + timedelta(days=1), 10))
    sooner = book(user, slot_at(bernd, monday, 9))
    cancelled = book(user, slot_at(bernd, monday, 11))
    services.cancel_booking(booking=cancelled, actor=user)
    held = _into_the_past(book(user, slot_at(bernd, monday + timedelta(days=2), 9)), 5)
    missed = _into_the_past(book(user, slot_at(bernd, monday + timedelta(days=2), 10)), 4)
    services.mark_no_show(case=missed, staff=staff)
    waiting = _question(user, AdviceRequest.Status.WAITING)
    answered = _question(user, AdviceRequest.Status.CLOSED)
    received = _question(user, AdviceRequest.Status.NEW)
    working = _question(user, AdviceRequest.Status.IN_PROGRESS)
    client.force_login(user)
    text = _text(client.get(MINE))
    upcoming = _section(text, "Kommende Termine", "Schriftliche Fragen")
    assert upcoming.index(sooner.number) < upcoming.index(later.number)  # soonest first
    assert upcoming.count("bestätigt") == 2
    assert cancelled.number not in upcoming
    questions = _section(text, "Schriftliche Fragen", "Vergangene und abgesagte Termine")
    for case, word in [
        (waiting, "wartet auf Ihre Rückmeldung"),
        (answered, "beantwortet"),
        (received, "eingegangen"),
        (working, "in Bearbeitung"),
    ]:
        assert re.search(rf"{case.number} {word}", questions), word
    past = _section(text, "Vergangene und abgesagte Termine", None)
    assert f"abgesagt Terminnummer {cancelled.number}" in past
    assert f"stattgefunden Terminnummer {held.number}" in past
    assert f"nicht wahrgenommen Terminnummer {missed.number}" in past


@pytest.mark.django_db
def test_cancel_and_move_are_offered_until_the_cut_off(client, bernd, user):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    client.force_login(user)
    html = client.get(MINE).content.decode()
    assert reverse("advice:cancel", args=[booking.number]) in html
    assert reverse("advice:reschedule", args=[booking.number]) in html
    hours_left = (booking.slot.starts_at - timezone.now()) / timedelta(hours=1)
    rules(cancel_cutoff_hours=int(hours_left) + 1)
    response = client.get(MINE)
    html = response.content.decode()
    assert reverse("advice:cancel", args=[booking.number]) not in html
    assert "Für eine Änderung im Portal ist es zu spät. Bitte rufen Sie uns an" in _text(response)
    for name in ("advice:cancel", "advice:reschedule"):
        page = client.get(reverse(name, args=[booking.number]))
        assert "kann im Portal nicht mehr geändert werden" in _text(page)
        client.post(reverse(name, args=[booking.number]), {"slot": booking.slot_id})
    booking.refresh_from_db()
    assert booking.cancelled_at is None


@pytest.mark.django_db
def test_cancelling_in_my_account_asks_first_then_frees_the_slot(client, bernd, user):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    client.force_login(user)
    url = reverse("advice:cancel", args=[booking.number])
    page = client.get(url)
    assert "Möchten Sie diesen Termin absagen?" in _text(page)
    booking.refresh_from_db()
    assert booking.cancelled_at is None
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == MINE
    assert "ist abgesagt" in _text(response)
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    free = slots.free_slots(topic=topic(), start=bookable_monday(), days=1)
    assert free.filter(pk=booking.slot_id).exists()


@pytest.mark.django_db
def test_moving_in_my_account_shows_free_times_and_moves(client, bernd, user):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    new = slot_at(bernd, bookable_monday() + timedelta(days=1), 10)
    client.force_login(user)
    url = reverse("advice:reschedule", args=[booking.number])
    html = client.get(url, {"start": new.starts_at.date().isoformat()}).content.decode()
    assert f'name="slot" value="{new.pk}"' in html
    response = client.post(url, {"slot": new.pk})
    assert response["Location"] == MINE
    booking.refresh_from_db()
    assert booking.slot == new


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["advice:cancel", "advice:reschedule"])
def test_someone_elses_number_is_not_found_and_nothing_changes(
    client, bernd, user, other_user, name
):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    other_slot = slot_at(bernd, bookable_monday(), 10)
    for intruder in (other_user, beratung_staff()):
        client.force_login(intruder)
        url = reverse(name, args=[booking.number])
        assert client.get(url).status_code == 404
        assert client.post(url, {"slot": other_slot.pk}).status_code == 404
    booking.refresh_from_db()
    assert (booking.cancelled_at, booking.slot_id) == (
        None,
        slot_at(bernd, bookable_monday(), 9).pk,
    )


@pytest.mark.django_db
def test_a_cancelled_booking_cannot_be_cancelled_or_moved_again(client, bernd, user):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    services.cancel_booking(booking=booking, actor=user)
    client.force_login(user)
    for name in ("advice:cancel", "advice:reschedule"):
        response = client.get(reverse(name, args=[booking.number]))
        assert "Er ist bereits abgesagt." in _text(response)


@pytest.mark.django_db
def test_nothing_of_others_is_listed(client, bernd, user, other_user):
    theirs = book(other_user, slot_at(bernd, bookable_monday(), 9))
    client.force_login(user)
    text = _text(client.get(MINE))
    assert theirs.number not in text
    assert "Sie haben keine kommenden Termine." in text


# --- Mein Konto -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_account_page_shows_my_next_appointments_and_links_meine_beratungen(
    client, bernd, user
):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    client.force_login(user)
    response = client.get(reverse("account_overview"))
    text = _text(response)
    assert "Meine Beratungen" in text
    assert "09:00 Uhr – Vereinsrecht & Satzung (vor Ort)" in text
    assert f'href="{MINE}"' in response.content.decode()
    assert booking.concern not in text


# --- Query counts: fixed, whatever the number of bookings --------------------------------------

# session, user, site configuration, booking rules, the person's cases (one query with slot,
# adviser and topic)
MY_BOOKINGS_QUERIES = 5


def _bookings(person, bernd, number: int):
    """`number` cases of every kind: upcoming, cancelled, past, questions (made directly: the
    limit of open bookings is the service's business, not this page's)."""
    now = timezone.now()
    # Slots from tomorrow on: today's first slots may have passed already (the count of an
    # upcoming booking must not depend on the hour the suite runs).
    later = Slot.objects.filter(advisor=bernd, starts_at__gt=now + timedelta(days=1))
    free = list(later.order_by("starts_at")[: number + 1])
    for n in range(number):
        kind = n % 4
        if kind == 3:
            _question(person, AdviceRequest.Status.CLOSED)
            continue
        AdviceRequest.objects.create(
            number=services.new_number(),
            kind=AdviceRequest.Kind.APPOINTMENT,
            requester=person,
            topic=topic(),
            format=free[n].format,
            slot=free[n],
            concern="Anliegen",
            cancelled_at=now if kind == 1 else None,
        )
        if kind == 2:
            Slot.objects.filter(pk=free[n].pk).update(
                starts_at=now - timedelta(days=n + 1),
                ends_at=now - timedelta(days=n + 1) + timedelta(minutes=45),
            )


@pytest.mark.django_db
@pytest.mark.parametrize("number", [1, 50])
def test_meine_beratungen_needs_the_same_queries_for_1_and_50_bookings(
    client, bernd, django_assert_num_queries, number
):
    person = UserFactory()
    _bookings(person, bernd, number)
    client.force_login(person)
    forget_caches()  # this process's copy of the site configuration too
    with django_assert_num_queries(MY_BOOKINGS_QUERIES):
        response = client.get(MINE)
    assert response.status_code == 200
    assert _text(response).count("Terminnummer") + _text(response).count("Gesendet am") == number


@pytest.mark.django_db
@pytest.mark.parametrize("weeks", [1, 8])
def test_meine_beratungen_needs_the_same_queries_for_1_and_8_weeks_of_slots(
    client, django_assert_num_queries, weeks
):
    rules(horizon_weeks=weeks)
    bernd = adviser(name="Bernd Berater", weekdays=range(5), hours=(8, 18), daily_cap=10)
    person = UserFactory()
    _bookings(person, bernd, 8)
    client.force_login(person)
    forget_caches()  # this process's copy of the site configuration too
    with django_assert_num_queries(MY_BOOKINGS_QUERIES):
        assert client.get(MINE).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("number", [1, 50])
def test_the_account_section_costs_one_query_whatever_the_bookings(
    client, bernd, django_assert_num_queries, number
):
    person = UserFactory()
    _bookings(person, bernd, number)
    client.force_login(person)
    forget_caches()
    # session, user, site configuration, Mein Verein (3), Meine Beratungen (1),
    # Meine Fortbildungen (1), Meine Fristen (1), Newsletter (1)
    with django_assert_num_queries(10):
        assert client.get(reverse("account_overview")).status_code == 200
