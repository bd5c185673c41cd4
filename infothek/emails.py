"""Infothek mails: the deadline reminder, queued in the task's transaction."""

from mailings.services import enqueue
from portal.links import absolute_reverse

from .models import DeadlineReminder


def deadline_reminder(reminder: DeadlineReminder) -> None:
    person, programme = reminder.user, reminder.programme
    enqueue(
        to=person.email,
        template="emails/infothek/deadline_reminder",
        context={
            "person": person.get_short_name(),
            "programme": programme.title,
            "funder": programme.funder,
            "deadline": programme.deadline,
            "official_url": programme.official_url,
            "programme_url": absolute_reverse("infothek:programme", programme.slug),
            "reminders_url": absolute_reverse("infothek:my_reminders"),
        },
        key=f"infothek:deadline:{reminder.pk}:{programme.deadline.isoformat()}",
        language=person.language,
        recipient_user=person,
    )
