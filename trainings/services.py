"""Qualifizierung rules: registering, cancelling and leaving the waiting list, capacity
changes, publishing, attendance, certificates, course wishes and feedback. Each is one
transaction; mails are queued in it.

Every change to a course's seats or waiting list first locks the course row; the confirmed
registrations are then counted (never stored), so two registrations never both take the
last seat. Waiting positions stay a gapless 1…n: a registration leaving the list moves every
later one up in the same transaction (the unique constraint on the position is deferred to
the commit for that).
"""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, Q, TextField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails
from .exceptions import TrainingError
from .models import Certificate, Course, CourseWish, Feedback, Registration, Topic

CERTIFICATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


def _locked_course(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


def confirmed_count(course: Course) -> int:
    return course.registrations.filter(status=Registration.Status.CONFIRMED).count()


def _last_position(course: Course) -> int:
    waiting = course.registrations.filter(status=Registration.Status.WAITLISTED)
    return waiting.aggregate(last=Max("position"))["last"] or 0


def register(*, course: Course, user, association=None, needs: str = "") -> Registration:
    """Register one person: confirmed while a seat is free, else on the waiting list at the
    end. One registration per person and course; a cancelled one can register again."""
    needs = (needs or "").strip()[:1000]
    with transaction.atomic():
        course = _locked_course(course)
        if not course.registration_open():
            raise TrainingError(_("Registration for this course is closed."))
        existing = Registration.objects.select_for_update().filter(course=course, user=user).first()
        if existing is not None and existing.active:
            raise TrainingError(_("You are already registered for this course."))
        now = timezone.now()
        if confirmed_count(course) < course.capacity:
            status, position, confirmed_at = Registration.Status.CONFIRMED, None, now
        else:
            status, position, confirmed_at = (
                Registration.Status.WAITLISTED,
                _last_position(course) + 1,
                None,
            )
        values = {
            "status": status,
            "position": position,
            "association": association,
            "needs": needs,
            "registered_at": now,
            "confirmed_at": confirmed_at,
            "cancelled_at": None,
            "cancelled_by_office": False,
            "attendance": "",
        }
        if existing is None:
            try:
                with transaction.atomic():
                    registration = Registration.objects.create(course=course, user=user, **values)
            except IntegrityError as exc:  # the constraint, should the locks be bypassed
                raise TrainingError(_("You are already registered for this course.")) from exc
        else:
            registration = existing
            for field, value in values.items():
                setattr(registration, field, value)
            registration.round = existing.round + 1
            registration.save(update_fields=[*values, "round"])
        if status == Registration.Status.CONFIRMED:
            emails.registration_confirmed(registration)
        else:
            emails.waitlisted(registration)
    return registration


def cancel_registration(*, registration: Registration, by_office: bool = False) -> Registration:
    """Cancel a seat (the person until the cancellation deadline, the office at any time) or
    leave the waiting list (at any time). A freed seat goes to the first on the list."""
    with transaction.atomic():
        course = _locked_course(registration.course)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.active:
            raise TrainingError(_("This registration has already been cancelled."))
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        if was_confirmed and not by_office and not course.cancellation_open():
            raise TrainingError(
                _("It is too late to cancel online. Please get in touch with the office.")
            )
        old_position = registration.position
        registration.status = Registration.Status.CANCELLED
        registration.position = None
        registration.attendance = ""
        registration.cancelled_at = timezone.now()
        registration.cancelled_by_office = by_office
        registration.save(
            update_fields=[
                "status",
                "position",
                "attendance",
                "cancelled_at",
                "cancelled_by_office",
            ]
        )
        if old_position is not None:
            _close_gap(course, after=old_position)
        emails.registration_cancelled(registration, was_waitlisted=old_position is not None)
        if was_confirmed:
            _promote(course)
    return registration


def _close_gap(course: Course, *, after: int) -> None:
    course.registrations.filter(status=Registration.Status.WAITLISTED, position__gt=after).update(
        position=F("position") - 1
    )


def _promote(course: Course) -> list[Registration]:
    """Fill free seats from the head of the waiting list (the course row is locked). Not once
    the course has begun: a seat freed then helps nobody."""
    if course.starts_at is None or course.starts_at <= timezone.now():
        return []
    free = course.capacity - confirmed_count(course)
    if free <= 0:
        return []
    promoted = list(
        course.registrations.select_for_update()
        .filter(status=Registration.Status.WAITLISTED)
        .order_by("position")[:free]
    )
    if not promoted:
        return []
    now = timezone.now()
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.position = None
        registration.confirmed_at = now
        registration.save(update_fields=["status", "position", "confirmed_at"])
    course.registrations.filter(status=Registration.Status.WAITLISTED).update(
        position=F("position") - len(promoted)
    )
    for registration in promoted:
        emails.promoted(registration)
    return promoted


def change_capacity(*, course: Course, capacity: int) -> list[Registration]:
    """Set the seats: raising them promotes from the waiting list; lowering them below the
    confirmed registrations is refused. Returns the promoted registrations."""
    if capacity < 1:
        raise TrainingError(_("A course needs at least one seat."), field="capacity")
    with transaction.atomic():
        course = _locked_course(course)
        taken = confirmed_count(course)
        if capacity < taken:
            raise TrainingError(
                _(
                    "%(taken)d people already have a confirmed seat. Cancel registrations "
                    "first or choose at least %(taken)d seats."
                )
                % {"taken": taken},
                field="capacity",
            )
        course.capacity = capacity
        course.save(update_fields=["capacity", "updated_at"])
        return _promote(course)


def refresh_course_dates(*, course: Course) -> None:
    """Copy the first start and last end from the dates (the catalogue sorts by them)."""
    span = course.dates.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    Course.objects.filter(pk=course.pk).update(starts_at=span["first"], ends_at=span["last"])
    course.starts_at, course.ends_at = span["first"], span["last"]


def refresh_search_vector(*, course_ids: list[int]) -> None:
    """German full-text search over title, summary, description, topic and speakers."""
    if connection.vendor != "postgresql" or not course_ids:
        return
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import SearchVector
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    speakers = (
        Course.speakers.through.objects.filter(course=OuterRef("pk"))
        .values("course")
        .annotate(names=StringAgg("speaker__name", " "))
        .values("names")
    )
    topic_name = Topic.objects.filter(pk=OuterRef("topic_id")).values("name")
    Course.objects.filter(pk__in=course_ids).update(
        search_vector=SearchVector("title", weight="A", config="german")
        + SearchVector("summary", "target_group", weight="B", config="german")
        + SearchVector("description", weight="C", config="german")
        + SearchVector(
            Coalesce(Subquery(topic_name), Value(""), output_field=TextField()),
            Coalesce(Subquery(speakers), Value(""), output_field=TextField()),
            weight="B",
            config="german",
        )
    )


def publish_course(*, course: Course) -> Course:
    """Make a course public; people who wished for its topic hear of it once."""
    with transaction.atomic():
        course = _locked_course(course)
        if not course.dates.exists():
            raise TrainingError(_("A course needs at least one date before it is published."))
        if course.needs_venue and course.venue_id is None:
            raise TrainingError(_("A course in person needs a venue."), field="venue")
        if course.status == Course.Status.PUBLISHED:
            return course
        refresh_course_dates(course=course)
        course.status = Course.Status.PUBLISHED
        course.published_at = course.published_at or timezone.now()
        course.save(update_fields=["status", "published_at", "updated_at"])
        _notify_wishes(course)
    return course


def unpublish_course(*, course: Course) -> Course:
    """Back to draft: the course leaves the catalogue; registrations stay as they are."""
    with transaction.atomic():
        course = _locked_course(course)
        course.status = Course.Status.DRAFT
        course.save(update_fields=["status", "updated_at"])
    return course


def _notify_wishes(course: Course) -> None:
    if course.starts_at is None or course.starts_at <= timezone.now():
        return
    wishes = (
        CourseWish.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(topic_id=course.topic_id, notify=True, notified_at__isnull=True)
    )
    now = timezone.now()
    for wish in wishes:
        emails.wish_fulfilled(wish, course)
        wish.notified_at, wish.notified_course = now, course
        wish.save(update_fields=["notified_at", "notified_course"])


def wish_course(*, user, topic: Topic | None, text: str = "", notify: bool = True) -> CourseWish:
    """Record what a person would like to learn; with a topic, optionally a notice when a
    course on it is published. One open notice per person and topic."""
    text = (text or "").strip()[:2000]
    if topic is None and not text:
        raise TrainingError(_("Please choose a topic or describe your wish."), field="text")
    with transaction.atomic():
        if topic is not None and notify:
            open_wish = CourseWish.objects.filter(
                user=user, topic=topic, notify=True, notified_at__isnull=True
            ).first()
            if open_wish is not None:
                if text and text not in open_wish.text:
                    open_wish.text = (open_wish.text + "\n\n" + text).strip()[:2000]
                    open_wish.save(update_fields=["text"])
                return open_wish
        return CourseWish.objects.create(
            user=user, topic=topic, text=text, notify=bool(topic and notify)
        )


def mark_attendance(*, registrations, attended: bool) -> int:
    """Record who came (bulk, from the participant list). Only confirmed seats of courses that
    have begun; returns how many were marked."""
    value = Registration.Attendance.ATTENDED if attended else Registration.Attendance.NO_SHOW
    ids = [r.pk for r in registrations]
    with transaction.atomic():
        return (
            Registration.objects.filter(
                pk__in=ids,
                status=Registration.Status.CONFIRMED,
                course__starts_at__lte=timezone.now(),
            )
            .exclude(attendance=value)
            .update(attendance=value)
        )


def course_hours(course: Course) -> Decimal:
    seconds = sum(d.duration.total_seconds() for d in course.dates.all())
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))


