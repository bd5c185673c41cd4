"""Bookable slots: cut from each adviser's weekly availability, and the free ones found.

Slots are concrete rows (one booking per slot is a database constraint). They are cut in
local time (Europe/Berlin), so an appointment at 10:00 stays at 10:00 across the switch to
and from summer time; lengths and breaks come from BookingRules. Slots without a booking are
re-cut whenever availability or the rules change and every night for the horizon.

Which slots are free is decided when reading: not booked, not in an absence, at least the
minimum notice ahead, within the horizon, and the adviser's daily cap not reached.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import Absence, AdviceRequest, Advisor, BookingRules, Slot, Topic

LOCAL = ZoneInfo(settings.TIME_ZONE)


def cut(
    *, day: date, starts: "datetime.time", ends: "datetime.time", rules: BookingRules
) -> list[tuple[datetime, datetime]]:
    """The (start, end) pairs of one availability range on one day, in local wall time."""
    length = timedelta(minutes=rules.slot_minutes)
    step = length + timedelta(minutes=rules.buffer_minutes)
    cursor = datetime.combine(day, starts)
    end = datetime.combine(day, ends)
    pairs = []
    while cursor + length <= end:
        start_local = cursor.replace(tzinfo=LOCAL)
        end_local = (cursor + length).replace(tzinfo=LOCAL)
        # A wall time that does not exist (the hour skipped in March) is left out.
        if _exists(start_local) and _exists(end_local):
            pairs.append((start_local, end_local))
        cursor += step
    return pairs


def _exists(moment: datetime) -> bool:
    round_trip = moment.astimezone(ZoneInfo("UTC")).astimezone(LOCAL)
    return round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None)


def regenerate_slots(*, advisor: Advisor, first_day: date | None = None) -> int:
    """Re-cut the adviser's free slots from today to the horizon; booked ones stay.

    Returns the number of slots created. Safe to run at any time and twice (unique per
    adviser and start); runs under a lock on the adviser, like bookings do.
    """
    rules = BookingRules.load()
    today = first_day or timezone.localdate()
    last_day = today + timedelta(weeks=rules.horizon_weeks)
    with transaction.atomic():
        advisor = Advisor.objects.select_for_update().get(pk=advisor.pk)
        window = Q(advisor=advisor, starts_at__date__gte=today)
        booked = AdviceRequest.objects.filter(slot=OuterRef("pk"))
        Slot.objects.filter(window).exclude(Exists(booked)).delete()
        if not advisor.active:
            return 0
        taken = set(Slot.objects.filter(window).values_list("starts_at", flat=True))
        ranges = list(advisor.availability.all())
        new = []
        day = today
        while day <= last_day:
            for availability in ranges:
                if availability.weekday != day.weekday():
                    continue
                place = availability.place or advisor.location
                for starts_at, ends_at in cut(
                    day=day, starts=availability.starts_at, ends=availability.ends_at, rules=rules
                ):
                    if starts_at in taken:
                        continue
                    taken.add(starts_at)
                    new.append(
                        Slot(
                            advisor=advisor,
                            starts_at=starts_at,
                            ends_at=ends_at,
                            format=availability.format,
                            place=place if availability.format == "on_site" else "",
                        )
                    )
            day += timedelta(days=1)
        Slot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def regenerate_all() -> int:
    """Nightly: every adviser's slots reach the horizon again."""
    return sum(regenerate_slots(advisor=a) for a in Advisor.objects.filter(active=True))


def free_slots(
    *,
    topic: Topic,
    format: str = "",
    advisor: Advisor | None = None,
    start: date | None = None,
    days: int = 7,
    now: datetime | None = None,
) -> QuerySet:
    """Slots a volunteer can book for `topic` in the `days` from `start` (local days)."""
    rules = BookingRules.load()
    now = now or timezone.now()
    earliest = now + timedelta(hours=rules.notice_hours)
    latest = now + timedelta(weeks=rules.horizon_weeks)
    start = start or timezone.localdate(earliest)
    window_start = datetime.combine(start, datetime.min.time(), tzinfo=LOCAL)
    window_end = datetime.combine(start + timedelta(days=days), datetime.min.time(), tzinfo=LOCAL)
    queryset = Slot.objects.filter(
        advisor__active=True,
        advisor__topics=topic,
        starts_at__gte=max(earliest, window_start),
        starts_at__lt=min(latest, window_end),
    )
    if format:
        queryset = queryset.filter(format=format)
    if advisor:
        queryset = queryset.filter(advisor=advisor)
    active_booking = AdviceRequest.objects.filter(slot=OuterRef("pk"), cancelled_at__isnull=True)
    absent = Absence.objects.filter(
        advisor=OuterRef("advisor"),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    # Active bookings of the slot's adviser on the slot's local day (the daily cap).
    booked_that_day = (
        AdviceRequest.objects.filter(
            slot__advisor=OuterRef("advisor"),
            cancelled_at__isnull=True,
            slot__starts_at__date=OuterRef("local_day"),
        )
        .order_by()
        .values("slot__advisor")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        queryset.exclude(Exists(active_booking))
        .exclude(Exists(absent))
        .annotate(
            local_day=TruncDate("starts_at", tzinfo=LOCAL),
            booked_that_day=Coalesce(Subquery(booked_that_day), 0),
        )
        .filter(booked_that_day__lt=F("advisor__daily_cap"))
        .select_related("advisor")
        .order_by("starts_at", "advisor__display_name")
    )


@dataclass(frozen=True)
class Day:
    day: date
    slots: list[Slot]


def by_day(slots) -> list[Day]:
    """Slots grouped by their local day, for the picker."""
    return [
        Day(day=day, slots=list(group))
        for day, group in groupby(slots, key=lambda s: timezone.localdate(s.starts_at))
    ]


def is_bookable(slot: Slot, *, now: datetime | None = None) -> bool:
    """The same rules as free_slots, for one slot (re-checked under lock when booking)."""
    rules = BookingRules.load()
    now = now or timezone.now()
    if not (now + timedelta(hours=rules.notice_hours) <= slot.starts_at):
        return False
    if slot.starts_at > now + timedelta(weeks=rules.horizon_weeks) or not slot.advisor.active:
        return False
    if AdviceRequest.objects.filter(slot=slot, cancelled_at__isnull=True).exists():
        return False
    if Absence.objects.filter(
        advisor=slot.advisor, starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at
    ).exists():
        return False
    local_day = timezone.localdate(slot.starts_at)
    booked_that_day = AdviceRequest.objects.filter(
        slot__advisor=slot.advisor,
        cancelled_at__isnull=True,
        slot__starts_at__date=local_day,
    ).count()
    return booked_that_day < slot.advisor.daily_cap
