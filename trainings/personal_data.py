"""Qualifizierung's part of a person's data: export and erasure (Mein Konto).

Export: every registration (course, dates, status, waiting position, attendance, needs,
association, timestamps), the certificates (code, course, dates, hours, issue date), the
course wishes and the feedback given.

Erasure keeps the registrations for the statistics (course, status, attendance, association)
without the person: their future registrations are cancelled first through the service, so
the next person on the waiting list gets the seat and is told, and the waiting positions stay
gapless; then every registration is unlinked from them and their needs are blanked. The
course wishes go (they are the person's own words and a promise to mail them). Feedback keeps
its rating for the course's statistics, without the comment (free text may name them).

Certificates are deleted, not kept without the person: a certificate is the statement "this
person attended", its only content is the holder's name with the course, and its public
verification page would go on showing that name to anyone with the code. Without the person
there is nothing left to certify.
"""

from contextlib import suppress

from django.db import transaction
from django.utils import timezone

from portal.registry import PersonalDataPart, register_personal_data

from . import services
from .exceptions import TrainingError
from .models import Certificate, CourseWish, Feedback, Registration


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("course", "association")
        .prefetch_related("course__dates")
        .order_by("registered_at")
    )
    certificates = (
        Certificate.objects.filter(registration__user=user)
        .select_related("registration__course")
        .order_by("issued_at")
    )
    feedback = (
        Feedback.objects.filter(registration__user=user)
        .select_related("registration__course")
        .order_by("created_at")
    )
    return {
        "registrations": [
            {
                "course": r.course.title,
                "dates": [
                    {"starts_at": _iso(d.starts_at), "ends_at": _iso(d.ends_at)}
                    for d in r.course.dates.all()
                ],
                "status": r.status,
                "waiting_list_position": r.position,
                "attendance": r.attendance,
                "needs": r.needs,
                "association": r.association.name if r.association else None,
                "registered_at": _iso(r.registered_at),
                "confirmed_at": _iso(r.confirmed_at),
                "cancelled_at": _iso(r.cancelled_at),
                "cancelled_by_the_office": r.cancelled_by_office,
            }
            for r in registrations
        ],
        "certificates": [
            {
                "code": c.code,
                "name": c.holder_name,
                "course": c.course_title,
                "dates": c.dates_text,
                "hours": str(c.hours),
                "issued_at": _iso(c.issued_at),
            }
            for c in certificates
        ],
        "course_wishes": [
            {
                "topic": w.topic.name if w.topic else None,
                "text": w.text,
                "notify": w.notify,
                "created_at": _iso(w.created_at),
                "notified_at": _iso(w.notified_at),
            }
            for w in CourseWish.objects.filter(user=user).select_related("topic")
        ],
        "feedback": [
            {
                "course": f.registration.course.title,
                "rating": f.rating,
                "comment": f.comment,
                "created_at": _iso(f.created_at),
            }
            for f in feedback
        ],
    }


def erase(user) -> None:
    future = Registration.objects.filter(
        user=user,
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        course__starts_at__gt=timezone.now(),
    )
    for registration in future:
        # Whatever the deadline: the seat goes to the next on the waiting list. (Cancelled
        # meanwhile: nothing left to do.)
        with suppress(TrainingError):
            services.cancel_registration(registration=registration, by_office=True)
    with transaction.atomic():
        Certificate.objects.filter(registration__user=user).delete()
        Feedback.objects.filter(registration__user=user).update(comment="")
        CourseWish.objects.filter(user=user).delete()
        Registration.objects.filter(user=user).update(user=None, needs="")


# Before the outbox (10) so the cancellation mails to the person are never sent; before the
# account row (0), whose deletion would unlink the registrations on its own.
register_personal_data(PersonalDataPart("trainings", export, erase, order=65))
