"""Helpers for the Beratung page tests: advisers with free times next week and beyond,
bookings made through the service, and the links in the mails."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.utils import timezone

from advice import services, slots
from advice.links import booking_token
from advice.models import Advisor, BookingRules, Slot
from portal.staff_groups import BERATUNG
from tests.advice.factories import AdvisorFactory, AvailabilityFactory, topic
from tests.factories import StaffFactory

BERLIN = ZoneInfo("Europe/Berlin")


def bookable_monday() -> date:
    """The first Monday at least two days ahead: past the 24 h notice and the 12 h cut-off,
    within the horizon, whatever the day the tests run."""
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    return monday if (monday - today).days >= 2 else monday + timedelta(days=7)


def rules(**values) -> BookingRules:
    current = BookingRules.load()
    for field, value in values.items():
        setattr(current, field, value)
    current.save()
    return current


def adviser(
    *,
    topics=None,
    weekdays=(0, 2),
    hours=(9, 12),
    format="on_site",
    name=None,
    place="",
    **kwargs,
) -> Advisor:
    """An adviser with weekly times on some weekdays, and their slots cut to the horizon."""
    if name:
        kwargs["display_name"] = name
    advisor = AdvisorFactory(topics=topics if topics is not None else [topic()], **kwargs)
    for weekday in weekdays:
        AvailabilityFactory(
            advisor=advisor,
            weekday=weekday,
            starts_at=time(hours[0]),
            ends_at=time(hours[1]),
            format=format,
            place=place,
        )
    slots.regenerate_slots(advisor=advisor)
    return advisor


def slot_at(advisor: Advisor, day: date, hour: int, minute: int = 0) -> Slot:
    start = datetime.combine(day, time(hour, minute), tzinfo=BERLIN)
    return Slot.objects.get(advisor=advisor, starts_at=start)


def book(user, slot: Slot, *, topic_slug: str = "vereinsrecht", **values):
    values.setdefault("concern", "Wir wollen unsere Satzung ändern.")
    return services.book_slot(user=user, slot=slot, topic=topic(topic_slug), **values)


def beratung_staff():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=BERATUNG))
    return staff


def token_for(booking) -> str:
    return booking_token(booking)
