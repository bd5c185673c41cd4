"""Infothek rules: deadline reminders ("Frist merken") and keeping the search current.

A reminder is one row per person and programme; the mail goes out once, `days_before` the
deadline, and never after the deadline or for a programme that is no longer public (archived,
back to draft) — the daily task checks that at sending time, in the same transaction that
marks the row sent.
"""

from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails
from .exceptions import InfothekError
from .models import DeadlineReminder, FundingProgramme, Guide, NewsItem, Question

MAX_DAYS_BEFORE = 90


def remember_deadline(*, user, programme: FundingProgramme, days_before: int = 14):
    """Ask for a reminder before a programme's deadline; asking again changes the days."""
    if not 1 <= int(days_before) <= MAX_DAYS_BEFORE:
        raise InfothekError(_("Please choose between 1 and 90 days."), field="days_before")
    if not programme.is_open() or programme.rolling:
        raise InfothekError(_("This programme has no upcoming deadline to remember."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder, created = DeadlineReminder.objects.get_or_create(
                    user=user, programme=programme, defaults={"days_before": days_before}
                )
        except IntegrityError:  # two clicks at once: the other one made it
            reminder, created = DeadlineReminder.objects.get(user=user, programme=programme), False
        if not created and (reminder.days_before != days_before or reminder.sent_at):
            reminder.days_before, reminder.sent_at = days_before, None
            reminder.save(update_fields=["days_before", "sent_at"])
    return reminder


def forget_deadline(*, reminder: DeadlineReminder) -> None:
    reminder.delete()


def send_deadline_reminders(*, today=None) -> int:
    """Daily: mail every reminder that is due (deadline within its days, not passed), once."""
    today = today or timezone.localdate()
    due = (
        DeadlineReminder.objects.filter(
            sent_at__isnull=True,
            programme__in=FundingProgramme.objects.public(),
            programme__deadline__gte=today,
            programme__deadline__lte=today + timedelta(days=MAX_DAYS_BEFORE),
        )
        .select_related("programme", "user")
        .order_by("pk")
    )
    count = 0
    for reminder in due:
        if reminder.programme.deadline - timedelta(days=reminder.days_before) > today:
            continue  # not yet
        with transaction.atomic():
            # Claim the row: a second run (or a parallel one) finds it sent and skips it.
            claimed = DeadlineReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
            if claimed:
                emails.deadline_reminder(reminder)
                count += 1
    return count


SEARCHED = {
    Guide: (("title", "A"), ("summary", "B"), ("body", "C")),
    FundingProgramme: (("title", "A"), ("summary", "B"), ("funder", "B"), ("body", "C")),
    NewsItem: (("title", "A"), ("summary", "B"), ("body", "C")),
    Question: (("title", "A"), ("body", "C")),
}


def refresh_search_vector(*, item) -> None:
    """German full-text search: the title weighs most, then summary, then the text."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    fields = SEARCHED[type(item)]
    vector = None
    for field, weight in fields:
        part = SearchVector(Value(getattr(item, field) or ""), weight=weight, config="german")
        vector = part if vector is None else vector + part
    type(item).objects.filter(pk=item.pk).update(search_vector=vector)


# --- Publishing (the admin's actions) ---------------------------------------------------------


def publish_now(*, items) -> int:
    """Make items public from now on; items already public keep their date."""
    now = timezone.now()
    published = items.model.Status.PUBLISHED
    return items.exclude(status=published, publish_at__lte=now).update(
        status=published, publish_at=now
    )


def archive(*, items) -> int:
    """Take items off the site, kept for the record (no longer listed or found)."""
    archived = items.model.Status.ARCHIVED
    return items.exclude(status=archived).update(status=archived)


def back_to_draft(*, items) -> int:
    """Take items off the site to work on them again."""
    draft = items.model.Status.DRAFT
    return items.exclude(status=draft).update(status=draft)


def mark_reviewed(*, guides, today=None) -> int:
    """Staff checked these guides are still right: "zuletzt geprüft" becomes today."""
    return guides.update(reviewed_on=today or timezone.localdate())
