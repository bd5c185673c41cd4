"""The Infothek in admin, for the group Redaktion: topics, guides, funding programmes, news,
FAQ and the files to download.

Staff write in Markdown with a live preview under each text (portal.admin_views). Every item
is a draft, scheduled, published or archived (the model's `state`); the actions publish now,
archive and back to draft call infothek.services. Saving an item keeps its search entry
current (services.refresh_search_vector, after its topics are saved). "View on site" opens
the public page, where staff also see drafts with a preview note. Guides not checked for 12
months are counted above their list and found with the filter "review due". Uploads are
checked by content (admin_forms.DownloadForm). Model permissions decide who sees anything.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.admin_base import ModelAdmin
from portal.admin_views import MarkdownPreviewMixin

from . import services
from .admin_forms import DownloadForm
from .models import Download, FundingProgramme, Guide, NewsItem, Publishable, Question, Topic

REVIEW_DAYS = 365  # a guide not checked for this long is due again (Guide.review_due)


# --- Filters ----------------------------------------------------------------------------------


class StateFilter(admin.SimpleListFilter):
    """Draft, scheduled (published, date still ahead), published (public now), archived."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("draft")),
            ("scheduled", _("scheduled")),
            ("published", _("published")),
            ("archived", _("archived")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Publishable.Status.PUBLISHED
        match self.value():
            case "draft":
                return queryset.filter(status=Publishable.Status.DRAFT)
            case "scheduled":
                return queryset.filter(status=published, publish_at__gt=now)
            case "published":
                return queryset.filter(status=published, publish_at__lte=now)
            case "archived":
                return queryset.filter(status=Publishable.Status.ARCHIVED)
        return queryset


def review_due_before():
    return timezone.localdate() - timedelta(days=REVIEW_DAYS)


def guides_due():
    """Guides still in use (not archived) not checked for 12 months: counted for staff."""
    return Guide.objects.filter(reviewed_on__lte=review_due_before()).exclude(
        status=Guide.Status.ARCHIVED
    )


class ReviewDueFilter(admin.SimpleListFilter):
    """Guides whose "zuletzt geprüft" lies 12 months or more back."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("review due (over 12 months)")), ("current", _("checked recently"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(reviewed_on__lte=review_due_before())
        if self.value() == "current":
            return queryset.filter(reviewed_on__gt=review_due_before())
        return queryset


# --- What every written item shares -----------------------------------------------------------


class PublishableAdmin(MarkdownPreviewMixin, ModelAdmin):
    """States, the publishing actions, the preview and the search entry."""

    actions = ["publish_now", "archive", "back_to_draft"]
    save_on_top = True
    publishing_fieldset = (
        _("Publishing"),
        {
            "fields": ["status", "publish_at"],
            "description": _(
                "Only published items are public, from their publication date on (scheduled "
                "until then). Drafts can be previewed with “View on site”."
            ),
        },
    )

    @admin.display(description=_("state"), ordering="status")
    def state_label(self, obj):
        return {
            "draft": gettext("draft"),
            "scheduled": gettext("scheduled"),
            "published": gettext("published"),
            "archived": gettext("archived"),
        }[obj.state]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the topics are saved: the search finds the item as it is now.
        services.refresh_search_vector(item=form.instance)

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        count = services.publish_now(items=queryset)
        self.message_user(
            request,
            ngettext("%(count)d item published.", "%(count)d items published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Archive (take off the site)"), permissions=["change"])
    def archive(self, request, queryset):
        count = services.archive(items=queryset)
        self.message_user(
            request,
            ngettext("%(count)d item archived.", "%(count)d items archived.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Back to draft"), permissions=["change"])
    def back_to_draft(self, request, queryset):
        count = services.back_to_draft(items=queryset)
        self.message_user(
            request,
            ngettext("%(count)d item is a draft again.", "%(count)d items are drafts again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


# --- Topics and downloads ---------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(ModelAdmin):
    list_display = ["name", "name_en", "order"]
    list_editable = ["order"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # The address is part of links people keep; it is chosen once.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields


@admin.register(Download)
class DownloadAdmin(ModelAdmin):
    form = DownloadForm
    list_display = ["title", "kind", "file_size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    readonly_fields = ["kind", "file_size", "uploaded_at"]
    fields = ["title", "file", "kind", "file_size", "uploaded_at"]

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj):
        return filesizeformat(obj.size) if obj.size is not None else "–"

    # A replaced or deleted file leaves no copy behind (once the change is committed).

    def save_model(self, request, obj, form, change):
        replaced = None
        if change and "file" in form.changed_data:
            replaced = Download.objects.filter(pk=obj.pk).values_list("file", flat=True).first()
        super().save_model(request, obj, form, change)
        if replaced and replaced != obj.file.name:
            _remove_files_after_commit([replaced])

    def delete_model(self, request, obj):
        name = obj.file.name
        super().delete_model(request, obj)
        _remove_files_after_commit([name])

    def delete_queryset(self, request, queryset):
        names = list(queryset.values_list("file", flat=True))
        super().delete_queryset(request, queryset)
        _remove_files_after_commit(names)


def _remove_files_after_commit(names) -> None:
    storage = Download._meta.get_field("file").storage

    def remove():
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(remove)


# --- Guides -----------------------------------------------------------------------------------


@admin.register(Guide)
class GuideAdmin(PublishableAdmin):
    list_display = ["title", "state_label", "publish_at", "audience", "reviewed_on"]
    list_filter = [StateFilter, ReviewDueFilter, "topics", "audience"]
    search_fields = ["title", "title_en", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    actions = [*PublishableAdmin.actions, "mark_reviewed"]
    filter_horizontal = ["related_guides", "downloads"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "topics", "audience"]}),
        (_("English (optional)"), {"fields": ["title_en", "summary_en", "body_en"]}),
        PublishableAdmin.publishing_fieldset,
        (
            _("Review"),
            {
                "fields": ["reviewed_on"],
                "description": _(
                    "Shown as “zuletzt geprüft am”. A guide not checked for 12 months appears "
                    "in the list of guides due for review."
                ),
            },
        ),
        (
            _("Related"),
            {"fields": ["related_guides", "advice_topics", "course_topics", "downloads"]},
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("topics", "advice_topics", "course_topics"):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.action(description=_("Mark as reviewed today"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = services.mark_reviewed(guides=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d guide marked as reviewed today.",
                "%(count)d guides marked as reviewed today.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "review_due_count": guides_due().count(),
            "review_due_url": reverse("admin:infothek_guide_changelist")
            + f"?{ReviewDueFilter.parameter_name}=due",
        }
        return super().changelist_view(request, extra_context)


# --- Funding programmes -----------------------------------------------------------------------


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(PublishableAdmin):
    list_display = [
        "title",
        "funder",
        "deadline_label",
        "state_label",
        "publish_at",
        "reminder_count",
    ]
    list_filter = [StateFilter, "funder_type", "topics"]
    search_fields = ["title", "title_en", "funder", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "topics"]}),
        (_("Funder"), {"fields": ["funder", "funder_type", "official_url"]}),
        (
            _("What is funded, for whom, how much"),
            {
                "fields": [
                    "body",
                    "who_may_apply",
                    ("amount_min", "amount_max"),
                    "own_contribution",
                    "deadline",
                ]
            },
        ),
        (_("English (optional)"), {"fields": ["title_en", "summary_en", "body_en"]}),
        PublishableAdmin.publishing_fieldset,
    ]

    def get_queryset(self, request):
        # Who asked for a reminder is theirs: the office sees only how many did.
        return super().get_queryset(request).annotate(reminders_asked=Count("reminders"))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "topics":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "official_url":
            kwargs["assume_scheme"] = "https"  # an address typed without a scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("deadline"), ordering="deadline")
    def deadline_label(self, obj):
        return obj.deadline or gettext("rolling")

    @admin.display(description=_("reminders asked for"), ordering="reminders_asked")
    def reminder_count(self, obj):
        return obj.reminders_asked


# --- News and FAQ -----------------------------------------------------------------------------


@admin.register(NewsItem)
class NewsItemAdmin(PublishableAdmin):
    list_display = ["title", "state_label", "publish_at"]
    list_filter = [StateFilter, "topics"]
    search_fields = ["title", "title_en", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "topics"]}),
        (_("English (optional)"), {"fields": ["title_en", "summary_en", "body_en"]}),
        PublishableAdmin.publishing_fieldset,
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "topics":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(PublishableAdmin):
    list_display = ["title", "topic", "order", "state_label", "publish_at"]
    list_filter = [StateFilter, "topic"]
    list_select_related = ["topic"]
    search_fields = ["title", "title_en", "body"]
    fieldsets = [
        (None, {"fields": ["title", "body", "topic", "order"]}),
        (_("English (optional)"), {"fields": ["title_en", "body_en"]}),
        PublishableAdmin.publishing_fieldset,
    ]

    def view_on_site(self, obj):
        # Questions have no page of their own: the FAQ page shows them by topic.
        return reverse("infothek:faq")
