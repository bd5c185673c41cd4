"""Beratung mails, each queued in the service's transaction; booking mails carry the
appointment as a calendar file and signed links to cancel or move it."""

from django.utils import timezone

from mailings.attachments import Attachment
from mailings.services import enqueue
from portal.links import absolute_reverse
from portal.models import SiteConfiguration

from .calendar import appointment_ics
from .links import booking_token
from .models import AdviceRequest, CaseEvent

PREFIX = "emails/advice/"


def _booking_context(booking: AdviceRequest) -> dict:
    slot = booking.slot
    advisor = slot.advisor
    instructions = {
        "on_site": slot.place,
        "phone": advisor.phone_instructions,
        "video": advisor.video_instructions,
    }
    token = booking_token(booking)
    return {
        "number": booking.number,
        "topic": booking.topic.localized_name(),
        "starts_at": timezone.localtime(slot.starts_at),
        "ends_at": timezone.localtime(slot.ends_at),
        "format": booking.get_format_display(),
        "format_code": booking.format,
        "instructions": instructions.get(booking.format, ""),
        "advisor": advisor.display_name,
        "cancel_url": absolute_reverse("advice:cancel_link", token),
        "reschedule_url": absolute_reverse("advice:reschedule_link", token),
        "bookings_url": absolute_reverse("advice:my_bookings"),
    }


def calendar_attachment(booking: AdviceRequest) -> Attachment:
    """The appointment as a calendar file (also offered for download on the site)."""
    sequence = booking.events.filter(kind=CaseEvent.Kind.RESCHEDULED).count() + (
        1 if booking.cancelled_at else 0
    )
    content = appointment_ics(
        booking, office_name=SiteConfiguration.load().office_name, sequence=sequence
    )
    return Attachment(filename="termin.ics", content=content, mimetype="text/calendar")


def _to_requester(booking: AdviceRequest, template: str, key: str, context: dict, **options):
    person = booking.requester
    if person is None:
        return  # erased meanwhile
    enqueue(
        to=person.email,
        template=PREFIX + template,
        context={"person": person.get_short_name(), **context},
        key=key,
        language=person.language,
        recipient_user=person,
        **options,
    )


def _to_advisor(booking: AdviceRequest, template: str, key: str, context: dict) -> None:
    advisor_user = booking.slot.advisor.user
    enqueue(
        to=advisor_user.email,
        template=PREFIX + template,
        context={
            **context,
            "admin_url": absolute_reverse("admin:advice_advicerequest_change", booking.pk),
        },
        key=key,
        language=advisor_user.language,
        recipient_user=advisor_user,
    )


def booking_confirmed(booking: AdviceRequest) -> None:
    context = _booking_context(booking)
    key = f"advice:{booking.pk}:booked:{booking.slot_id}"
    _to_requester(
        booking,
        "booking_confirmed",
        key,
        context,
        attachments=[calendar_attachment(booking)],
        sensitive=True,
    )
    _to_advisor(booking, "advisor_booked", key + ":advisor", context)


def booking_rescheduled(booking: AdviceRequest, *, previous_start) -> None:
    context = {**_booking_context(booking), "previous_start": timezone.localtime(previous_start)}
    key = f"advice:{booking.pk}:moved:{booking.slot_id}"
    _to_requester(
        booking,
        "booking_rescheduled",
        key,
        context,
        attachments=[calendar_attachment(booking)],
        sensitive=True,
    )
    _to_advisor(booking, "advisor_rescheduled", key + ":advisor", context)


def booking_cancelled(booking: AdviceRequest, *, by_office: bool) -> None:
    context = {**_booking_context(booking), "by_office": by_office}
    key = f"advice:{booking.pk}:cancelled:{booking.slot_id}"
    _to_requester(
        booking, "booking_cancelled", key, context, attachments=[calendar_attachment(booking)]
    )
    _to_advisor(booking, "advisor_cancelled", key + ":advisor", context)


def reminder(booking: AdviceRequest) -> None:
    """The day before; the key names the appointment's time, so a moved one is reminded anew."""
    context = _booking_context(booking)
    key = f"reminder:advice:{booking.pk}:{booking.slot.starts_at.isoformat()}"
    _to_requester(booking, "reminder", key, context, sensitive=True)


def question_received(case: AdviceRequest) -> None:
    _to_requester(
        case,
        "question_received",
        f"advice:{case.pk}:question",
        {
            "number": case.number,
            "topic": case.topic.localized_name(),
            "bookings_url": absolute_reverse("advice:my_bookings"),
        },
    )
