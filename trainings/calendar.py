"""Calendar files (ICS) for courses: one per course with all its dates, and a feed of all
public courses. Europe/Berlin with its time zone definition, right across the DST switch."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from portal.links import absolute_url

from .models import Course

LOCAL = ZoneInfo(settings.TIME_ZONE)


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Kloormokers//Fortbildungen//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _add_course(calendar: Calendar, course: Course, *, online_info: bool) -> None:
    location = ""
    if course.venue_id:
        location = ", ".join(p for p in (course.venue.name, course.venue.address) if p)
    elif course.format == Course.Format.ONLINE:
        location = _("online")
    url = absolute_url(course.get_absolute_url())
    description = course.localized_summary()
    if online_info and course.online_info:
        description += "\n\n" + course.online_info
    for index, date in enumerate(course.dates.all(), start=1):
        event = Event()
        event.add("uid", f"fortbildung-{course.pk}-{date.pk}@{_domain()}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", date.starts_at.astimezone(LOCAL))
        event.add("dtend", date.ends_at.astimezone(LOCAL))
        title = course.localized_title()
        count = len(course.dates.all())
        event.add("summary", f"{title} ({index}/{count})" if count > 1 else title)
        if location:
            event.add("location", location)
        event.add("description", f"{description}\n\n{url}")
        event.add("url", url)
        event.add(
            "status", "CANCELLED" if course.status == Course.Status.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(event)


def course_ics(course: Course, *, online_info: bool = False) -> str:
    """All dates of one course; `online_info` only for confirmed participants (their mail)."""
    calendar = _calendar(course.localized_title())
    _add_course(calendar, course, online_info=online_info)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def courses_ics(courses, *, name: str) -> str:
    """The feed of public courses (courses with dates and venue prefetched)."""
    calendar = _calendar(name)
    for course in courses:
        _add_course(calendar, course, online_info=False)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
