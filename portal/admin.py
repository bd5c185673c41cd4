from django.contrib import admin
from django.db import models
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import admin_views
from .admin_views import MarkdownPreviewMixin
from .models import Page, SiteConfiguration


@admin.register(SiteConfiguration)
class SiteConfigurationAdmin(admin.ModelAdmin):
    list_display = ["office_name", "county_name", "email"]
    # A web address typed without a scheme is an https one (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (
            _("Office"),
            {
                "fields": [
                    "county_name",
                    "office_name",
                    "street",
                    "postal_code",
                    "city",
                    "phone",
                    "email",
                ]
            },
        ),
        (_("Appearance"), {"fields": ["logo", "theme_color"]}),
        (
            _("Imprint"),
            {
                "fields": ["content_responsible"],
                "description": _("Shown on the imprint page, below its text."),
            },
        ),
        (
            _("Privacy notice: data protection officer"),
            {
                "fields": ["dpo_name", "dpo_address", "dpo_email"],
                "description": _(
                    "Shown on the privacy page, below its text. Please enter the officer's "
                    "direct contact: until then the county's address is shown."
                ),
            },
        ),
        (
            _("Accessibility statement: conciliation body"),
            {
                "fields": [
                    "conciliation_name",
                    "conciliation_address",
                    "conciliation_phone",
                    "conciliation_email",
                    "conciliation_url",
                ],
                "description": _(
                    "Shown on the accessibility statement, below the barrier form. The presets "
                    "are the details Schleswig-Holstein published in 2024/25: please check them "
                    "against the conciliation body's own website."
                ),
            },
        ),
    ]

    def has_add_permission(self, request):
        return not SiteConfiguration.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    readonly_fields = ["slug", "updated_at"]
    fieldsets = [
        (None, {"fields": ["slug", "title", "body"]}),
        (_("English"), {"fields": ["title_en", "body_en"]}),
        (None, {"fields": ["updated_at"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # The Markdown preview of every admin (content pages, Infothek, …) lives here, with the
        # renderer: apps above the portal use it through MarkdownPreviewMixin.
        return [
            path(
                "markdown-preview/",
                self.admin_site.admin_view(admin_views.markdown_preview),
                name="portal_markdown_preview",
            ),
            *super().get_urls(),
        ]
