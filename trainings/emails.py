"""Qualifizierung mails, each queued in the service's transaction. A registration's mails
carry its round (raised on re-registration) in the outbox key, so a person who cancels and
registers again hears about the new registration too."""

from django.utils import timezone

from mailings.attachments import Attachment
from mailings.services import enqueue
from portal.links import absolute_reverse
from portal.models import SiteConfiguration

from .calendar import course_ics
from .links import feedback_token
from .models import Course, CourseWish, Registration

PREFIX = "emails/trainings/"


def _course_context(course: Course) -> dict:
    dates = [
        {"starts_at": timezone.localtime(d.starts_at), "ends_at": timezone.localtime(d.ends_at)}
        for d in course.dates.all()
    ]
    return {
        "course": course.localized_title(),
        "dates": dates,
        "format": course.get_format_display(),
        "venue": str(course.venue) if course.venue_id else "",
        "address": course.venue.address if course.venue_id else "",
        "course_url": absolute_reverse("trainings:course", course.slug),
        "my_trainings_url": absolute_reverse("trainings:my_trainings"),
    }


def _to_participant(registration: Registration, template: str, key: str, **options) -> None:
    person = registration.user
    if person is None:
        return  # erased meanwhile
    context = {
        "person": person.get_short_name(),
        "position": registration.position,
        **_course_context(registration.course),
        **options.pop("context", {}),
    }
    enqueue(
        to=person.email,
        template=PREFIX + template,
        context=context,
        key=f"trainings:registration:{registration.pk}:{registration.round}:{key}",
        language=person.language,
        recipient_user=person,
        **options,
    )


def _calendar(registration: Registration) -> Attachment:
    course = registration.course
    content = course_ics(course, online_info=True)
    return Attachment(filename="fortbildung.ics", content=content, mimetype="text/calendar")


def registration_confirmed(registration: Registration) -> None:
    _to_participant(
        registration,
        "confirmed",
        "confirmed",
        attachments=[_calendar(registration)],
        context={
            "online_info": registration.course.online_info,
            "what_to_bring": registration.course.what_to_bring,
        },
    )


def waitlisted(registration: Registration) -> None:
    _to_participant(registration, "waitlisted", "waitlisted")


def promoted(registration: Registration) -> None:
    _to_participant(
        registration,
        "promoted",
        "promoted",
        attachments=[_calendar(registration)],
        context={
            "online_info": registration.course.online_info,
            "what_to_bring": registration.course.what_to_bring,
        },
    )


def registration_cancelled(registration: Registration, *, was_waitlisted: bool) -> None:
    _to_participant(
        registration,
        "cancelled",
        "cancelled",
        context={
            "was_waitlisted": was_waitlisted,
            "by_office": registration.cancelled_by_office,
            "catalogue_url": absolute_reverse("trainings:catalogue"),
        },
    )


def reminder(registration: Registration) -> None:
    _to_participant(
        registration,
        "reminder",
        "reminder",
        context={
            "online_info": registration.course.online_info,
            "what_to_bring": registration.course.what_to_bring,
        },
    )


def thank_you(registration: Registration) -> None:
    _to_participant(
        registration,
        "thank_you",
        "thank-you",
        sensitive=True,
        context={
            "feedback_url": absolute_reverse("trainings:feedback", feedback_token(registration)),
            "certificate": registration.course.certificate,
        },
    )


def wish_fulfilled(wish: CourseWish, course: Course) -> None:
    person = wish.user
    enqueue(
        to=person.email,
        template=PREFIX + "wish_fulfilled",
        context={
            "person": person.get_short_name(),
            "topic": wish.topic.localized_name(),
            "office": SiteConfiguration.load().office_name,
            "wishes_url": absolute_reverse("trainings:wish"),
            **_course_context(course),
        },
        key=f"trainings:wish:{wish.pk}:course:{course.pk}",
        language=person.language,
        recipient_user=person,
    )
