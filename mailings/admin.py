from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import health, services, visibility
from .models import AddressHealth, Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "bulk", "language", "template"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [f.name for f in Email._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # Mails of an app's cases only for staff who may see those cases (mailings.visibility).
        return super().get_queryset(request).exclude(visibility.hidden_from(request.user))

    def get_fields(self, request, obj=None):
        fields = [f.name for f in Email._meta.fields]
        if obj is not None and obj.sensitive:
            # A verification or reset link would let staff act as the person.
            fields = [f for f in fields if f not in ("body_text", "body_html", "headers")]
        return fields

    @admin.action(description=_("Send selected failed e-mails again"), permissions=["change"])
    def resend(self, request, queryset):
        emails = [email for email in queryset if services.requeue(email=email)]
        self.message_user(
            request,
            ngettext("%d e-mail queued again.", "%d e-mails queued again.", len(emails))
            % len(emails),
            messages.SUCCESS,
        )


@admin.register(AddressHealth)
class AddressHealthAdmin(admin.ModelAdmin):
    """Addresses with permanent delivery failures; blocked ones get no newsletter until reset."""

    list_display = ["address", "permanent_failures", "blocked_since", "last_failure_at"]
    list_filter = [("blocked_since", admin.EmptyFieldListFilter)]
    search_fields = ["address"]
    actions = ["reset"]
    readonly_fields = [f.name for f in AddressHealth._meta.fields]

    def has_add_permission(self, request):
        return False  # rows come from delivery failures

    @admin.action(
        description=_("Reset: send bulk mail to the selected addresses again"),
        permissions=["change"],
    )
    def reset(self, request, queryset):
        rows = list(queryset)
        count = health.reset(rows=AddressHealth.objects.filter(pk__in=[row.pk for row in rows]))
        for row in rows:
            self.log_change(request, row, [{"changed": {"fields": ["blocked_since"]}}])
        self.message_user(
            request,
            ngettext("%d address reset.", "%d addresses reset.", count) % count,
            messages.SUCCESS,
        )
