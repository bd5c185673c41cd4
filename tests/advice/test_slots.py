"""Slots come from weekly availability minus absences and bookings, with length, breaks,
notice, horizon and a daily cap — and keep their wall-clock time across summer time."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from advice import slots
from advice.models import Absence, BookingRules, Slot
from tests.advice.factories import AdvisorFactory, AvailabilityFactory, topic
from tests.factories import UserFactory

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 12, 7)


def _local(slot) -> str:
    return f"{slot.starts_at.astimezone(BERLIN):%a %d.%m. %H:%M}"


def _rules(**values):
    rules = BookingRules.load()
    for field, value in values.items():
        setattr(rules, field, value)
    rules.save()
    return rules


@pytest.mark.django_db
def test_a_morning_is_cut_into_appointments_with_breaks():
    _rules(slot_minutes=45, buffer_minutes=15)
    availability = AvailabilityFactory(weekday=0, starts_at=time(9), ends_at=time(12))
    slots.regenerate_slots(advisor=availability.advisor, first_day=MONDAY)
    monday = Slot.objects.filter(starts_at__date=MONDAY).order_by("starts_at")
    assert [_local(s) for s in monday] == [
        "Mon 07.12. 09:00",
        "Mon 07.12. 10:00",
        "Mon 07.12. 11:00",
    ]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=45) for s in monday)
    assert {s.place for s in monday} == {"Kaiserstraße 8, 24768 Rendsburg"}


@pytest.mark.django_db
def test_slots_reach_the_horizon_and_regenerating_twice_changes_nothing():
    _rules(horizon_weeks=2)
    availability = AvailabilityFactory(weekday=0, starts_at=time(9), ends_at=time(10))
    slots.regenerate_slots(advisor=availability.advisor, first_day=MONDAY)
    first = sorted(Slot.objects.values_list("starts_at", flat=True))
    slots.regenerate_slots(advisor=availability.advisor, first_day=MONDAY)
    assert sorted(Slot.objects.values_list("starts_at", flat=True)) == first
    assert [timezone.localdate(s) for s in first] == [MONDAY + timedelta(weeks=w) for w in range(3)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("switch_day", "utc_hour_before", "utc_hour_after"),
    [(date(2027, 3, 28), 9, 8), (date(2026, 10, 25), 8, 9)],  # Sundays of the switch
    ids=["march", "october"],
)
def test_a_ten_oclock_appointment_stays_at_ten_across_the_switch(
    switch_day, utc_hour_before, utc_hour_after
):
    advisor = AdvisorFactory()
    for weekday in (5, 6, 0):  # Saturday before, the switch Sunday, Monday after
        AvailabilityFactory(advisor=advisor, weekday=weekday, starts_at=time(10), ends_at=time(11))
    slots.regenerate_slots(advisor=advisor, first_day=switch_day - timedelta(days=1))
    found = {
        timezone.localdate(s.starts_at): s.starts_at
        for s in Slot.objects.filter(starts_at__date__lte=switch_day + timedelta(days=1))
    }
    for day in (switch_day - timedelta(days=1), switch_day, switch_day + timedelta(days=1)):
        assert found[day].astimezone(BERLIN).time() == time(10), day
    assert found[switch_day - timedelta(days=1)].astimezone(ZoneInfo("UTC")).hour == utc_hour_before
    assert found[switch_day + timedelta(days=1)].astimezone(ZoneInfo("UTC")).hour == utc_hour_after


def test_the_hour_skipped_in_march_gets_no_slot_and_the_doubled_hour_in_october_one():
    rules = BookingRules(slot_minutes=30, buffer_minutes=0)
    march = slots.cut(day=date(2027, 3, 28), starts=time(1, 30), ends=time(3, 30), rules=rules)
    assert [f"{s:%H:%M}" for s, _end in march] == ["03:00"]  # 02:00–03:00 does not exist
    october = slots.cut(day=date(2026, 10, 25), starts=time(1, 0), ends=time(4, 0), rules=rules)
    assert len(october) == 6
    assert all(end - start == timedelta(minutes=30) for start, end in october)


def _free(advisor, now, **kwargs):
    return list(
        slots.free_slots(topic=topic(), start=MONDAY, days=7, now=now, advisor=advisor, **kwargs)
    )


@pytest.mark.django_db
def test_free_slots_respect_notice_absences_bookings_and_the_daily_cap(user):
    from advice import services

    _rules(notice_hours=24, slot_minutes=45, buffer_minutes=15)
    advisor = AdvisorFactory(daily_cap=2)
    AvailabilityFactory(advisor=advisor, weekday=0, starts_at=time(9), ends_at=time(13))
    AvailabilityFactory(advisor=advisor, weekday=1, starts_at=time(9), ends_at=time(11))
    slots.regenerate_slots(advisor=advisor, first_day=MONDAY)
    # Sunday 10:00: Monday 09:00 is less than 24 hours ahead.
    now = datetime.combine(MONDAY - timedelta(days=1), time(10), tzinfo=BERLIN)
    assert [_local(s) for s in _free(advisor, now)] == [
        "Mon 07.12. 10:00",
        "Mon 07.12. 11:00",
        "Mon 07.12. 12:00",
        "Tue 08.12. 09:00",
        "Tue 08.12. 10:00",
    ]
    Absence.objects.create(
        advisor=advisor,
        starts_at=datetime.combine(MONDAY + timedelta(days=1), time(0), tzinfo=BERLIN),
        ends_at=datetime.combine(MONDAY + timedelta(days=1), time(9, 30), tzinfo=BERLIN),
    )
    monday_slots = [s for s in _free(advisor, now) if timezone.localdate(s.starts_at) == MONDAY]
    with timezone.override(BERLIN):
        services.book_slot(user=user, slot=monday_slots[0], topic=topic(), concern="Satzung")
        services.book_slot(
            user=UserFactory(), slot=monday_slots[1], topic=topic(), concern="Satzung"
        )
    # Two bookings reach Monday's cap of two; Tuesday 09:00 is in the absence.
    assert [_local(s) for s in _free(advisor, now)] == ["Tue 08.12. 10:00"]


@pytest.mark.django_db
def test_slots_beyond_the_horizon_and_of_other_topics_are_not_offered():
    _rules(horizon_weeks=1, notice_hours=0)
    advisor = AdvisorFactory(topics=[topic("steuern")])
    AvailabilityFactory(advisor=advisor, weekday=0, starts_at=time(9), ends_at=time(10))
    slots.regenerate_slots(advisor=advisor, first_day=MONDAY)
    now = datetime.combine(MONDAY, time(0), tzinfo=BERLIN)
    assert list(slots.free_slots(topic=topic("vereinsrecht"), start=MONDAY, now=now)) == []
    offered = slots.free_slots(topic=topic("steuern"), start=MONDAY, days=21, now=now)
    assert [timezone.localdate(s.starts_at) for s in offered] == [MONDAY]
    # The next Monday's slot exists (cut up to the horizon's last day) but lies beyond it.
    assert Slot.objects.filter(starts_at__date=MONDAY + timedelta(7)).exists()
