from django.contrib import admin
from django.db import models

from .models import Amt, Association, Municipality


@admin.register(Amt)
class AmtAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "seat"]
    search_fields = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "amt", "kind", "source"]
    list_filter = ["kind", "source", "amt"]
    search_fields = ["name", "ags"]
    list_select_related = ["amt"]


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    """The directory's entries, shown read-only until the directory admin replaces this: every
    change to an entry goes through network.services. Its page shows what other apps register
    in network.admin_panels (the advice cases of the association, for Beratung)."""

    list_display = ["name", "municipality", "status"]
    list_filter = ["status"]
    search_fields = ["name", "register_number", "email"]
    list_select_related = ["municipality"]
    change_form_template = "admin/network/association/change_form.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # an address typed without one
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
