"""Calendar entries (ICS) for appointments: Europe/Berlin with its time zone definition, so
calendars show the right hour on either side of the summer-time switch."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import AdviceRequest

LOCAL = ZoneInfo(settings.TIME_ZONE)


def appointment_ics(booking: AdviceRequest, *, office_name: str, sequence: int = 0) -> str:
    """A one-event calendar: REQUEST for a booked appointment, CANCEL for a cancelled one."""
    cancelled = booking.cancelled_at is not None
    calendar = Calendar()
    calendar.add("prodid", "-//Kloormokers//Beratung//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
    event.add("uid", f"beratung-{booking.number}@{domain}")
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", booking.slot.starts_at.astimezone(LOCAL))
    event.add("dtend", booking.slot.ends_at.astimezone(LOCAL))
    event.add("summary", _("Advice: %(topic)s") % {"topic": booking.topic.localized_name()})
    if booking.slot.place:
        event.add("location", booking.slot.place)
    event.add(
        "description",
        _("%(office)s, reference number %(number)s")
        % {"office": office_name, "number": booking.number},
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
