"""Beratung's part of a person's data: export and erasure (Mein Konto).

Export: every case the person opened — appointments and written questions with their
concern, topic, format, time, adviser, place, association, Gemeinde, phone and status, and
the changes to their appointment. The office's internal notes are not part of it (they are
never shown to the volunteer); the office answers requests for them directly.

Erasure keeps the cases for the statistics (topic, format, date, Amt/Gemeinde, association,
outcome) without the person: the requester is unlinked, the concern and phone number are
blanked, their future appointments are cancelled (the times are free again and the advisers
told), and wherever the office's notes or the case history name them (name, e-mail address,
phone number) that is replaced by "–".
"""

import re

from django.db import transaction
from django.utils import timezone

from portal.registry import PersonalDataPart, register_personal_data

from . import services
from .models import AdviceRequest, CaseEvent, CaseNote

ERASED = "–"
SHOWN_EVENTS = (CaseEvent.Kind.CREATED, CaseEvent.Kind.RESCHEDULED, CaseEvent.Kind.CANCELLED)


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> list[dict]:
    cases = (
        AdviceRequest.objects.filter(requester=user)
        .select_related("topic", "slot", "slot__advisor", "association", "municipality")
        .prefetch_related("events")
        .order_by("created_at")
    )
    return [
        {
            "number": case.number,
            "kind": case.kind,
            "topic": case.topic.name,
            "concern": case.concern,
            "format": case.format,
            "appointment_starts_at": _iso(case.slot.starts_at) if case.slot else None,
            "appointment_ends_at": _iso(case.slot.ends_at) if case.slot else None,
            "adviser": case.slot.advisor.display_name if case.slot else None,
            "place": case.slot.place if case.slot else None,
            "phone": case.phone,
            "association": case.association.name if case.association else None,
            "municipality": case.municipality.name if case.municipality else None,
            "status": case.status,
            "outcome": case.outcome,
            "cancelled_at": _iso(case.cancelled_at),
            "did_not_come": case.no_show,
            "booked_by_the_office": case.booked_by_staff,
            "consent_at": _iso(case.consent_at),
            "created_at": _iso(case.created_at),
            "appointment_history": [
                {
                    "what": event.kind,
                    "at": _iso(event.at),
                    "before": event.old_value,
                    "after": event.new_value,
                }
                for event in case.events.all()
                if event.kind in SHOWN_EVENTS
            ],
        }
        for case in cases
    ]


def _patterns(user, phones: set[str]) -> list[re.Pattern]:
    """What names the person in free text: name, e-mail addresses, phone numbers (with any
    separators between the digits)."""
    words = {user.get_full_name(), user.first_name, user.last_name, user.email}
    words |= {f"{user.last_name}, {user.first_name}"} if user.first_name else set()
    patterns = [
        re.compile(rf"(?<!\w){re.escape(word.strip())}(?!\w)", re.IGNORECASE)
        for word in sorted(words, key=len, reverse=True)
        if len(word.strip()) >= 2
    ]
    for phone in phones | {user.phone}:
        digits = re.sub(r"\D", "", phone or "")
        if len(digits) >= 5:
            patterns.append(re.compile(r"\D{0,3}".join(digits)))
    return patterns


def _redact(text: str, patterns) -> str:
    for pattern in patterns:
        text = pattern.sub(ERASED, text)
    return text


def erase(user) -> None:
    future = AdviceRequest.objects.filter(
        requester=user,
        kind=AdviceRequest.Kind.APPOINTMENT,
        cancelled_at__isnull=True,
        slot__starts_at__gt=timezone.now(),
    )
    for booking in future:
        # Whatever the cut-off: the adviser is told and the time is free for others.
        services.cancel_booking(booking=booking, by_office=True)
    with transaction.atomic():
        cases = AdviceRequest.objects.filter(requester=user)
        ids = list(cases.values_list("pk", flat=True))
        patterns = _patterns(user, set(cases.exclude(phone="").values_list("phone", flat=True)))
        cases.update(requester=None, concern="", phone="")
        notes = list(CaseNote.objects.filter(request_id__in=ids))
        for note in notes:
            note.text = _redact(note.text, patterns)
        CaseNote.objects.bulk_update(notes, ["text"], batch_size=500)
        events = list(CaseEvent.objects.filter(request_id__in=ids))
        for event in events:
            event.old_value = _redact(event.old_value, patterns)
            event.new_value = _redact(event.new_value, patterns)
        CaseEvent.objects.bulk_update(events, ["old_value", "new_value"], batch_size=500)


# Before the outbox (10) so the cancellation mails to the person are never sent; before the
# account row (0), whose deletion would unlink the cases on its own.
register_personal_data(PersonalDataPart("advice", export, erase, order=60))
