"""Qualifizierung in admin, for the group Qualifizierung: topics, venues, speakers, courses with
their dates, the participants of each course, certificates, course wishes and feedback.

Every change with a rule goes through trainings.services: publishing (wishes are told),
capacity (raising promotes from the waiting list; lowering below the confirmed seats is
refused before anything is saved), attendance, certificates and cancelling by the office.
Saving a course or its dates copies the first and last date onto the course and renews its
search text. The pages of their own — participants as CSV, the sign-in sheet, the
statistics — are in admin_views.py. Model permissions decide who sees anything.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import connection
from django.db.models import Avg, Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.admin_base import ModelAdmin

from . import admin_views, participant_export, services
from .admin_filters import VenueAmtFilter, WhenFilter
from .exceptions import TrainingError
from .models import (
    Certificate,
    Course,
    CourseDate,
    CourseWish,
    Feedback,
    Registration,
    Speaker,
    Topic,
    Venue,
)


class ReadOnlyAdmin(ModelAdmin):
    """Rows made by the site or by a service: staff look, nobody edits or deletes here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _local(moment, fmt="%d.%m.%Y %H:%M") -> str:
    return f"{timezone.localtime(moment):{fmt}}" if moment else "–"


# --- Topics, venues, speakers ---------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(ModelAdmin):
    list_display = ["name", "name_en", "order"]
    list_editable = ["order"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj is not None else []  # part of links people keep

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields


@admin.register(Venue)
class VenueAdmin(ModelAdmin):
    list_display = ["name", "town", "municipality", "amt", "step_free", "hearing_loop"]
    list_filter = ["step_free", "hearing_loop", "accessible_toilet", "municipality__amt"]
    search_fields = ["name", "town", "street", "municipality__name"]
    list_select_related = ["municipality__amt"]
    fieldsets = [
        (None, {"fields": ["name", "street", "postcode", "town", "municipality"]}),
        (
            _("Accessibility"),
            {
                "fields": [
                    "step_free",
                    "hearing_loop",
                    "accessible_toilet",
                    "accessibility_notes",
                    "directions",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("municipality__amt")

    @admin.display(description=_("Amt"), ordering="municipality__amt__name")
    def amt(self, obj):
        return obj.municipality.amt.name if obj.municipality.amt_id else "–"


@admin.register(Speaker)
class SpeakerAdmin(ModelAdmin):
    list_display = ["name", "role"]
    search_fields = ["name", "role"]


# --- Courses ------------------------------------------------------------------------------------


CAPACITY_REFUSED = _(
    "%(taken)d people already have a confirmed seat. Cancel registrations "
    "first or choose at least %(taken)d seats."
)


class CourseForm(forms.ModelForm):
    """Seats are checked against the confirmed registrations before anything is saved: the
    course row is locked for the rest of the admin's save (one transaction), so no
    registration slips in between the check and services.change_capacity."""

    class Meta:
        model = Course
        fields = [  # not the status: publishing goes through the actions (wishes are told)
            "title",
            "slug",
            "topic",
            "summary",
            "description",
            "target_group",
            "audience",
            "speakers",
            "what_to_bring",
            "format",
            "venue",
            "online_info",
            "capacity",
            "registration_deadline",
            "cancellation_deadline",
            "fee",
            "fee_note",
            "certificate",
            "title_en",
            "summary_en",
            "description_en",
        ]
        widgets = {"speakers": forms.CheckboxSelectMultiple}

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if self.instance.pk is None or capacity is None:
            return capacity
        courses = Course.objects.filter(pk=self.instance.pk)
        if connection.in_atomic_block:
            courses = courses.select_for_update()
        course = courses.first()
        if course is None:
            return capacity
        taken = services.confirmed_count(course)
        if capacity < taken:
            raise forms.ValidationError(CAPACITY_REFUSED % {"taken": taken}, code="below_confirmed")
        return capacity


class CourseDateInline(admin.TabularInline):
    model = CourseDate
    fields = ["starts_at", "ends_at", "note"]
    extra = 1
    min_num = 0
    verbose_name_plural = _("dates (a course may have several)")


@admin.register(Course)
class CourseAdmin(ModelAdmin):
    form = CourseForm
    action_errors = (TrainingError,)
    inlines = [CourseDateInline]
    list_display = [
        "title",
        "first_date",
        "topic",
        "format",
        "venue",
        "status",
        "seats",
        "waitlist",
    ]
    list_filter = [
        "status",
        "topic",
        "format",
        WhenFilter,
        ("starts_at", admin.DateFieldListFilter),
        VenueAmtFilter,
    ]
    search_fields = ["title", "slug", "summary", "venue__name", "venue__town"]
    search_help_text = _("Title, address, summary, or the venue's name or town.")
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "unpublish"]
    ordering = ["-starts_at"]
    change_list_template = "admin/trainings/course/change_list.html"
    readonly_fields = ["status", "published_at", "participants", "rating"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "topic", "status", "published_at", "participants"]}),
        (
            _("Description"),
            {
                "fields": [
                    "summary",
                    "description",
                    "target_group",
                    "audience",
                    "speakers",
                    "what_to_bring",
                ]
            },
        ),
        (_("Place and format"), {"fields": ["format", "venue", "online_info"]}),
        (
            _("Seats, deadlines and fee"),
            {
                "fields": [
                    "capacity",
                    "registration_deadline",
                    "cancellation_deadline",
                    "fee",
                    "fee_note",
                    "certificate",
                ],
                "description": _(
                    "Raising the seats gives them to the waiting list at once (with a mail); "
                    "fewer seats than confirmed registrations are refused."
                ),
            },
        ),
        (
            _("English (optional)"),
            {
                "fields": ["title_en", "summary_en", "description_en"],
                "classes": ["collapse"],
            },
        ),
        (_("Feedback"), {"fields": ["rating"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic", "venue").with_seats()

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return (
            [*fields, "slug"] if obj is not None and obj.status != Course.Status.DRAFT else fields
        )

    # Columns ------------------------------------------------------------------------------------

    @admin.display(description=_("first date"), ordering="starts_at")
    def first_date(self, obj):
        return _local(obj.starts_at)

    @admin.display(description=_("seats taken"), ordering="confirmed_count")
    def seats(self, obj):
        return f"{obj.confirmed_count} / {obj.capacity}"

    @admin.display(description=_("waiting list"), ordering="waitlist_count")
    def waitlist(self, obj):
        return obj.waitlist_count

    @admin.display(description=_("participants"))
    def participants(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        counts = obj.registrations.aggregate(
            confirmed=Count("pk", filter=_status(Registration.Status.CONFIRMED)),
            waiting=Count("pk", filter=_status(Registration.Status.WAITLISTED)),
            cancelled=Count("pk", filter=_status(Registration.Status.CANCELLED)),
        )
        return format_html(
            '{} <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            gettext("%(confirmed)d confirmed, %(waiting)d waiting, %(cancelled)d cancelled.")
            % counts,
            participants_url(obj),
            gettext("Participants"),
            reverse("admin:trainings_participants_csv", args=[obj.pk]),
            gettext("as CSV"),
            reverse("admin:trainings_sign_in_sheet", args=[obj.pk]),
            gettext("sign-in sheet (PDF)"),
        )

    @admin.display(description=_("average rating"))
    def rating(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        feedback = Feedback.objects.filter(registration__course=obj).aggregate(
            average=Avg("rating"), count=Count("pk")
        )
        if not feedback["count"]:
            return gettext("no feedback yet")
        return format_html(
            '{} <a href="{}">{}</a>',
            ngettext(
                "%(average).1f of 5 (%(count)d rating)",
                "%(average).1f of 5 (%(count)d ratings)",
                feedback["count"],
            )
            % feedback,
            reverse("admin:trainings_feedback_changelist")
            + f"?registration__course__id__exact={obj.pk}",
            gettext("read the feedback"),
        )

    # Saving through the services ---------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        promoted = []
        if change and "capacity" in form.changed_data:
            # The form checked the seats under the course's lock (this transaction).
            promoted = services.change_capacity(course=obj, capacity=form.cleaned_data["capacity"])
        super().save_model(request, obj, form, change)
        if promoted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person moved up from the waiting list and was told by mail.",
                    "%(count)d people moved up from the waiting list and were told by mail.",
                    len(promoted),
                )
                % {"count": len(promoted)},
                messages.SUCCESS,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        course = form.instance
        services.refresh_course_dates(course=course)
        services.refresh_search_vector(course_ids=[course.pk])

    # Actions ------------------------------------------------------------------------------------

    def action_label(self, course) -> str:
        return course.title

    @admin.action(description=_("Publish the selected courses"), permissions=["change"])
    def publish(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda course: services.publish_course(course=course),
            lambda done: (
                ngettext(
                    "%(count)d course is published (people who wished for its topic were told).",
                    "%(count)d courses are published (people who wished for their topics were "
                    "told).",
                    done,
                )
                % {"count": done}
            ),
        )

    @admin.action(description=_("Take the selected courses offline"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda course: services.unpublish_course(course=course),
            lambda done: (
                ngettext(
                    "%(count)d course is no longer public; its registrations stay.",
                    "%(count)d courses are no longer public; their registrations stay.",
                    done,
                )
                % {"count": done}
            ),
        )

    # Pages of their own ------------------------------------------------------------------------

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(request, self, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        return [
            path("statistics/", wrap(admin_views.statistics), name="trainings_statistics"),
            path(
                "<int:pk>/participants.csv",
                wrap(admin_views.participants_csv),
                name="trainings_participants_csv",
            ),
            path(
                "<int:pk>/sign-in-sheet.pdf",
                wrap(admin_views.sign_in_sheet),
                name="trainings_sign_in_sheet",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_view_statistics": request.user.has_perm("trainings.view_statistics"),
        }
        return super().changelist_view(request, extra_context)


def _status(value):
    return Q(status=value)


def participants_url(course) -> str:
    return reverse("admin:trainings_registration_changelist") + f"?course__id__exact={course.pk}"


# --- Participants ---------------------------------------------------------------------------------


@admin.register(Registration)
class RegistrationAdmin(ModelAdmin):
    """The participants: confirmed, waiting (by position) and cancelled, with attendance.
    Filtered by a course it is that course's participant page."""

    list_display = [
        "person",
        "course",
        "status",
        "position",
        "attendance",
        "association",
        "registered",
        "certificate_code",
    ]
    list_filter = [
        "status",
        "attendance",
        ("course", admin.RelatedOnlyFieldListFilter),
        "cancelled_by_office",
    ]
    search_fields = ["user__email", "user__first_name", "user__last_name", "course__title"]
    search_help_text = _("Name or e-mail address of the person, or the course's title.")
    ordering = ["course__starts_at", "course", "status", "position", "registered_at"]
    actions = [
        "mark_attended",
        "mark_no_show",
        "issue_certificates",
        "cancel_by_office",
        "export_csv",
    ]
    change_list_template = "admin/trainings/registration/change_list.html"
    readonly_fields = [
        "course",
        "person_details",
        "status",
        "position",
        "attendance",
        "association",
        "needs",
        "registered_at",
        "confirmed_at",
        "cancelled_at",
        "cancelled_by_office",
        "certificate_code",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("course", "user", "association", "certificate")
        )

    def has_add_permission(self, request):
        return False  # people register on the site

    def has_delete_permission(self, request, obj=None):
        return False  # cancelled, never deleted: the statistics count them

    @admin.display(description=_("person"), ordering="user__last_name")
    def person(self, obj):
        if obj.user is None:
            return gettext("erased person")
        return obj.user.get_full_name() or obj.user.email

    @admin.display(description=_("person"))
    def person_details(self, obj):
        person = obj.user
        if person is None:
            return gettext("erased person")
        return format_html(
            "{}<br>{}{}",
            person.get_full_name() or "–",
            person.email,
            format_html("<br>{}", person.phone) if person.phone else "",
        )

    @admin.display(description=_("registered on"), ordering="registered_at")
    def registered(self, obj):
        return _local(obj.registered_at)

    @admin.display(description=_("certificate"))
    def certificate_code(self, obj):
        certificate = getattr(obj, "certificate", None)
        return certificate.code if certificate else "–"

    def changelist_view(self, request, extra_context=None):
        course = None
        course_id = request.GET.get("course__id__exact", "")
        if course_id.isdigit() and len(course_id) < 10:
            course = Course.objects.filter(pk=int(course_id)).with_seats().first()
        extra_context = {
            **(extra_context or {}),
            "course": course,
            "course_links": course
            and {
                "csv": reverse("admin:trainings_participants_csv", args=[course.pk]),
                "sheet": reverse("admin:trainings_sign_in_sheet", args=[course.pk]),
                "change": reverse("admin:trainings_course_change", args=[course.pk]),
            },
        }
        return super().changelist_view(request, extra_context)

    # Actions ------------------------------------------------------------------------------------

    def _attendance(self, request, queryset, *, attended: bool):
        selected = list(queryset)
        marked = services.mark_attendance(registrations=selected, attended=attended)
        already = sum(
            1
            for r in selected
            if r.attendance
            == (Registration.Attendance.ATTENDED if attended else Registration.Attendance.NO_SHOW)
        )
        if marked:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration marked.", "%(count)d registrations marked.", marked
                )
                % {"count": marked},
                messages.SUCCESS,
            )
        skipped = len(selected) - marked - already
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration was left as it is: attendance is recorded only for "
                    "confirmed seats of courses that have begun.",
                    "%(count)d registrations were left as they are: attendance is recorded only "
                    "for confirmed seats of courses that have begun.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Mark as attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        self._attendance(request, queryset, attended=True)

    @admin.action(description=_("Mark as not attended (no-show)"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._attendance(request, queryset, attended=False)

    def has_certify_permission(self, request):
        return request.user.has_perm("trainings.add_certificate")

    @admin.action(description=_("Issue certificates of attendance"), permissions=["certify"])
    def issue_certificates(self, request, queryset):
        issued = 0
        for registration in queryset.select_related("user"):
            already = hasattr(registration, "certificate")
            try:
                services.issue_certificate(registration=registration)
            except TrainingError as error:
                self.message_user(
                    request, f"{self.person(registration)}: {error.message}", messages.WARNING
                )
            else:
                issued += not already
        self.message_user(
            request,
            ngettext(
                "%(count)d certificate issued; the person downloads it in “My trainings”.",
                "%(count)d certificates issued; the people download them in “My trainings”.",
                issued,
            )
            % {"count": issued},
            messages.SUCCESS if issued else messages.INFO,
        )

    @admin.action(description=_("Cancel (by the office, with a mail)…"), permissions=["change"])
    def cancel_by_office(self, request, queryset):
        registrations = list(queryset.select_related("course", "user"))
        if "post" in request.POST:
            done = 0
            for registration in registrations:
                try:
                    services.cancel_registration(registration=registration, by_office=True)
                except TrainingError as error:
                    self.message_user(
                        request, f"{self.person(registration)}: {error.message}", messages.WARNING
                    )
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d registration cancelled; the person was told, a freed seat "
                        "went to the waiting list.",
                        "%(count)d registrations cancelled; the people were told, freed seats "
                        "went to the waiting list.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/trainings/registration/cancel_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Cancel registrations"),
                "opts": self.model._meta,
                "registrations": registrations,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Export the selected as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return participant_export.csv_response(queryset)


# --- Certificates, wishes, feedback (read only) -------------------------------------------------


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["code", "holder_name", "course_title", "hours", "issued"]
    search_fields = ["code", "holder_name", "course_title"]
    fields = [
        "code",
        "holder_name",
        "course_title",
        "dates_text",
        "hours",
        "issued_at",
        "public_check",
    ]
    readonly_fields = fields

    @admin.display(description=_("issued on"), ordering="issued_at")
    def issued(self, obj):
        return _local(obj.issued_at, "%d.%m.%Y")

    @admin.display(description=_("public check"))
    def public_check(self, obj):
        url = reverse("trainings:verify_code", args=[obj.code])
        pdf = reverse("admin:trainings_certificate_pdf", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>', url, url, pdf, gettext("PDF to print")
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="trainings_certificate_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk: int):
        """The certificate as the holder gets it, for the office to print or send."""
        return admin_views.certificate_pdf(request, self, pk)


@admin.register(CourseWish)
class CourseWishAdmin(ReadOnlyAdmin):
    list_display = ["created", "topic", "short_text", "notify", "notified"]
    list_filter = ["topic", "notify", ("notified_at", admin.EmptyFieldListFilter)]
    search_fields = ["text"]
    list_select_related = ["topic", "notified_course"]
    fields = ["created_at", "topic", "text", "notify", "notified_at", "notified_course"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic", "notified_course")

    @admin.display(description=_("sent on"), ordering="created_at")
    def created(self, obj):
        return _local(obj.created_at, "%d.%m.%Y")

    @admin.display(description=_("wish"))
    def short_text(self, obj):
        return (obj.text[:80] + "…") if len(obj.text) > 80 else obj.text or "–"

    @admin.display(description=_("notified on"), ordering="notified_at")
    def notified(self, obj):
        return _local(obj.notified_at, "%d.%m.%Y")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["course", "rating", "short_comment", "given"]
    list_filter = ["rating", ("registration__course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["comment", "registration__course__title"]
    fields = ["course", "rating", "comment", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registration__course")

    @admin.display(description=_("course"), ordering="registration__course__title")
    def course(self, obj):
        return obj.registration.course.title

    @admin.display(description=_("comment"))
    def short_comment(self, obj):
        return (obj.comment[:80] + "…") if len(obj.comment) > 80 else obj.comment or "–"

    @admin.display(description=_("given on"), ordering="created_at")
    def given(self, obj):
        return _local(obj.created_at, "%d.%m.%Y")
