"""List filters of the Beratung admin: the case views, date ranges, the Amt, free or booked."""

from datetime import date, timedelta

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Amt

from .models import AdviceRequest
from .statistics import with_place

OPEN = ~Q(status=AdviceRequest.Status.CLOSED)


def overdue(today: date | None = None) -> Q:
    """Open cases past their due date."""
    return OPEN & Q(due_on__lt=today or timezone.localdate())


class CaseViewFilter(admin.SimpleListFilter):
    """The two working views of the case list: my cases, and open cases nobody has yet."""

    title = _("view")
    parameter_name = "view"

    MINE = "mine"
    UNASSIGNED = "unassigned"
    OVERDUE = "overdue"

    def lookups(self, request, model_admin):
        return [
            (self.MINE, _("My cases")),
            (self.UNASSIGNED, _("Open / not assigned")),
            (self.OVERDUE, _("Overdue")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.MINE:
            return queryset.filter(assignee=request.user)
        if value == self.UNASSIGNED:
            return queryset.filter(OPEN, assignee__isnull=True)
        if value == self.OVERDUE:
            return queryset.filter(overdue())
        return queryset


class AmtFilter(admin.SimpleListFilter):
    """The Amt of the case's Gemeinde (given with the request, else the association's)."""

    title = _("Amt")
    parameter_name = "amt"

    WITHOUT_AMT = "free"
    UNKNOWN = "unknown"

    def lookups(self, request, model_admin):
        return [
            *((str(amt.pk), amt.name) for amt in Amt.objects.order_by("name")),
            (self.WITHOUT_AMT, _("town or municipality without an Amt")),
            (self.UNKNOWN, _("no municipality known")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        queryset = with_place(queryset)
        if value == self.WITHOUT_AMT:
            return queryset.filter(place_municipality_id__isnull=False, place_amt_id__isnull=True)
        if value == self.UNKNOWN:
            return queryset.filter(place_municipality_id__isnull=True)
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return queryset.filter(place_amt_id=int(value))


class SlotStateFilter(admin.SimpleListFilter):
    title = _("booked")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("free", _("free")), ("booked", _("booked"))]

    def queryset(self, request, queryset):
        booked = Exists(
            AdviceRequest.objects.filter(slot=OuterRef("pk"), cancelled_at__isnull=True)
        )
        if self.value() == "free":
            return queryset.filter(~booked)
        if self.value() == "booked":
            return queryset.filter(booked)
        return queryset


class DateRangeFilter(admin.FieldListFilter):
    """Local days from … until … (both included): a few ready ranges and a small form.

    The values are plain dates (YYYY-MM-DD) in the address, so a filtered list can be
    bookmarked; a value that is not a date is answered like any unknown filter.
    """

    template = "admin/advice/date_range_filter.html"
    looks_ahead = False  # appointments: offer the coming days too

    def __init__(self, field, request, params, model, model_admin, field_path):
        day = "__date" if isinstance(field, models.DateTimeField) else ""
        self.since_param = f"{field_path}{day}__gte"
        self.until_param = f"{field_path}{day}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.since = self._date(self.since_param)
        self.until = self._date(self.until_param)

    def _date(self, param) -> date | None:
        value = self.used_parameters.get(param)
        if isinstance(value, list):
            value = value[-1] if value else None
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.invalid = True
            return None

    invalid = False

    def expected_parameters(self):
        return [self.since_param, self.until_param]

    def ranges(self) -> list[tuple[str, date, date]]:
        today = timezone.localdate()
        first_of_month = today.replace(day=1)
        last_month_end = first_of_month - timedelta(days=1)
        ranges = [(_("Today"), today, today)]
        if self.looks_ahead:
            ranges += [
                (_("Tomorrow"), today + timedelta(days=1), today + timedelta(days=1)),
                (_("Next 7 days"), today, today + timedelta(days=6)),
            ]
        ranges += [
            (_("Past 7 days"), today - timedelta(days=6), today),
            (_("This month"), first_of_month, _month_end(first_of_month)),
            (_("Last month"), last_month_end.replace(day=1), last_month_end),
            (_("This year"), today.replace(month=1, day=1), today.replace(month=12, day=31)),
            (
                _("Last year"),
                today.replace(year=today.year - 1, month=1, day=1),
                today.replace(year=today.year - 1, month=12, day=31),
            ),
        ]
        return ranges

    def _q(self, since: date | None, until: date | None) -> Q:
        q = Q()
        if since:
            q &= Q(**{self.since_param: since})
        if until:
            q &= Q(**{self.until_param: until})
        return q

    def queryset(self, request, queryset):
        if self.invalid:
            raise IncorrectLookupParameters(_("Not a date."))
        return queryset.filter(self._q(self.since, self.until))

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {
            f"{i}__c": models.Count(pk_attname, filter=self._q(since, until))
            for i, (_title, since, until) in enumerate(self.ranges())
        }

    def choices(self, changelist):
        self.form = self.form_context(changelist)  # for the template, next to the choices
        facet_counts = self.get_facet_queryset(changelist) if changelist.add_facets else None
        yield {
            "selected": self.since is None and self.until is None,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": _("Any date"),
        }
        for i, (title, since, until) in enumerate(self.ranges()):
            display = title if facet_counts is None else f"{title} ({facet_counts[f'{i}__c']})"
            yield {
                "selected": (self.since, self.until) == (since, until),
                "query_string": changelist.get_query_string(
                    {self.since_param: since.isoformat(), self.until_param: until.isoformat()}
                ),
                "display": display,
            }

    def form_context(self, changelist) -> dict:
        """What the from/until form needs: its field names, values and the other filters."""
        keep = {
            key: value
            for key, value in changelist.params.items()
            if key not in self.expected_parameters()
        }
        return {
            "since_param": self.since_param,
            "until_param": self.until_param,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "keep": sorted(keep.items()),
        }


class AppointmentRangeFilter(DateRangeFilter):
    looks_ahead = True


def _month_end(first: date) -> date:
    next_month = (first + timedelta(days=32)).replace(day=1)
    return next_month - timedelta(days=1)
