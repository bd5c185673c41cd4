"""Newsletter in admin (group Redaktion): write an issue, preview it, send a test to myself,
schedule, send now, cancel; subscribers with their consent evidence (read-only); segments.

The buttons on an issue's page post to views of their own (IssueAdmin.get_urls); each calls
the same service as everything else and needs the permission "send newsletter issues".
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import rendering, services
from .exceptions import NewsletterError
from .models import Issue, Segment, Subscription

SEND_PERMISSION = "newsletter.send_issue"


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "consent_text_version",
    ]
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("unsubscribed_at", admin.EmptyFieldListFilter),
        "segments",
    ]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email",
        "user",
        "segments",
        "amt",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "consent_text_version",
        "privacy_notice_version",
        "ip_address",
        "unsubscribed_at",
        "last_owner_notice_at",
    ]
    # The consent evidence is the person's and the service's record: staff read it only.
    readonly_fields = [
        "email",
        "user",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "consent_text_version",
        "privacy_notice_version",
        "ip_address",
        "unsubscribed_at",
        "last_owner_notice_at",
    ]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False  # people sign up themselves (double opt-in), never staff for them


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        help_text=_("Local time."),
    )


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "state", "scheduled_at", "finished_at", "recipient_count"]
    list_filter = ["state"]
    search_fields = ["subject"]
    filter_horizontal = ["segments", "amts"]
    fields = [
        "subject",
        "body",
        "segments",
        "amts",
        "include_news",
        "include_deadlines",
        "include_courses",
        "state",
        "scheduled_at",
        "started_at",
        "finished_at",
        "recipient_count",
        "progress",
        "created_by",
    ]
    status_fields = [
        "state",
        "scheduled_at",
        "started_at",
        "finished_at",
        "recipient_count",
        "progress",
        "created_by",
    ]
    change_form_template = "admin/newsletter/issue/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state not in services.STARTABLE:
            # What went out stays as it went out.
            return [*self.fields]
        return self.status_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state in (Issue.State.SENDING, Issue.State.SENT):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if obj is None or obj.pk is None or obj.state in services.STARTABLE:
            return "–"
        counts = services.progress(obj)
        return format_html(
            "{}: {} · {}: {} · {}: {} · {}: {} · {}: {}",
            gettext("mails"),
            counts["total"],
            gettext("queued"),
            counts["queued"] + counts["sending"],
            gettext("sent"),
            counts["sent"],
            gettext("failed"),
            counts["failed"],
            gettext("cancelled"),
            counts["cancelled"],
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/vorschau/",
                self.admin_site.admin_view(self.preview_view),
                name="newsletter_issue_preview",
            ),
            path(
                "<int:pk>/test/",
                self.admin_site.admin_view(require_POST(self.test_view)),
                name="newsletter_issue_test",
            ),
            path(
                "<int:pk>/planen/",
                self.admin_site.admin_view(self.schedule_view),
                name="newsletter_issue_schedule",
            ),
            path(
                "<int:pk>/senden/",
                self.admin_site.admin_view(require_POST(self.send_view)),
                name="newsletter_issue_send",
            ),
            path(
                "<int:pk>/absagen/",
                self.admin_site.admin_view(require_POST(self.cancel_view)),
                name="newsletter_issue_cancel",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_send": request.user.has_perm(SEND_PERMISSION),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _issue(self, request, pk, *, send=False) -> Issue:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if send and not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(Issue, pk=pk)

    def _back(self, issue: Issue):
        return redirect(reverse("admin:newsletter_issue_change", args=[issue.pk]))

    def preview_view(self, request, pk):
        """The mail as it goes out now, with a sample salutation and links."""
        issue = self._issue(request, pk)
        if issue.state in services.STARTABLE:
            html = rendering.render_issue(issue).html
        else:
            html = issue.rendered_html  # exactly what went out
        sample = rendering.personalise(
            html,
            salutation=rendering.salutation(request.user.first_name, request.user.last_name),
            unsubscribe_url=reverse("newsletter:subscribe"),
            settings_url=reverse("newsletter:subscribe"),
            html=True,
        )
        response = HttpResponse(sample)
        # The mail's inline styles are allowed on this page only; its links do not run scripts.
        response._csp_update = {"style-src": ["'unsafe-inline'"]}
        response["Cache-Control"] = "private, no-store"
        return response

    def test_view(self, request, pk):
        issue = self._issue(request, pk, send=True)
        services.send_test(issue=issue, user=request.user)
        messages.success(
            request,
            gettext("A test is on its way to %(email)s.") % {"email": request.user.email},
        )
        return self._back(issue)

    def schedule_view(self, request, pk):
        issue = self._issue(request, pk, send=True)
        form = ScheduleForm(
            request.POST if request.method == "POST" else None,
            initial={"at": timezone.localtime(issue.scheduled_at) if issue.scheduled_at else None},
        )
        if form.is_bound and form.is_valid():
            try:
                services.schedule(issue=issue, at=form.cleaned_data["at"])
            except NewsletterError as error:
                form.add_error("at", error.message)
            else:
                messages.success(request, gettext("The issue is scheduled."))
                return self._back(issue)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Schedule: %(subject)s") % {"subject": issue.subject},
            "opts": Issue._meta,
            "issue": issue,
            "form": form,
        }
        return TemplateResponse(request, "admin/newsletter/issue/schedule.html", context)

    def send_view(self, request, pk):
        issue = self._issue(request, pk, send=True)
        try:
            services.start_sending(issue=issue)
        except NewsletterError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("Sending has started."))
        return self._back(issue)

    def cancel_view(self, request, pk):
        issue = self._issue(request, pk, send=True)
        try:
            services.cancel(issue=issue)
        except NewsletterError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("The scheduled issue is cancelled."))
        return self._back(issue)
