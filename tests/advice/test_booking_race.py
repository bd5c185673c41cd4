"""One booking per slot, whatever the concurrency; the loser gets a clear message."""

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from advice import services, slots
from advice.exceptions import SlotTaken
from advice.models import AdviceRequest, Slot
from tests.advice.factories import AdvisorFactory, AvailabilityFactory, topic
from tests.factories import UserFactory
from tests.race import run_together

THREADS = 20


def _a_free_slot() -> Slot:
    advisor = AdvisorFactory(daily_cap=20)
    next_week = timezone.localdate() + timedelta(days=7)
    AvailabilityFactory(
        advisor=advisor, weekday=next_week.weekday(), starts_at=time(9), ends_at=time(10)
    )
    slots.regenerate_slots(advisor=advisor)
    start = datetime.combine(next_week, time(9), tzinfo=ZoneInfo("Europe/Berlin"))
    return Slot.objects.get(advisor=advisor, starts_at=start)


def _race(slot):
    people = [UserFactory() for _ in range(THREADS)]

    def attempt(person):
        def book():
            try:
                services.book_slot(user=person, slot=slot, topic=topic(), concern="Satzung")
                return "booked"
            except SlotTaken:
                return "taken"

        return book

    return run_together(*(attempt(p) for p in people))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_people_clicking_one_slot_make_exactly_one_booking():
    slot = _a_free_slot()
    results, errors = _race(slot)
    assert errors == []
    assert sorted(results) == ["booked"] + ["taken"] * (THREADS - 1)
    assert AdviceRequest.objects.filter(slot=slot).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_without_the_lock_and_the_constraint_the_slot_is_booked_twice(
    monkeypatch,
):
    """Shows the race test above would catch a broken guard: with the locks and the check
    switched off and the constraint dropped, several people get the same slot."""
    slot = _a_free_slot()
    monkeypatch.setattr(services, "is_bookable", lambda slot: True)
    for manager in (services.Advisor.objects, services.User.objects):
        monkeypatch.setattr(manager, "select_for_update", manager.all)
    with _without_the_constraint():
        _results, errors = _race(slot)
        doubled = AdviceRequest.objects.filter(slot=slot).count()
        AdviceRequest.objects.filter(slot=slot).delete()  # so the constraint can come back
    assert errors == []
    assert doubled > 1


@contextmanager
def _without_the_constraint():
    constraint = next(
        c for c in AdviceRequest._meta.constraints if c.name == "one_active_booking_per_slot"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(AdviceRequest, constraint)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            editor.add_constraint(AdviceRequest, constraint)
