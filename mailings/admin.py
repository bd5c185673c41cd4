from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "language", "template"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [f.name for f in Email._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send selected failed e-mails again"), permissions=["change"])
    def resend(self, request, queryset):
        emails = list(queryset.filter(status__in=[Email.Status.FAILED, Email.Status.SENDING]))
        for email in emails:
            services.requeue(email=email)
        self.message_user(
            request,
            ngettext("%d e-mail queued again.", "%d e-mails queued again.", len(emails))
            % len(emails),
            messages.SUCCESS,
        )
