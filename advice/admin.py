"""Beratung in admin, for the group Beratung: advisers and their times, the booking rules,
topics, the slots (read only) and the cases.

Every change to a case goes through advice.services (update_case, add_note, mark_no_show,
cancel_booking, book_on_behalf), so its history (CaseEvent) says who changed what and when.
Changing an adviser's times, absences or the booking rules re-cuts the free slots at once.
The pages of their own — book for a caller, statistics, CSV export — are in admin_views.py.
Model permissions decide who sees anything: cases hold personal data and are for Beratung.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminTimeWidget
from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from network.admin_panels import register_association_panel
from portal.admin_base import ModelAdmin

from . import admin_views, services, slots
from .admin_filters import (
    AmtFilter,
    AppointmentRangeFilter,
    CaseViewFilter,
    DateRangeFilter,
    SlotStateFilter,
)
from .exceptions import AdviceError
from .models import (
    Absence,
    AdviceRequest,
    Advisor,
    BookingRules,
    CaseEvent,
    CaseNote,
    Format,
    Slot,
    Topic,
    WeeklyAvailability,
)

ASSOCIATION_CASES_SHOWN = 20  # on the association's page; the case list has them all


def case_workers():
    """Active staff who may change cases: the choices for "assigned to"."""
    permission = Permission.objects.filter(
        content_type__app_label="advice", codename="change_advicerequest"
    )
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


# --- Topics and booking rules ---------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(ModelAdmin):
    list_display = ["name", "name_en", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # The address is part of links people keep; it is chosen once.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields


@admin.register(BookingRules)
class BookingRulesAdmin(ModelAdmin):
    """One row: how appointments are cut and booked. Saving re-cuts every adviser's slots."""

    list_display = [
        "__str__",
        "slot_minutes",
        "buffer_minutes",
        "notice_hours",
        "horizon_weeks",
        "max_open_bookings",
        "cancel_cutoff_hours",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        count = slots.regenerate_all()
        self.message_user(
            request,
            ngettext(
                "The free appointments were cut anew (%(count)d slot).",
                "The free appointments were cut anew (%(count)d slots).",
                count,
            )
            % {"count": count},
            messages.INFO,
        )


# --- Advisers, their weekly times and absences ----------------------------------------------------


class WeeklyAvailabilityInline(admin.TabularInline):
    model = WeeklyAvailability
    fields = ["weekday", "starts_at", "ends_at", "format", "place"]
    extra = 0
    formfield_overrides = {models.TimeField: {"widget": AdminTimeWidget(format="%H:%M")}}
    verbose_name_plural = _("weekly availability (each range in one format)")


class CurrentAbsenceFormSet(BaseInlineFormSet):
    """Absences not yet over; past ones are in the list of absences."""

    def get_queryset(self):
        if not hasattr(self, "_current"):
            self._current = super().get_queryset().filter(ends_at__gt=timezone.now())
        return self._current


class AbsenceInline(admin.TabularInline):
    model = Absence
    formset = CurrentAbsenceFormSet
    fields = ["starts_at", "ends_at", "note"]
    extra = 0
    verbose_name_plural = _("absences not yet over (holidays, illness, training)")


class AdvisorForm(forms.ModelForm):
    class Meta:
        model = Advisor
        fields = [
            "user",
            "display_name",
            "topics",
            "daily_cap",
            "location",
            "phone_instructions",
            "video_instructions",
            "active",
        ]
        widgets = {"topics": forms.CheckboxSelectMultiple}


@admin.register(Advisor)
class AdvisorAdmin(ModelAdmin):
    form = AdvisorForm
    list_display = ["display_name", "user", "topic_list", "format_list", "daily_cap", "active"]
    list_filter = ["active", "topics"]
    search_fields = ["display_name", "user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    inlines = [WeeklyAvailabilityInline, AbsenceInline]
    fieldsets = [
        (None, {"fields": ["user", "display_name", "active"]}),
        (_("What and how much"), {"fields": ["topics", "daily_cap"]}),
        (
            _("How appointments take place"),
            {
                "fields": ["location", "phone_instructions", "video_instructions"],
                "description": _(
                    "The formats come from the weekly availability below; these texts go "
                    "into the confirmation mail."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("topics", Prefetch("availability", to_attr="ranges"))
        )

    @admin.display(description=_("topics"))
    def topic_list(self, obj):
        return ", ".join(topic.localized_name() for topic in obj.topics.all())

    @admin.display(description=_("formats"))
    def format_list(self, obj):
        offered = {availability.format for availability in obj.ranges}
        return ", ".join(str(label) for value, label in Format.choices if value in offered)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(is_staff=True).order_by("email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Times, absences or "takes bookings" may have changed: the free slots follow at once.
        slots.regenerate_slots(advisor=form.instance)


@admin.register(Absence)
class AbsenceAdmin(ModelAdmin):
    list_display = ["advisor", "starts_at", "ends_at", "note"]
    list_filter = ["advisor", ("starts_at", AppointmentRangeFilter)]
    search_fields = ["advisor__display_name", "note"]
    list_select_related = ["advisor"]
    ordering = ["-starts_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        slots.regenerate_slots(advisor=obj.advisor)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        slots.regenerate_slots(advisor=obj.advisor)

    def delete_queryset(self, request, queryset):
        advisors = list(Advisor.objects.filter(absences__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for advisor in advisors:
            slots.regenerate_slots(advisor=advisor)


# --- Slots (read only: they are cut from the availability) ----------------------------------------


@admin.register(Slot)
class SlotAdmin(ModelAdmin):
    list_display = ["starts_at", "ends_at", "advisor", "format", "place", "booking"]
    list_filter = [SlotStateFilter, "advisor", "format", ("starts_at", AppointmentRangeFilter)]
    search_fields = ["advisor__display_name", "place"]
    list_select_related = ["advisor"]
    ordering = ["starts_at", "advisor"]

    def get_queryset(self, request):
        active = AdviceRequest.objects.filter(slot=OuterRef("pk"), cancelled_at__isnull=True)
        return (
            super()
            .get_queryset(request)
            .annotate(
                booking_id=Subquery(active.values("pk")[:1]),
                booking_number=Subquery(active.values("number")[:1]),
            )
        )

    @admin.display(description=_("booking"))
    def booking(self, obj):
        if obj.booking_id is None:
            return gettext("free")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:advice_advicerequest_change", args=[obj.booking_id]),
            obj.booking_number,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Cases ----------------------------------------------------------------------------------------

CASE_FIELDS = ["status", "outcome", "assignee", "due_on", "association"]


class CaseForm(forms.ModelForm):
    """What staff change on a case. Each field remembers its value when the page was shown,
    so saving changes only what this member of staff changed, not what a colleague changed
    in the meantime; the rules are the service's (services.check_case_change)."""

    class Meta:
        model = AdviceRequest
        fields = CASE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CASE_FIELDS:
            if name in self.fields:
                self.fields[name].show_hidden_initial = True
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = case_workers()

    def clean(self):
        cleaned = super().clean()
        changed = {name: cleaned.get(name) for name in self.changed_data if name in CASE_FIELDS}
        try:
            services.check_case_change(
                case=self.instance,
                status=changed.get("status", self.instance.status),
                outcome=changed.get("outcome", self.instance.outcome),
                assignee=changed.get("assignee", self.instance.assignee),
            )
        except AdviceError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
        return cleaned


class NoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 80})}


class CaseNoteInline(admin.TabularInline):
    """Internal notes: added, never changed or deleted; the author is who wrote it."""

    model = CaseNote
    form = NoteForm
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False
    verbose_name_plural = _("internal notes (never shown to the requester)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "request")

    def has_change_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["at", "actor", "kind", "before", "after"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("history: who changed what, and when")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "request")

    @admin.display(description=_("before"))
    def before(self, obj):
        return _event_value(obj, obj.old_value)

    @admin.display(description=_("after"))
    def after(self, obj):
        return _event_value(obj, obj.new_value)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _event_value(event, value):
    """Statuses and outcomes are stored as codes; shown by their names."""
    labels = {
        CaseEvent.Kind.STATUS: dict(AdviceRequest.Status.choices),
        CaseEvent.Kind.OUTCOME: dict(AdviceRequest.Outcome.choices),
    }.get(event.kind, {})
    return labels.get(value, value) or "–"


@admin.register(AdviceRequest)
class AdviceRequestAdmin(ModelAdmin):
    form = CaseForm
    action_errors = (AdviceError,)
    list_display = ["number", "topic", "appointment", "status", "assignee", "due", "created"]
    list_filter = [
        CaseViewFilter,
        "status",
        "topic",
        ("slot__advisor", admin.RelatedOnlyFieldListFilter),
        "kind",
        ("slot__starts_at", AppointmentRangeFilter),
        ("created_at", DateRangeFilter),
        AmtFilter,
    ]
    search_fields = [
        "number",
        "concern",
        "requester__first_name",
        "requester__last_name",
        "requester__email",
    ]
    search_help_text = _("Reference number, concern, or the requester's name or e-mail address.")
    autocomplete_fields = ["association"]
    inlines = [CaseNoteInline, CaseEventInline]
    actions = ["assign_to_me", "mark_no_show", "cancel_by_office", "export_selected"]
    change_list_template = "admin/advice/advicerequest/change_list.html"
    readonly_fields = [
        "number",
        "kind",
        "topic",
        "format",
        "appointment_details",
        "requester_details",
        "phone",
        "concern",
        "municipality",
        "consent_at",
        "booked_by_staff",
        "cancelled_at",
        "no_show",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["number", "kind", "topic", "format", "appointment_details", "created_at"]},
        ),
        (
            _("Requester and concern"),
            {
                "fields": [
                    "requester_details",
                    "phone",
                    "concern",
                    "association",
                    "municipality",
                    "consent_at",
                ]
            },
        ),
        (_("Work on the case"), {"fields": ["status", "outcome", "assignee", "due_on"]}),
        (
            _("Appointment"),
            {"fields": ["booked_by_staff", "cancelled_at", "no_show", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        # For the list and the case's page alike (Django ignores list_select_related when the
        # queryset already names related objects).
        return (
            super()
            .get_queryset(request)
            .select_related(
                "topic", "requester", "slot__advisor", "association", "municipality", "assignee"
            )
        )

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A reference number read over the phone comes without its hyphen or in lower case.
        compact = search_term.replace(" ", "").replace("-", "").upper()
        if len(compact) == 8 and all(c in services.NUMBER_ALPHABET for c in compact):
            found = found | queryset.filter(number=f"{compact[:4]}-{compact[4:]}")
        return found, may_have_duplicates

    # Columns ------------------------------------------------------------------------------------

    @admin.display(description=_("appointment or question"), ordering="slot__starts_at")
    def appointment(self, obj):
        if obj.slot is None:
            return obj.get_kind_display()  # a written question
        text = f"{timezone.localtime(obj.slot.starts_at):%d.%m.%Y %H:%M}"
        if obj.cancelled_at:
            return format_html("<del>{}</del> ({})", text, pgettext("appointment", "cancelled"))
        return text

    @admin.display(description=_("due on"), ordering="due_on")
    def due(self, obj):
        if obj.due_on is None:
            return "–"
        text = f"{obj.due_on:%d.%m.%Y}"
        if obj.status != AdviceRequest.Status.CLOSED and obj.due_on < timezone.localdate():
            return format_html("{} <strong>{}</strong>", text, gettext("overdue"))
        return text

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj):
        return f"{timezone.localtime(obj.created_at):%d.%m.%Y}"

    @admin.display(description=_("appointment"))
    def appointment_details(self, obj):
        slot = obj.slot
        if slot is None:
            return gettext("none (written question)")
        place = slot.place or slot.get_format_display()
        return format_html("{} – {}, {}", self.appointment(obj), slot.advisor.display_name, place)

    @admin.display(description=_("requester"))
    def requester_details(self, obj):
        person = obj.requester
        if person is None:
            return gettext("account deleted")
        return format_html(
            "{}<br>{}{}",
            person.get_full_name() or "–",
            person.email,
            format_html("<br>{}", person.phone) if person.phone else "",
        )

    # Permissions ----------------------------------------------------------------------------------

    def has_add_permission(self, request):
        # Cases come from bookings and questions; the office books for a caller on its own page.
        return False

    def can_book_for_callers(self, request) -> bool:
        return request.user.has_perm("advice.add_advicerequest") and request.user.has_perm(
            "advice.change_advicerequest"
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)  # cases are records: closed, not deleted
        return actions

    # Saving through the services -------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            return
        try:
            services.update_case(case=obj, staff=request.user, **changes)
        except AdviceError as error:  # a colleague changed the case since the page was shown
            request._advice_error = error.message

    def save_formset(self, request, form, formset, change):
        if formset.model is not CaseNote:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for note_form in formset.extra_forms:
            text = note_form.cleaned_data.get("text") if note_form.has_changed() else None
            if text:
                note = services.add_note(case=form.instance, staff=request.user, text=text)
                formset.new_objects.append(note)
        return None

    def response_change(self, request, obj):
        message = getattr(request, "_advice_error", None)
        if message:
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # Actions ------------------------------------------------------------------------------------

    def action_label(self, case) -> str:
        return case.number

    @admin.action(description=_("Assign the selected cases to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda case: services.update_case(case=case, staff=request.user, assignee=request.user),
            lambda done: (
                ngettext(
                    "%(count)d case assigned to you.", "%(count)d cases assigned to you.", done
                )
                % {"count": done}
            ),
        )

    @admin.action(description=_("Mark as missed (did not come)"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda case: services.mark_no_show(case=case, staff=request.user),
            lambda done: (
                ngettext(
                    "%(count)d appointment marked as missed.",
                    "%(count)d appointments marked as missed.",
                    done,
                )
                % {"count": done}
            ),
        )

    @admin.action(
        description=_("Cancel the appointments (by the office, with a mail)…"),
        permissions=["change"],
    )
    def cancel_by_office(self, request, queryset):
        """Cancelling mails the requester and the adviser: asked on a page of its own first."""
        cases = list(queryset.select_related("topic", "slot__advisor", "requester"))
        if "post" in request.POST:
            self._each(
                request,
                cases,
                lambda case: services.cancel_booking(
                    booking=case, actor=request.user, by_office=True
                ),
                lambda done: (
                    ngettext(
                        "%(count)d appointment cancelled; the requester and the adviser were told.",
                        "%(count)d appointments cancelled; the requesters and advisers were told.",
                        done,
                    )
                    % {"count": done}
                ),
            )
            return None
        return TemplateResponse(
            request,
            "admin/advice/advicerequest/cancel_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Cancel appointments"),
                "opts": self.model._meta,
                "cases": cases,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Export the selected cases as CSV"), permissions=["view"])
    def export_selected(self, request, queryset):
        return admin_views.csv_response(queryset)

    # Pages of their own ------------------------------------------------------------------------

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(request, self, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        return [
            path("book/", wrap(admin_views.book_for_caller), name="advice_book_for_caller"),
            path("statistics/", wrap(admin_views.statistics), name="advice_statistics"),
            path("export/", wrap(admin_views.export_list), name="advice_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_book_for_callers": self.can_book_for_callers(request),
            # The working views as links above the list (also among the filters).
            "case_views": [
                ("", gettext("All cases")),
                (CaseViewFilter.MINE, gettext("My cases")),
                (CaseViewFilter.UNASSIGNED, gettext("Open / not assigned")),
                (CaseViewFilter.OVERDUE, gettext("Overdue")),
            ],
            "current_view": request.GET.get(CaseViewFilter.parameter_name, ""),
        }
        return super().changelist_view(request, extra_context)


# --- The association's page lists its cases (network.admin_panels) --------------------------------


def association_cases(association, request) -> dict | None:
    """The association's cases, for staff who may see cases; nothing for anyone else."""
    if not request.user.has_perm("advice.view_advicerequest"):
        return None
    cases = (
        AdviceRequest.objects.filter(association=association)
        .select_related("topic", "slot")
        .order_by("-created_at")
    )
    return {
        "cases": list(cases[:ASSOCIATION_CASES_SHOWN]),
        "count": cases.count(),
        "all_url": reverse("admin:advice_advicerequest_changelist")
        + f"?association__id__exact={association.pk}",
    }


register_association_panel(
    name="advice-cases",
    template="admin/advice/association_cases_panel.html",
    context=association_cases,
)
