"""Counts of Qualifizierung for the office's reports: numbers only, never a person.

A course counts in the period in which it begins (its first date, in local days). For each
course, topic and month: registrations (everyone who registered and has not cancelled —
confirmed and waiting), confirmed seats, the waiting list, cancellations, attendance and
no-shows, and the attendance rate (attended out of the confirmed seats whose attendance was
recorded). Each table is one query, whatever the number of courses and registrations.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Course, Registration, Topic

LOCAL = ZoneInfo(settings.TIME_ZONE)
R = Registration.Status
A = Registration.Attendance


def _counts(prefix: str = "") -> dict:
    """The counts of one group of registrations (`prefix` is the path to the registration)."""
    status, attendance = f"{prefix}status", f"{prefix}attendance"
    pk = f"{prefix}pk" if prefix else "pk"
    return {
        "registered": Count(pk, filter=Q(**{f"{status}__in": [R.CONFIRMED, R.WAITLISTED]})),
        "confirmed": Count(pk, filter=Q(**{status: R.CONFIRMED})),
        "waiting": Count(pk, filter=Q(**{status: R.WAITLISTED})),
        "cancelled": Count(pk, filter=Q(**{status: R.CANCELLED})),
        "attended": Count(pk, filter=Q(**{status: R.CONFIRMED, attendance: A.ATTENDED})),
        "no_show": Count(pk, filter=Q(**{status: R.CONFIRMED, attendance: A.NO_SHOW})),
    }


@dataclass(frozen=True)
class Row:
    label: str
    registered: int
    confirmed: int
    waiting: int
    cancelled: int
    attended: int
    no_show: int
    courses: int | None = None
    capacity: int | None = None

    @property
    def attendance_rate(self) -> Decimal | None:
        """Attended out of those whose attendance was recorded, in percent (None: none)."""
        recorded = self.attended + self.no_show
        if not recorded:
            return None
        return (Decimal(100 * self.attended) / recorded).quantize(Decimal("1"))


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[Row]
    first_column: str


@dataclass(frozen=True)
class Report:
    since: date
    until: date
    total: Row
    tables: list[Table]


def default_period(today: date | None = None) -> tuple[date, date]:
    """Twelve months back and three ahead: the past year's courses and those now open."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1), today + timedelta(days=92)


def courses_in(since: date, until: date):
    start = datetime.combine(since, time.min, tzinfo=LOCAL)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=LOCAL)
    return Course.objects.exclude(status=Course.Status.DRAFT).filter(
        starts_at__gte=start, starts_at__lt=end
    )


def _row(label, values: dict, **extra) -> Row:
    return Row(label=label, **{key: values.get(key) or 0 for key in _counts()}, **extra)


def training_report(*, since: date | None = None, until: date | None = None) -> Report:
    default_since, default_until = default_period()
    since, until = since or default_since, until or default_until
    courses = courses_in(since, until)
    registrations = Registration.objects.filter(course__in=courses)
    total = _row(_("All courses"), registrations.aggregate(**_counts()))
    return Report(
        since=since,
        until=until,
        total=total,
        tables=[
            Table(_("Per course"), _by_course(courses), _("Course")),
            Table(_("Per topic"), _by_topic(registrations, courses), _("Topic")),
            Table(_("Per month"), _by_month(registrations, since, until), _("Month")),
        ],
    )


def _by_course(courses) -> list[Row]:
    rows = (
        courses.order_by("starts_at", "title")
        .values("pk", "title", "starts_at", "capacity")
        .annotate(**_counts("registrations__"))
    )
    return [
        _row(
            f"{row['title']} ({timezone.localtime(row['starts_at']):%d.%m.%Y})",
            row,
            capacity=row["capacity"],
        )
        for row in rows
    ]


def _by_topic(registrations, courses) -> list[Row]:
    per_topic = {
        row["course__topic"]: row
        for row in registrations.order_by().values("course__topic").annotate(**_counts())
    }
    course_counts = {
        row["topic"]: row["n"] for row in courses.order_by().values("topic").annotate(n=Count("pk"))
    }
    return [
        _row(
            topic.localized_name(),
            per_topic.get(topic.pk, {}),
            courses=course_counts.get(topic.pk, 0),
        )
        for topic in Topic.objects.order_by("order", "name")
    ]


def _by_month(registrations, since: date, until: date) -> list[Row]:
    per_month = {}
    for row in (
        registrations.annotate(month=TruncMonth("course__starts_at", tzinfo=LOCAL))
        .order_by()
        .values("month")
        .annotate(**_counts())
    ):
        month = row["month"]
        key = timezone.localtime(month, LOCAL).date() if isinstance(month, datetime) else month
        per_month[key] = row
    rows = []
    month = since.replace(day=1)
    while month <= until:
        rows.append(_row(date_format(month, "YEAR_MONTH_FORMAT"), per_month.get(month, {})))
        month = (month + timedelta(days=32)).replace(day=1)
    return rows