def dates_text(course: Course) -> str:
    parts = []
    for date in course.dates.all():
        start, end = timezone.localtime(date.starts_at), timezone.localtime(date.ends_at)
        parts.append(f"{start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M}")
    return "; ".join(parts)[:500]


def _new_code() -> str:
    raw = "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_certificate(*, registration: Registration) -> Certificate:
    """A certificate for someone who attended a course that gives one; idempotent."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("course", "user")
            .get(pk=registration.pk)
        )
        existing = Certificate.objects.filter(registration=registration).first()
        if existing is not None:
            return existing
        course = registration.course
        if not course.certificate:
            raise TrainingError(_("This course does not give a certificate."))
        if registration.attendance != Registration.Attendance.ATTENDED or registration.user is None:
            raise TrainingError(_("A certificate is only issued for attendance."))
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    return Certificate.objects.create(
                        registration=registration,
                        code=_new_code(),
                        holder_name=registration.user.get_full_name() or registration.user.email,
                        course_title=course.title,
                        dates_text=dates_text(course),
                        hours=course_hours(course),
                    )
            except IntegrityError:
                continue  # two certificates drew the same code: draw again
    raise TrainingError(_("Please try again."))


def issue_certificates(*, course: Course) -> int:
    """Certificates for every attendee of a course (admin action); returns how many are new."""
    attendees = course.registrations.filter(
        status=Registration.Status.CONFIRMED,
        attendance=Registration.Attendance.ATTENDED,
        certificate__isnull=True,
        user__isnull=False,
    )
    count = 0
    for registration in attendees:
        issue_certificate(registration=registration)
        count += 1
    return count


def give_feedback(*, registration: Registration, rating: int, comment: str = "") -> Feedback:
    """One feedback per attended registration."""
    if not 1 <= int(rating) <= 5:
        raise TrainingError(_("Please choose a rating from 1 to 5."), field="rating")
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                registration=registration, rating=int(rating), comment=(comment or "")[:3000]
            )
    except IntegrityError as exc:
        raise TrainingError(_("Thank you – your feedback has already been received.")) from exc


def send_reminders(*, now=None, days_before: int = 3) -> int:
    """Hourly: a reminder to confirmed participants of courses that begin within the next
    `days_before` days. The outbox key sends each once."""
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            course__status=Course.Status.PUBLISHED,
            course__starts_at__gt=now,
            course__starts_at__lte=now + timedelta(days=days_before),
            user__isnull=False,
        )
        .select_related("course", "course__venue", "user")
        .prefetch_related("course__dates")
    )
    count = 0
    for registration in due:
        with transaction.atomic():
            emails.reminder(registration)
        count += 1
    return count


def send_thank_yous(*, now=None) -> int:
    """Daily: after a course has ended, thank the attendees and ask for feedback (once)."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        Q(status=Registration.Status.CONFIRMED)
        & Q(attendance=Registration.Attendance.ATTENDED)
        & Q(user__isnull=False),
        course__ends_at__lte=now,
        course__ends_at__gt=now - timedelta(days=30),
        feedback__isnull=True,
    ).select_related("course", "user")
    count = 0
    for registration in due:
        with transaction.atomic():
            emails.thank_you(registration)
        count += 1
    return count
