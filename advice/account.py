"""The "Meine Beratungen" section of Mein Konto: the next appointments, and the way to all
appointments and questions, to booking and to asking (one query)."""

from django.utils import timezone

from portal.registry import AccountSection, register_account_section

from .models import AdviceRequest

SHOWN = 3


def context(user) -> dict:
    upcoming = (
        AdviceRequest.objects.filter(
            requester=user,
            kind=AdviceRequest.Kind.APPOINTMENT,
            cancelled_at__isnull=True,
            slot__starts_at__gt=timezone.now(),
        )
        .select_related("slot", "topic")
        .order_by("slot__starts_at")
    )
    return {"upcoming": list(upcoming[:SHOWN])}


register_account_section(AccountSection("advice", "advice/account_section.html", context, order=40))
