"""The booking rules as the staff side relies on them: cancel, move, book for a caller, ask,
and the limits that must hold when two requests race."""

import time as clock
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from advice import services, slots
from advice.exceptions import AdviceError, SlotTaken
from advice.models import AdviceRequest, BookingRules, CaseEvent
from tests.advice.factories import AdvisorFactory, topic
from tests.advice.staff_helpers import (
    a_booking,
    a_free_slot,
    a_question,
    free_slots_of,
    mails,
    move_appointment,
    staff_in,
)
from tests.factories import UserFactory
from tests.race import run_together

pytestmark = pytest.mark.django_db


def _rules(**values):
    rules = BookingRules.load()
    for field, value in values.items():
        setattr(rules, field, value)
    rules.save()


def _is_free(slot) -> bool:
    return (
        slots.free_slots(topic=topic(), advisor=slot.advisor, days=60).filter(pk=slot.pk).exists()
    )


# --- Cancelling -----------------------------------------------------------------------------------


def test_a_volunteer_cancels_before_the_cutoff_and_the_slot_is_free_again_at_once():
    booking = a_booking()
    assert not _is_free(booking.slot)
    services.cancel_booking(booking=booking, actor=booking.requester)
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    assert (booking.status, booking.outcome) == ("closed", "cancelled")
    assert _is_free(booking.slot)
    # and someone else can book it straight away
    again = a_booking(slot=booking.slot)
    assert again.slot_id == booking.slot_id


def test_cancelling_mails_the_requester_and_the_adviser():
    booking = a_booking()
    services.cancel_booking(booking=booking, actor=booking.requester)
    (to_person,) = mails("booking_cancelled")
    (to_adviser,) = mails("advisor_cancelled")
    assert to_person.to == booking.requester.email
    assert to_adviser.to == booking.slot.advisor.user.email


def test_a_volunteer_cannot_cancel_online_after_the_cutoff():
    booking = a_booking()
    move_appointment(booking, starts_in=timedelta(hours=3))  # cut-off: 12 hours before
    with pytest.raises(AdviceError, match="zu spät"):
        services.cancel_booking(booking=booking, actor=booking.requester)
    booking.refresh_from_db()
    assert booking.cancelled_at is None
    assert mails("booking_cancelled") == []


def test_the_office_cancels_after_the_cutoff_and_the_mail_says_so():
    booking = a_booking()
    staff = staff_in("Beratung")
    move_appointment(booking, starts_in=timedelta(hours=3))
    services.cancel_booking(booking=booking, actor=staff, by_office=True)
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    event = booking.events.get(kind=CaseEvent.Kind.CANCELLED)
    assert event.actor == staff
    (mail,) = mails("booking_cancelled")
    assert mail.to == booking.requester.email


def test_nobody_cancels_an_appointment_that_has_taken_place_or_twice():
    booking = a_booking()
    services.cancel_booking(booking=booking, actor=booking.requester)
    with pytest.raises(AdviceError, match="bereits abgesagt"):
        services.cancel_booking(booking=booking, by_office=True)
    past = a_booking()
    move_appointment(past, starts_in=-timedelta(hours=1))
    with pytest.raises(AdviceError, match="bereits stattgefunden"):
        services.cancel_booking(booking=past, by_office=True)


# --- Moving ---------------------------------------------------------------------------------------


def test_moving_frees_the_old_slot_and_takes_the_new_one():
    advisor = AdvisorFactory(daily_cap=20)
    first, second, *_ = free_slots_of(advisor)
    booking = a_booking(slot=first)
    services.reschedule_booking(booking=booking, new_slot=second, actor=booking.requester)
    booking.refresh_from_db()
    assert booking.slot_id == second.pk
    assert _is_free(first)
    assert not _is_free(second)
    event = booking.events.get(kind=CaseEvent.Kind.RESCHEDULED)
    assert event.actor == booking.requester
    assert len(mails("booking_rescheduled")) == len(mails("advisor_rescheduled")) == 1


def test_moving_to_a_taken_slot_is_refused_and_keeps_the_booking():
    advisor = AdvisorFactory(daily_cap=20)
    first, second, *_ = free_slots_of(advisor)
    booking = a_booking(slot=first)
    a_booking(slot=second)
    with pytest.raises(SlotTaken):
        services.reschedule_booking(booking=booking, new_slot=second, actor=booking.requester)
    booking.refresh_from_db()
    assert booking.slot_id == first.pk


def test_a_volunteer_cannot_move_after_the_cutoff_but_the_office_can():
    advisor = AdvisorFactory(daily_cap=20)
    first, second, *_ = free_slots_of(advisor)
    booking = a_booking(slot=first)
    move_appointment(booking, starts_in=timedelta(hours=2))
    with pytest.raises(AdviceError, match="zu spät"):
        services.reschedule_booking(booking=booking, new_slot=second, actor=booking.requester)
    services.reschedule_booking(booking=booking, new_slot=second, by_office=True)
    booking.refresh_from_db()
    assert booking.slot_id == second.pk


def test_a_cancelled_appointment_cannot_be_moved():
    advisor = AdvisorFactory(daily_cap=20)
    first, second, *_ = free_slots_of(advisor)
    booking = a_booking(slot=first)
    services.cancel_booking(booking=booking, actor=booking.requester)
    with pytest.raises(AdviceError, match="abgesagt"):
        services.reschedule_booking(booking=booking, new_slot=second, by_office=True)


# --- Booking for a caller -------------------------------------------------------------------------


