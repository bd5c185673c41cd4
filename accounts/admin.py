from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import User


class UserCreationForm(BaseUserCreationForm):
    """E-mail and an initial password, both required.

    Not Django's AdminUserCreationForm: its "password-based authentication: disabled" choice
    would make accounts without a usable password: they cannot log in to enrol their second
    factor, nor confirm the deletion of their account. Staff get their first login (this
    password) in person and change it themselves; an administrator can set a new one later
    on the change page ("Reset password").
    """

    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "language"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined", "privacy_consent_at", "privacy_consent_version"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "language")}),
        (_("Consent"), {"fields": ("privacy_consent_at", "privacy_consent_version")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "password1", "password2"),
            },
        ),
    )

    actions = ["deactivate"]

    def get_actions(self, request):
        # No bulk delete: it would bypass the erasure of each app's data and the audit rule.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # Accounts with admin history are deactivated, so their change history survives.
        if obj is not None and services.has_audit_history(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.delete_account(user=obj)  # every app erases its part, as on self-deletion

    @admin.action(description=_("Deactivate selected accounts (they can no longer log in)"))
    def deactivate(self, request, queryset):
        count = services.deactivate_accounts(users=queryset)
        self.message_user(
            request,
            ngettext("%d account deactivated.", "%d accounts deactivated.", count) % count,
            messages.SUCCESS,
        )
