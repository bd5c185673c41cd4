"""Signed links in booking mails: cancel or move an appointment without logging in.

A link names the case and its current slot. It is useless once the appointment was moved
(another slot), cancelled, or the cancel cut-off before the appointment has passed.
"""

from datetime import timedelta

from django.core import signing
from django.utils import timezone

from .models import AdviceRequest, BookingRules

SALT = "advice.booking-link"


def booking_token(request: AdviceRequest) -> str:
    return signing.dumps({"r": request.pk, "s": request.slot_id}, salt=SALT, compress=True)


def booking_for_token(token: str) -> AdviceRequest | None:
    """The booking the link may still change, or None."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    booking = (
        AdviceRequest.objects.select_related("slot", "slot__advisor", "topic", "requester")
        .filter(pk=data.get("r"), slot_id=data.get("s"), cancelled_at__isnull=True)
        .first()
    )
    if booking is None or not before_cutoff(booking):
        return None
    return booking


def before_cutoff(booking: AdviceRequest) -> bool:
    cutoff = timedelta(hours=BookingRules.load().cancel_cutoff_hours)
    return timezone.now() < booking.slot.starts_at - cutoff