def test_booking_for_a_new_caller_makes_an_account_without_a_password():
    staff = staff_in("Beratung")
    booking = services.book_on_behalf(
        staff=staff,
        email="Anrufer@Beispiel.DE",
        first_name="Hannes",
        last_name="Anrufer",
        phone="04331 202",
        slot=a_free_slot(),
        topic=topic(),
        concern="Telefonisch: Satzung",
    )
    person = booking.requester
    assert person.email == "Anrufer@beispiel.de"  # the domain in lower case, as everywhere
    assert (person.first_name, person.last_name, person.phone) == ("Hannes", "Anrufer", "04331 202")
    assert not person.has_usable_password()
    assert EmailAddress.objects.get(user=person).verified is False
    assert booking.booked_by_staff
    assert booking.events.get(kind=CaseEvent.Kind.CREATED).actor == staff
    (confirmation,) = mails("booking_confirmed")
    assert confirmation.to == person.email
    assert confirmation.attachments  # the calendar file, as online
    assert len(mails("advisor_booked")) == 1


def test_booking_for_a_known_caller_uses_their_account_and_keeps_their_name():
    person = UserFactory(email="erika@beispiel.de", first_name="Erika", last_name="Ehrenamt")
    booking = services.book_on_behalf(
        staff=staff_in("Beratung"),
        email="ERIKA@beispiel.de",
        first_name="Falsch",
        last_name="Getippt",
        slot=a_free_slot(),
        topic=topic(),
        concern="Telefonisch",
    )
    assert booking.requester == person
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Erika", "Ehrenamt")
    assert person.has_usable_password()
    assert User.objects.filter(email__iexact="erika@beispiel.de").count() == 1


def test_booking_for_a_caller_keeps_to_the_same_rules_as_online():
    _rules(max_open_bookings=1)
    person = UserFactory()
    a_booking(user=person)
    with pytest.raises(AdviceError, match="offene Termine"):
        services.book_on_behalf(
            staff=staff_in("Beratung"),
            email=person.email,
            first_name="",
            last_name="",
            slot=a_free_slot(),
            topic=topic(),
            concern="Noch ein Termin",
        )


def test_booking_for_a_deactivated_account_is_refused():
    person = UserFactory(is_active=False)
    with pytest.raises(AdviceError, match="deaktiviert"):
        services.book_on_behalf(
            staff=staff_in("Beratung"),
            email=person.email,
            first_name="",
            last_name="",
            slot=a_free_slot(),
            topic=topic(),
            concern="Telefonisch",
        )
    assert not AdviceRequest.objects.exists()


# --- Written questions ----------------------------------------------------------------------------


def test_a_written_question_becomes_a_new_case_and_is_acknowledged():
    case = a_question(concern="Wie hoch ist die Ehrenamtspauschale?")
    assert (case.kind, case.status, case.slot) == ("question", "new", None)
    assert case.events.get(kind=CaseEvent.Kind.CREATED).actor == case.requester
    (mail,) = mails("question_received")
    assert mail.to == case.requester.email
    assert case.number in mail.body_text


# --- Limits under concurrency ---------------------------------------------------------------------


def _slow_down(monkeypatch, name):
    """Widen the window between the check and the write, so an unguarded race always loses."""
    original = getattr(services, name)

    def slowly(*args, **kwargs):
        result = original(*args, **kwargs)
        clock.sleep(0.3)
        return result

    monkeypatch.setattr(services, name, slowly)


def _two_slots_of_two_advisers():
    return a_free_slot(AdvisorFactory(daily_cap=20)), a_free_slot(AdvisorFactory(daily_cap=20))


def _race_one_person(first, second):
    person = UserFactory()

    def book(slot):
        def attempt():
            try:
                services.book_slot(user=person, slot=slot, topic=topic(), concern="Satzung")
                return "booked"
            except AdviceError:
                return "refused"

        return attempt

    results, errors = run_together(book(first), book(second))
    assert errors == []
    return sorted(results), AdviceRequest.objects.filter(requester=person).count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_person_racing_two_bookings_past_the_limit_gets_one(monkeypatch):
    _rules(max_open_bookings=1)
    _slow_down(monkeypatch, "open_bookings")
    results, count = _race_one_person(*_two_slots_of_two_advisers())
    assert results == ["booked", "refused"]
    assert count == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_without_the_lock_on_the_person_the_limit_is_passed(monkeypatch):
    """Shows the test above would catch a missing lock: the slots belong to two advisers, so
    only the lock on the person's row keeps the two bookings apart."""
    _rules(max_open_bookings=1)
    _slow_down(monkeypatch, "open_bookings")
    monkeypatch.setattr(services.User.objects, "select_for_update", services.User.objects.all)
    results, count = _race_one_person(*_two_slots_of_two_advisers())
    assert results == ["booked", "booked"]
    assert count == 2


def _race_two_people_for_one_day(advisor):
    first, second, *_ = free_slots_of(advisor)

    def book(slot, person):
        def attempt():
            try:
                services.book_slot(user=person, slot=slot, topic=topic(), concern="x")
                return "booked"
            except AdviceError:
                return "refused"

        return attempt

    results, errors = run_together(book(first, UserFactory()), book(second, UserFactory()))
    assert errors == []
    return sorted(results), AdviceRequest.objects.filter(slot__advisor=advisor).count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_racing_for_the_last_appointment_of_a_day_pass_no_daily_cap(monkeypatch):
    _slow_down(monkeypatch, "is_bookable")
    results, count = _race_two_people_for_one_day(AdvisorFactory(daily_cap=1))
    assert results == ["booked", "refused"]
    assert count == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_without_the_lock_on_the_adviser_the_daily_cap_is_passed(monkeypatch):
    _slow_down(monkeypatch, "is_bookable")
    monkeypatch.setattr(services.Advisor.objects, "select_for_update", services.Advisor.objects.all)
    results, count = _race_two_people_for_one_day(AdvisorFactory(daily_cap=1))
    assert results == ["booked", "booked"]
    assert count == 2
