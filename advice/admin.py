"""Placeholder admin: replaced by the Beratung staff side."""

from django.contrib import admin

from .models import (
    Absence,
    AdviceRequest,
    Advisor,
    BookingRules,
    CaseEvent,
    CaseNote,
    Slot,
    Topic,
    WeeklyAvailability,
)

for model in (
    Topic,
    BookingRules,
    Advisor,
    WeeklyAvailability,
    Absence,
    Slot,
    AdviceRequest,
    CaseNote,
    CaseEvent,
):
    admin.site.register(model)
