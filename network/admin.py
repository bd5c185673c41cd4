"""The directory in admin, for the group Vernetzung: entries, moderation, import and export.

Every decision (approve, reject, hide, unhide, merge, confirm) calls the same service as the
site; a reason for a rejection is asked on a page of its own. Edits made here join the
entry's history as the office's. Model permissions decide who sees what: claims and interests
hold personal data and are for Vernetzung only.
"""

import io
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from portal.addresses import EmailAddressField
from portal.admin_base import ModelAdmin

from . import association_export, association_import, services
from .exceptions import DirectoryError, ImportFileError, LogoError
from .logos import process_logo
from .models import (
    Amt,
    Association,
    AssociationChange,
    Category,
    ChangeRequest,
    Claim,
    Interest,
    Invitation,
    Municipality,
    Opportunity,
    Representative,
)

REASON_MAX_LENGTH = Claim._meta.get_field("reason").max_length
HISTORY_SHOWN = 20  # the newest changes on an entry's page; the history list has them all
QUEUE_SHOWN = 20  # the oldest waiting items per queue on the moderation page
IMPORT_KEPT_SECONDS = 60 * 60  # an uploaded file waits this long for "import now"


# --- Ämter and municipalities -----------------------------------------------------------------


@admin.register(Amt)
class AmtAdmin(ModelAdmin):
    list_display = ["name", "code", "seat"]
    search_fields = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(ModelAdmin):
    list_display = ["name", "ags", "amt", "kind", "source"]
    list_filter = ["kind", "source", "amt"]
    search_fields = ["name", "ags"]
    list_select_related = ["amt"]


# --- Shared pieces ----------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the requester reads it in the mail)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )


def _back(request):
    """A redirect to the page the decision was made on (the entry's page), if it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return None


class DecisionsMixin:
    """Approve and reject actions for things that wait for the office, through the services.

    Rejecting asks for a reason on an intermediate page (like Django's delete confirmation);
    each item is decided in its own transaction, so one already decided elsewhere is reported
    and the others go on.
    """

    decision_template = "admin/network/reject.html"
    change_form_template = "admin/network/decision_change_form.html"

    def approve(self, obj, staff):  # pragma: no cover - each admin says how
        raise NotImplementedError

    def reject(self, obj, staff, reason):  # pragma: no cover
        raise NotImplementedError

    def is_pending(self, obj) -> bool:  # pragma: no cover
        raise NotImplementedError

    @admin.action(description=_("Approve selected"), permissions=["change"])
    def approve_selected(self, request, queryset):
        done = self._decide(request, queryset, lambda obj: self.approve(obj, request.user))
        if done:
            self.message_user(
                request,
                ngettext("%d approved.", "%d approved.", done) % done,
                messages.SUCCESS,
            )
        return _back(request)

    @admin.action(description=_("Reject selected (with a reason)…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        form = ReasonForm(request.POST if "post" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = self._decide(
                request, queryset, lambda obj: self.reject(obj, request.user, reason)
            )
            if done:
                self.message_user(
                    request,
                    ngettext("%d rejected.", "%d rejected.", done) % done,
                    messages.SUCCESS,
                )
            return _back(request)
        return TemplateResponse(
            request,
            self.decision_template,
            {
                **self.admin_site.each_context(request),
                "title": gettext("Reject with a reason"),
                "opts": self.model._meta,
                "objects": list(queryset),
                "form": form,
                "action": "reject_selected",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "next": request.POST.get("next", ""),
            },
        )

    def _decide(self, request, queryset, decide) -> int:
        done = 0
        for obj in queryset:
            try:
                decide(obj)
            except DirectoryError as error:
                self.message_user(request, f"{obj}: {error.message}", messages.WARNING)
            else:
                done += 1
        return done

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["pending"] = obj is not None and self.is_pending(obj)
        context["can_decide"] = self.has_change_permission(request, obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


class ReadOnlyMixin:
    """Shown, never changed in admin (the services write these rows)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Associations -----------------------------------------------------------------------------


class NoRepresentativeFilter(admin.SimpleListFilter):
    title = _("representatives")
    parameter_name = "represented"

    def lookups(self, request, model_admin):
        return [("no", _("no representative")), ("yes", _("with representatives"))]

    def queryset(self, request, queryset):
        represented = Exists(Representative.objects.filter(association=OuterRef("pk")))
        if self.value() == "no":
            return queryset.filter(~represented)
        if self.value() == "yes":
            return queryset.filter(represented)
        return queryset


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # an address typed without a scheme
    return db_field.formfield(**kwargs)


class AssociationForm(forms.ModelForm):
    new_logo = forms.FileField(
        label=_("new logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB; stored as a re-encoded WebP."),
    )
    remove_logo = forms.BooleanField(label=_("remove the logo"), required=False)

    class Meta:
        model = Association
        fields = [
            "name",
            "description",
            "categories",
            "municipality",
            "street",
            "postal_code",
            "meeting_place",
            "meeting_times",
            "contact_name",
            "email",
            "phone",
            "website",
            "latitude",
            "longitude",
            "seeks_volunteers",
            "register_number",
            "verified",
        ]
        widgets = {"categories": forms.CheckboxSelectMultiple}
        formfield_callback = _formfield

    def clean_new_logo(self):
        upload = self.cleaned_data.get("new_logo")
        if not upload:
            return None
        try:
            return process_logo(upload)
        except LogoError as error:
            raise forms.ValidationError(error.message) from None


class RepresentativeForm(forms.ModelForm):
    """A person is named by their account's e-mail address (staff of Vernetzung do not see the
    account list); an existing link is shown, not changed."""

    email = EmailAddressField(label=_("e-mail address of the person's account"))

    class Meta:
        model = Representative
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True

    def clean_email(self):
        email = self.cleaned_data["email"]
        if self.instance.pk:
            return email
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("There is no account with this address; the person signs up first.")
            )
        self.instance.user = user
        return email

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        # In the entry's page the association is set already; on its own, it is a field.
        association = cleaned.get("association")
        association_id = association.pk if association else instance.association_id
        if (
            not instance.pk
            and instance.user_id
            and association_id
            and Representative.objects.filter(
                association_id=association_id, user_id=instance.user_id
            ).exists()
        ):
            self.add_error("email", _("This person already represents the association."))
        return cleaned


class RepresentativeFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            user_id = form.instance.user_id
            if user_id in seen:
                form.add_error("email", _("This person is named twice."))
            seen.add(user_id)


class RepresentativeInline(admin.TabularInline):
    model = Representative
    form = RepresentativeForm
    formset = RepresentativeFormSet
    fields = ["email", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0
    verbose_name_plural = _("representatives (they edit the entry on the site)")

    def get_queryset(self, request):
        # The row's title shows the person and the association: both loaded with the row.
        return super().get_queryset(request).select_related("user", "association")


class RecentFormSet(BaseInlineFormSet):
    """Only the newest changes: an old entry's history has hundreds."""

    def get_queryset(self):
        if not hasattr(self, "_recent"):
            self._recent = super().get_queryset()[:HISTORY_SHOWN]
        return self._recent


class HistoryInline(admin.TabularInline):
    model = AssociationChange
    formset = RecentFormSet
    fields = ["changed_at", "field", "old_value", "new_value", "source", "changed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-changed_at", "-id"]
    verbose_name_plural = _("history: the newest changes (all of them under “history of changes”)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by", "association")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OpportunityInline(admin.TabularInline):
    model = Opportunity
    fields = ["title", "commitment", "starts_on", "ends_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Association)
class AssociationAdmin(DecisionsMixin, ModelAdmin):
    form = AssociationForm
    list_display = [
        "name",
        "municipality",
        "status",
        "verified",
        "last_confirmed_at",
        "representative_count",
    ]
    list_filter = [
        "status",
        "hidden_reason",
        "categories",
        "municipality__amt",
        "verified",
        NoRepresentativeFilter,
    ]
    search_fields = ["name", "register_number", "email"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
    readonly_fields = [
        "status",
        "hidden_reason",
        "slug",
        "logo_shown",
        "last_confirmed_at",
        "confirmation_requested_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "description", "categories", "municipality"]}),
        (
            _("Place and meetings"),
            {"fields": ["street", "postal_code", "meeting_place", "meeting_times"]},
        ),
        (
            _("Contact (published as far as filled in)"),
            {"fields": ["contact_name", "email", "phone", "website"]},
        ),
        (_("Logo"), {"fields": ["logo_shown", "new_logo", "remove_logo"]}),
        (
            _("Map"),
            {
                "fields": ["latitude", "longitude"],
                "description": _("A precise point; without it, the municipality's is used."),
            },
        ),
        (
            _("For the office"),
            {"fields": ["seeks_volunteers", "register_number", "verified"]},
        ),
        (
            _("State"),
            {
                "fields": [
                    "status",
                    "hidden_reason",
                    "slug",
                    "last_confirmed_at",
                    "confirmation_requested_at",
                    "created_by",
                    "created_at",
                    "updated_at",
                ],
                "description": _(
                    "Changed only by the actions in the list: approve, reject, hide, show "
                    "again, confirm as current, merge."
                ),
            },
        ),
    ]
    inlines = [RepresentativeInline, OpportunityInline, HistoryInline]
    actions = [
        "approve_selected",
        "reject_selected",
        "hide_selected",
        "unhide_selected",
        "confirm_selected",
        "merge_selected",
        "export_selected",
    ]
    change_form_template = "admin/network/association/change_form.html"
    change_list_template = "admin/network/association/change_list.html"

    def get_queryset(self, request):
        # A subquery, not a join: the list's counts stay plain counts of entries.
        representatives = (
            Representative.objects.filter(association=OuterRef("pk"))
            .order_by()
            .values("association")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(representative_count=Coalesce(Subquery(representatives), 0))
        )

    @admin.display(description=_("representatives"), ordering="representative_count")
    def representative_count(self, obj):
        return obj.representative_count

    @admin.display(description=_("logo"))
    def logo_shown(self, obj):
        if not obj.logo:
            return "–"
        return format_html('<img src="{}" alt="" width="120">', obj.logo.url)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # an address typed without one
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # a new entry has no state yet: it is published when saved
            return [fieldset for fieldset in self.fieldsets if fieldset[0] != _("State")]
        return self.fieldsets

    # Decisions on proposals ------------------------------------------------------------------

    def approve(self, obj, staff):
        services.approve_proposal(association=obj, staff=staff)

    def reject(self, obj, staff, reason):
        services.reject_proposal(association=obj, staff=staff, reason=reason)

    def is_pending(self, obj):
        return obj.status == Association.Status.PROPOSED

    @admin.action(description=_("Approve selected proposals (publish)"), permissions=["change"])
    def approve_selected(self, request, queryset):
        return super().approve_selected(request, queryset)

    @admin.action(
        description=_("Reject selected proposals (with a reason)…"), permissions=["change"]
    )
    def reject_selected(self, request, queryset):
        return super().reject_selected(request, queryset)

    @admin.action(description=_("Hide selected from the public directory"), permissions=["change"])
    def hide_selected(self, request, queryset):
        done = sum(services.hide(association=a, staff=request.user) for a in queryset)
        self._report(request, done, len(queryset), _("hidden"))

    @admin.action(description=_("Show selected again"), permissions=["change"])
    def unhide_selected(self, request, queryset):
        done = sum(services.unhide(association=a, staff=request.user) for a in queryset)
        self._report(request, done, len(queryset), _("shown again"))

    @admin.action(description=_("Confirm selected as current"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        for association in queryset:
            services.confirm_current(
                association=association,
                user=request.user,
                source=AssociationChange.Source.STAFF,
            )
        self._report(request, len(queryset), len(queryset), _("confirmed as current"))
        return _back(request)

    def _report(self, request, done, selected, what):
        self.message_user(
            request,
            gettext("%(done)d of %(selected)d %(what)s.")
            % {"done": done, "selected": selected, "what": what},
            messages.SUCCESS if done == selected else messages.WARNING,
        )

    @admin.action(description=_("Merge two selected duplicates…"), permissions=["change"])
    def merge_selected(self, request, queryset):
        entries = list(queryset.order_by("pk"))
        if len(entries) != 2:
            self.message_user(
                request,
                gettext("Select exactly two entries to merge (you selected %(count)d).")
                % {"count": len(entries)},
                messages.ERROR,
            )
            return None
        survivor_id = request.POST.get("survivor", "")
        if "post" in request.POST and survivor_id in {str(e.pk) for e in entries}:
            survivor = next(e for e in entries if str(e.pk) == survivor_id)
            duplicate = next(e for e in entries if e is not survivor)
            try:
                services.merge_associations(
                    survivor=survivor, duplicate=duplicate, staff=request.user
                )
            except DirectoryError as error:
                self.message_user(request, error.message, messages.ERROR)
                return None
            self.message_user(
                request,
                gettext("%(duplicate)s was merged into %(survivor)s.")
                % {"duplicate": duplicate, "survivor": survivor},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:network_association_change", args=[survivor.pk])
            )
        return TemplateResponse(
            request,
            "admin/network/association/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Merge two entries"),
                "opts": self.model._meta,
                "entries": entries,
                "missing_choice": "post" in request.POST,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Export selected as CSV"), permissions=["view"])
    def export_selected(self, request, queryset):
        return _csv_response(queryset)

    # Staff edits join the history --------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.slug = services.unique_slug(obj.name, obj.municipality)
            obj.status = Association.Status.PUBLISHED
            obj.last_confirmed_at = timezone.now()  # the office just entered it
        form.old_logo = obj.logo.name if change else ""
        if form.cleaned_data.get("new_logo"):
            obj.logo.save("logo.webp", form.cleaned_data["new_logo"], save=False)
        elif form.cleaned_data.get("remove_logo"):
            obj.logo = ""
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Representative:
            form.representative_changes = [
                ("representative", "", str(r.user)) for r in formset.new_objects
            ] + [("representative", str(r.user), "") for r in formset.deleted_objects]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes = _field_changes(form) if change else []
        if form.instance.logo.name != getattr(form, "old_logo", ""):
            changes.append(("logo", form.old_logo, form.instance.logo.name))
        changes += getattr(form, "representative_changes", [])
        services.record_staff_edit(
            association=form.instance, staff=request.user, changes=changes, created=not change
        )

    # Pages of their own: moderation, import, export --------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("moderation/", wrap(self.moderation_view), name="network_moderation"),
            path("import/", wrap(self.import_view), name="network_association_import"),
            path("export/", wrap(self.export_view), name="network_association_export"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["claims"] = (
                list(obj.claims.filter(status=Claim.Status.PENDING).select_related("user"))
                if request.user.has_perm("network.view_claim")
                else None
            )
            context["change_requests"] = (
                list(
                    obj.change_requests.filter(status=ChangeRequest.Status.PENDING).select_related(
                        "requested_by"
                    )
                )
                if request.user.has_perm("network.view_changerequest")
                else None
            )
            context["history_count"] = obj.history.count()
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def moderation_view(self, request):
        queues = []
        user = request.user
        # Deciding is changing: staff who may only read entries (Beratung) have no queue here.
        if user.has_perm("network.change_association"):
            proposals = Association.objects.filter(status=Association.Status.PROPOSED)
            queues.append(
                _queue(
                    _("Proposed associations"),
                    proposals.select_related("municipality", "created_by").order_by("created_at"),
                    "association",
                    "status__exact=proposed",
                    lambda a: a.created_by,
                    lambda a: a.created_at,
                )
            )
        if user.has_perm("network.view_claim"):
            queues.append(
                _queue(
                    _("Requests to represent"),
                    Claim.objects.filter(status=Claim.Status.PENDING)
                    .select_related("association", "user")
                    .order_by("created_at"),
                    "claim",
                    "status__exact=pending",
                    lambda c: c.user,
                    lambda c: c.created_at,
                )
            )
        if user.has_perm("network.view_changerequest"):
            queues.append(
                _queue(
                    _("Change requests"),
                    ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)
                    .select_related("association", "requested_by")
                    .order_by("created_at"),
                    "changerequest",
                    "status__exact=pending",
                    lambda c: c.requested_by,
                    lambda c: c.created_at,
                )
            )
        if not queues:
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/network/moderation.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Moderation"),
                "opts": self.model._meta,
                "queues": queues,
            },
        )

    def export_view(self, request):
        # The whole directory in a file is for the people who run it, not for every reader.
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)  # the list's filters and search
        except IncorrectLookupParameters:
            # As the list itself answers a filter it does not know.
            return HttpResponseRedirect(reverse("admin:network_association_changelist") + "?e=1")
        return _csv_response(changelist.get_queryset(request))

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import associations from CSV"),
            "opts": self.model._meta,
            "columns": association_import.COLUMNS,
            "max_mb": association_import.MAX_UPLOAD_BYTES // (1024 * 1024),
        }
        form = ImportForm()
        if request.method == "POST" and "token" in request.POST:
            return self._import_confirmed(request, context)
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                name = upload.name.rsplit("/", 1)[-1][:100]
                try:
                    text = association_import.decode_upload(
                        upload.read(association_import.MAX_UPLOAD_BYTES + 1), file_name=name
                    )
                    report = association_import.import_text(
                        text=text, file_name=name, user=request.user, dry_run=True
                    )
                except ImportFileError as error:
                    context["errors"] = error.errors
                else:
                    token = secrets.token_urlsafe(24)
                    cache.set(
                        _import_key(request, token),
                        {"name": name, "text": text},
                        IMPORT_KEPT_SECONDS,
                    )
                    context |= {"report": report, "token": token, "file_name": name}
        context["form"] = form
        return TemplateResponse(request, "admin/network/association/import.html", context)

    def _import_confirmed(self, request, context):
        key = _import_key(request, request.POST["token"])
        kept = cache.get(key)
        if kept is None:
            self.message_user(
                request,
                gettext("The checked file is no longer there; please upload it again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:network_association_import"))
        try:
            report = association_import.import_text(
                text=kept["text"], file_name=kept["name"], user=request.user
            )
        except ImportFileError as error:
            # The entries changed since the dry run in a way the file now clashes with.
            context |= {"errors": error.errors, "form": ImportForm()}
            return TemplateResponse(request, "admin/network/association/import.html", context)
        cache.delete(key)
        self.message_user(
            request,
            gettext("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
            },
            messages.SUCCESS,
        )
        context |= {"report": report, "file_name": kept["name"], "form": ImportForm()}
        return TemplateResponse(request, "admin/network/association/import.html", context)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


def _import_key(request, token: str) -> str:
    # Bound to the person: another account cannot import a file it did not check.
    return f"network:import:{request.user.pk}:{token}"


def _csv_response(queryset) -> HttpResponse:
    stream = io.StringIO()
    association_export.write_csv(queryset, stream)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"vereine-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _queue(title, queryset, model_name, query, person, since) -> dict:
    changelist = reverse(f"admin:network_{model_name}_changelist")
    items = [
        {
            "obj": obj,
            "person": person(obj),
            "since": since(obj),
            "url": reverse(f"admin:network_{model_name}_change", args=[obj.pk]),
        }
        for obj in queryset[:QUEUE_SHOWN]
    ]
    return {
        "title": title,
        "count": queryset.count(),
        "items": items,
        "all_url": f"{changelist}?{query}",
    }


def _field_changes(form) -> list[tuple]:
    """(field, old, new) for each field the staff member changed; names for relations."""
    changes = []
    for name in form.changed_data:
        if name not in form.Meta.fields:
            continue  # the logo fields are recorded by what happened to the logo
        old, new = form.initial.get(name), form.cleaned_data.get(name)
        if name == "categories":
            old = {c.name for c in old or []}
            new = {c.name for c in new or []}
        elif name == "municipality":
            old = Municipality.objects.filter(pk=old).values_list("name", flat=True).first()
            new = new.name
        if old != new:
            changes.append((name, old, new))
    return changes


# --- Categories and representatives -----------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(ModelAdmin):
    list_display = ["name", "name_en", "slug", "order", "association_count"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["order", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(association_count=Count("associations"))

    @admin.display(description=_("associations"), ordering="association_count")
    def association_count(self, obj):
        return obj.association_count


class RepresentativeAdminForm(RepresentativeForm):
    class Meta:
        model = Representative
        fields = ["association"]


@admin.register(Representative)
class RepresentativeAdmin(ModelAdmin):
    form = RepresentativeAdminForm
    list_display = ["association", "user", "created_at"]
    search_fields = ["association__name", "user__email", "user__last_name"]
    list_select_related = ["association", "user"]
    autocomplete_fields = ["association"]
    readonly_fields = ["created_at"]

    def get_fields(self, request, obj=None):
        return ["association", "email", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["association", "created_at"] if obj else ["created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.record_staff_edit(
                association=obj.association,
                staff=request.user,
                changes=[("representative", "", str(obj.user))],
            )

    def delete_model(self, request, obj):
        self.delete_queryset(request, Representative.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        for representative in queryset.select_related("association", "user"):
            representative.delete()
            services.record_staff_edit(
                association=representative.association,
                staff=request.user,
                changes=[("representative", str(representative.user), "")],
            )


# --- Claims and change requests ---------------------------------------------------------------


@admin.register(Claim)
class ClaimAdmin(DecisionsMixin, ModelAdmin):
    list_display = ["association", "user", "status", "created_at", "code_sent_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["association__name", "user__email", "user__last_name"]
    list_select_related = ["association", "user"]
    fields = [
        "association_link",
        "user",
        "message",
        "status",
        "created_at",
        "code_sent_at",
        "code_attempts",
        "decided_by",
        "decided_at",
        "reason",
    ]
    readonly_fields = fields
    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def approve(self, obj, staff):
        services.approve_claim(claim=obj, staff=staff)

    def reject(self, obj, staff, reason):
        services.reject_claim(claim=obj, staff=staff, reason=reason)

    def is_pending(self, obj):
        return obj.status == Claim.Status.PENDING

    @admin.display(description=_("association"))
    def association_link(self, obj):
        return _association_link(obj.association)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(DecisionsMixin, ModelAdmin):
    list_display = ["association", "requested_by", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["association__name", "requested_by__email"]
    list_select_related = ["association", "requested_by"]
    fields = [
        "association_link",
        "requested_by",
        "proposed_changes",
        "proposed_logo",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "reason",
    ]
    readonly_fields = fields
    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def approve(self, obj, staff):
        services.approve_change_request(change_request=obj, staff=staff)

    def reject(self, obj, staff, reason):
        services.reject_change_request(change_request=obj, staff=staff, reason=reason)

    def is_pending(self, obj):
        return obj.status == ChangeRequest.Status.PENDING

    @admin.display(description=_("association"))
    def association_link(self, obj):
        return _association_link(obj.association)

    @admin.display(description=_("proposed changes (now → proposed)"))
    def proposed_changes(self, obj):
        association, changes = obj.association, obj.changes or {}
        rows = []
        if "name" in changes:
            rows.append((gettext("name"), association.name, changes["name"]))
        if "municipality" in changes:
            proposed = Municipality.objects.filter(pk=changes["municipality"]).first()
            rows.append(
                (
                    gettext("municipality"),
                    association.municipality.name,
                    proposed.name if proposed else gettext("(no longer exists)"),
                )
            )
        if "categories" in changes:
            now = ", ".join(c.name for c in association.categories.all())
            proposed = ", ".join(
                Category.objects.filter(pk__in=changes["categories"]).values_list("name", flat=True)
            )
            rows.append((gettext("categories"), now or "–", proposed or "–"))
        if obj.logo:
            rows.append((gettext("logo"), gettext("see below"), gettext("new logo")))
        if not rows:
            return "–"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("field"),
            gettext("now"),
            gettext("proposed"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("proposed logo"))
    def proposed_logo(self, obj):
        if not obj.logo:
            return "–"
        current = obj.association.logo
        return format_html(
            '{}<br><img src="{}" alt="{}" width="160">{}',
            gettext("Proposed:"),
            obj.logo.url,
            gettext("proposed logo"),
            format_html(
                '<br>{}<br><img src="{}" alt="{}" width="160">',
                gettext("Now:"),
                current.url,
                gettext("current logo"),
            )
            if current
            else "",
        )


def _association_link(association):
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:network_association_change", args=[association.pk]),
        association,
    )


# --- History, invitations, opportunities, interests -------------------------------------------


@admin.register(AssociationChange)
class AssociationChangeAdmin(ReadOnlyMixin, ModelAdmin):
    list_display = ["changed_at", "association", "field", "old_short", "new_short", "source"]
    list_filter = ["source", "field"]
    search_fields = ["association__name", "field", "old_value", "new_value"]
    list_select_related = ["association"]
    fields = [
        "association",
        "changed_at",
        "changed_by",
        "source",
        "field",
        "old_value",
        "new_value",
    ]
    readonly_fields = fields
    date_hierarchy = "changed_at"

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who changed what stays

    @admin.display(description=_("before"))
    def old_short(self, obj):
        return _short(obj.old_value)

    @admin.display(description=_("after"))
    def new_short(self, obj):
        return _short(obj.new_value)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyMixin, ModelAdmin):
    """Delete an invitation to withdraw it; its link (only a hash is stored) is never shown."""

    list_display = ["email", "association", "invited_by", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "association__name"]
    list_select_related = ["association", "invited_by"]
    fields = ["association", "email", "invited_by", "created_at", "expires_at", "accepted_at"]
    readonly_fields = fields


@admin.register(Opportunity)
class OpportunityAdmin(ModelAdmin):
    list_display = ["title", "association", "municipality", "commitment", "starts_on", "ends_on"]
    list_filter = ["commitment", "remote", "category"]
    search_fields = ["title", "association__name"]
    list_select_related = ["association", "municipality"]
    autocomplete_fields = ["association", "municipality"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.refresh_opportunity_search_vector(opportunity=obj)


@admin.register(Interest)
class InterestAdmin(ReadOnlyMixin, ModelAdmin):
    """A volunteer's message and address: personal data, for Vernetzung only."""

    list_display = ["opportunity", "association", "user", "created_at"]
    search_fields = ["opportunity__title", "opportunity__association__name", "user__email"]
    list_select_related = ["opportunity__association", "user"]
    fields = ["opportunity", "user", "message", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("association"))
    def association(self, obj):
        return obj.opportunity.association
