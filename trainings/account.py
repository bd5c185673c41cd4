"""The "Meine Fortbildungen" section of Mein Konto: the next courses the person is registered
for (or waiting for), and the way to all of them, their certificates, the catalogue and
course wishes (one query)."""

from django.utils import timezone

from portal.registry import AccountSection, register_account_section

from .models import Registration

SHOWN = 3


def context(user) -> dict:
    upcoming = (
        Registration.objects.filter(
            user=user,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
            course__starts_at__gt=timezone.now(),
        )
        .select_related("course")
        .order_by("course__starts_at")
    )
    return {"upcoming": list(upcoming[:SHOWN])}


register_account_section(
    AccountSection("trainings", "trainings/account_section.html", context, order=45)
)
