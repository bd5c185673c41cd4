"""The "Meine Fristen" section of Mein Konto: the next funding deadlines the person asked to
be reminded of, and the way to all of them and to the programmes (one query)."""

from django.utils import timezone

from portal.registry import AccountSection, register_account_section

from .models import DeadlineReminder, FundingProgramme

SHOWN = 3


def context(user) -> dict:
    upcoming = (
        DeadlineReminder.objects.filter(
            user=user,
            sent_at__isnull=True,
            programme__in=FundingProgramme.objects.public(),
            programme__deadline__gte=timezone.localdate(),
        )
        .select_related("programme")
        .order_by("programme__deadline", "programme__title")
    )
    return {"upcoming": list(upcoming[:SHOWN])}


register_account_section(
    AccountSection("infothek", "infothek/account_section.html", context, order=60)
)
