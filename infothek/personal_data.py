"""The Infothek's part of a person's data: their deadline reminders ("Frist merken").

Export: each reminder with its programme, deadline, days before and when it was sent.
Erasure deletes the reminders (they hold nothing the office needs without the person).
"""

from portal.registry import PersonalDataPart, register_personal_data

from .models import DeadlineReminder


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> list[dict]:
    return [
        {
            "programme": reminder.programme.title,
            "funder": reminder.programme.funder,
            "deadline": _iso(reminder.programme.deadline),
            "days_before": reminder.days_before,
            "asked_at": _iso(reminder.created_at),
            "sent_at": _iso(reminder.sent_at),
        }
        for reminder in DeadlineReminder.objects.filter(user=user)
        .select_related("programme")
        .order_by("created_at", "pk")
    ]


def erase(user) -> None:
    DeadlineReminder.objects.filter(user=user).delete()


# Before the outbox (10) and the account row (0), like the other apps' parts.
register_personal_data(PersonalDataPart("infothek", export, erase, order=70))
