"""List filters of the Qualifizierung admin: the Amt of a course's venue, upcoming or past."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Amt


class VenueAmtFilter(admin.SimpleListFilter):
    """The Amt of the venue's Gemeinde (towns without an Amt by themselves; online: none)."""

    title = _("Amt of the venue")
    parameter_name = "amt"

    WITHOUT_AMT = "free"
    NO_VENUE = "none"

    def lookups(self, request, model_admin):
        return [
            *((str(amt.pk), amt.name) for amt in Amt.objects.order_by("name")),
            (self.WITHOUT_AMT, _("town or municipality without an Amt")),
            (self.NO_VENUE, _("no venue (online)")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.WITHOUT_AMT:
            return queryset.filter(venue__isnull=False, venue__municipality__amt__isnull=True)
        if value == self.NO_VENUE:
            return queryset.filter(venue__isnull=True)
        if not value.isdigit() or len(value) > 10:
            raise IncorrectLookupParameters(value)
        return queryset.filter(venue__municipality__amt_id=int(value))


class WhenFilter(admin.SimpleListFilter):
    """Upcoming courses (not yet ended), past ones, or those without a date yet."""

    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("upcoming", _("upcoming or running")),
            ("past", _("past")),
            ("undated", _("without a date")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "upcoming":
            return queryset.filter(ends_at__gt=now)
        if value == "past":
            return queryset.filter(ends_at__lte=now)
        if value == "undated":
            return queryset.filter(starts_at__isnull=True)
        return queryset
