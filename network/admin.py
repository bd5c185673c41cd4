from django.contrib import admin

from .models import Amt, Municipality


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
