"""Counts of advice cases for the reports to the funder and the Kreistag: numbers only.

Nothing here returns a person, a concern or a note. A case counts in the period in which it
was made (its creation, in local days). Its place is the Gemeinde given with the request,
otherwise its association's; its Amt is that Gemeinde's, and towns and municipalities without
an Amt are counted under their own name. Each table is one query, whatever the number of cases.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Case, Count, F, Q, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from network.models import Amt, Municipality

from .models import AdviceRequest, Format, Topic
from .slots import LOCAL


def with_place(queryset):
    """Annotate each case with its Gemeinde and Amt (the request's, else the association's)."""
    return queryset.annotate(
        place_municipality_id=Coalesce(
            F("municipality_id"),
            F("association__municipality_id"),
            output_field=models.BigIntegerField(),
        ),
        place_amt_id=Case(
            When(municipality__isnull=False, then=F("municipality__amt_id")),
            default=F("association__municipality__amt_id"),
            output_field=models.BigIntegerField(),
        ),
    )


@dataclass(frozen=True)
class Row:
    label: str
    count: int


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[Row]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


@dataclass(frozen=True)
class Report:
    since: date
    until: date
    total: int
    tables: list[Table]


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1), today


def cases_in(since: date, until: date):
    """Cases made between the two local days, both included."""
    start = datetime.combine(since, time.min, tzinfo=LOCAL)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=LOCAL)
    return AdviceRequest.objects.filter(created_at__gte=start, created_at__lt=end)


def case_report(*, since: date | None = None, until: date | None = None) -> Report:
    """Cases per topic, month, Amt, format, kind, status and outcome in the period."""
    default_since, default_until = default_period()
    since, until = since or default_since, until or default_until
    cases = cases_in(since, until)
    counts = _choice_counts(cases)
    tables = [
        Table(_("Cases per topic"), _by_topic(since, until)),
        Table(_("Cases per month"), _by_month(cases, since, until)),
        Table(_("Cases per Amt"), _by_amt(cases)),
        Table(
            _("Cases per format"),
            [Row(str(label), counts[f"format_{value}"]) for value, label in Format.choices]
            + [Row(_("written question"), counts["kind_question"])],
        ),
        Table(
            _("Cases per kind"),
            [
                Row(str(label), counts[f"kind_{value}"])
                for value, label in AdviceRequest.Kind.choices
            ],
        ),
        Table(
            _("Cases per status"),
            [
                Row(str(label), counts[f"status_{value}"])
                for value, label in AdviceRequest.Status.choices
            ],
        ),
        Table(
            _("Cases per outcome"),
            [
                Row(str(label) if value else _("no outcome yet"), counts[f"outcome_{value}"])
                for value, label in AdviceRequest.Outcome.choices
            ],
        ),
    ]
    return Report(since=since, until=until, total=counts["total"], tables=tables)


def _choice_counts(cases) -> dict[str, int]:
    appointment = Q(kind=AdviceRequest.Kind.APPOINTMENT)
    counts = {"total": Count("pk")}
    for value in AdviceRequest.Kind.values:
        counts[f"kind_{value}"] = Count("pk", filter=Q(kind=value))
    for value in Format.values:
        counts[f"format_{value}"] = Count("pk", filter=appointment & Q(format=value))
    for value in AdviceRequest.Status.values:
        counts[f"status_{value}"] = Count("pk", filter=Q(status=value))
    for value in AdviceRequest.Outcome.values:
        counts[f"outcome_{value}"] = Count("pk", filter=Q(outcome=value))
    return cases.aggregate(**counts)


def _by_topic(since: date, until: date) -> list[Row]:
    in_period = cases_in(since, until).filter(topic=models.OuterRef("pk"))
    count = in_period.order_by().values("topic").annotate(count=Count("pk")).values("count")
    topics = Topic.objects.annotate(count=Coalesce(models.Subquery(count), 0)).order_by(
        "order", "name"
    )
    # Topics no longer offered appear only where they have cases in the period.
    return [
        Row(topic.localized_name(), topic.count) for topic in topics if topic.active or topic.count
    ]


def _by_month(cases, since: date, until: date) -> list[Row]:
    per_month = {
        timezone.localtime(row["month"], LOCAL).date()
        if isinstance(row["month"], datetime)
        else row["month"]: row["count"]
        for row in cases.annotate(month=TruncMonth("created_at", tzinfo=LOCAL))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"))
    }
    rows = []
    month = since.replace(day=1)
    while month <= until:
        rows.append(Row(date_format(month, "YEAR_MONTH_FORMAT"), per_month.get(month, 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return rows


def _by_amt(cases) -> list[Row]:
    """Every Amt and every municipality without an Amt, then the cases without a place."""
    amt_counts: dict[int, int] = {}
    free_counts: dict[int, int] = {}
    unknown = 0
    grouped = (
        with_place(cases)
        .order_by()
        .values("place_amt_id", "place_municipality_id")
        .annotate(count=Count("pk"))
    )
    for row in grouped:  # at most one row per municipality
        if row["place_municipality_id"] is None:
            unknown += row["count"]
        elif row["place_amt_id"] is None:
            free_counts[row["place_municipality_id"]] = row["count"]
        else:
            amt_counts[row["place_amt_id"]] = amt_counts.get(row["place_amt_id"], 0) + row["count"]
    rows = [
        Row(_("Amt %(name)s") % {"name": amt.name}, amt_counts.get(amt.pk, 0))
        for amt in Amt.objects.only("name")
    ]
    rows += [
        Row(municipality.name, free_counts.get(municipality.pk, 0))
        for municipality in Municipality.objects.filter(amt__isnull=True).only("name")
    ]
    rows.sort(key=lambda row: row.label.casefold())
    rows.append(Row(_("no municipality known"), unknown))
    return rows
