"""The rules of Qualifizierung, one service at a time (the races are in
test_registration_race.py): seats and the waiting list, deadlines, capacity, publishing and
wishes, attendance, certificates, reminders, thank-yous and feedback — with the mails each
writes into the outbox."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mailings.models import Email
from tests.factories import UserFactory
from trainings import services
from trainings.exceptions import TrainingError
from trainings.models import Certificate, Course, Feedback, Registration

from .factories import CourseFactory, past_course, topic

pytestmark = pytest.mark.django_db


def _keys(registration, *, contains: str = "") -> list[str]:
    prefix = f"trainings:registration:{registration.pk}:"
    keys = Email.objects.filter(key__startswith=prefix).values_list("key", flat=True)
    return sorted(key.removeprefix(prefix) for key in keys if contains in key)


def _register(course, count: int) -> list[Registration]:
    return [services.register(course=course, user=UserFactory()) for _ in range(count)]


def _waiting_positions(course) -> list[tuple[int, int]]:
    waiting = course.registrations.filter(status="waitlisted").order_by("position")
    return list(waiting.values_list("pk", "position"))


def _attended(course=None) -> Registration:
    course = course or past_course()
    return Registration.objects.create(
        course=course, user=UserFactory(), status="confirmed", attendance="attended"
    )


# --- Registering ----------------------------------------------------------------------------------


def test_a_free_seat_confirms_and_mails_the_confirmation_with_the_calendar():
    course = CourseFactory(capacity=2)
    registration = services.register(course=course, user=UserFactory(), needs=" vegetarisch ")
    assert registration.status == "confirmed"
    assert registration.position is None
    assert registration.confirmed_at is not None
    assert registration.needs == "vegetarisch"
    mail = Email.objects.get(key=f"trainings:registration:{registration.pk}:1:confirmed")
    assert mail.template == "emails/trainings/confirmed"
    assert mail.to == registration.user.email


def test_when_the_seats_are_taken_people_queue_in_order_with_a_waitlist_mail():
    course = CourseFactory(capacity=1)
    seat, first, second = _register(course, 3)
    assert seat.status == "confirmed"
    assert (first.status, first.position) == ("waitlisted", 1)
    assert (second.status, second.position) == ("waitlisted", 2)
    assert _keys(first) == ["1:waitlisted"]


def test_registering_twice_is_refused_and_nothing_changes():
    course = CourseFactory()
    person = UserFactory()
    services.register(course=course, user=person)
    with pytest.raises(TrainingError):
        services.register(course=course, user=person)
    assert course.registrations.count() == 1
    assert Email.objects.count() == 1


def test_after_cancelling_a_person_registers_again_in_a_new_round_with_new_mails():
    course = CourseFactory(capacity=3)
    registration = services.register(course=course, user=UserFactory())
    services.cancel_registration(registration=registration)
    again = services.register(course=course, user=registration.user)
    assert again.pk == registration.pk
    assert (again.status, again.round, again.cancelled_at) == ("confirmed", 2, None)
    assert _keys(again) == ["1:cancelled", "1:confirmed", "2:confirmed"]


def test_registration_closes_at_its_deadline_and_for_drafts():
    closed = CourseFactory(registration_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(TrainingError):
        services.register(course=closed, user=UserFactory())
    draft = CourseFactory(status=Course.Status.DRAFT)
    with pytest.raises(TrainingError):
        services.register(course=draft, user=UserFactory())
    with pytest.raises(TrainingError):
        services.register(course=past_course(), user=UserFactory())
    assert not Registration.objects.exists()


# --- Cancelling and the waiting list --------------------------------------------------------------


def test_a_cancelled_seat_goes_to_the_first_waiting_who_is_mailed_and_the_rest_move_up():
    course = CourseFactory(capacity=1)
    seat, first, second, third = _register(course, 4)
    services.cancel_registration(registration=seat)
    first.refresh_from_db()
    assert (first.status, first.position) == ("confirmed", None)
    assert _keys(first) == ["1:promoted", "1:waitlisted"]
    assert _waiting_positions(course) == [(second.pk, 1), (third.pk, 2)]
    assert _keys(seat) == ["1:cancelled", "1:confirmed"]


def test_leaving_the_waiting_list_closes_the_gap_and_promotes_nobody():
    course = CourseFactory(capacity=1)
    seat, first, second, third = _register(course, 4)
    services.cancel_registration(registration=second)
    assert _waiting_positions(course) == [(first.pk, 1), (third.pk, 2)]
    seat.refresh_from_db()
    assert seat.status == "confirmed"
    assert not Email.objects.filter(key__endswith=":promoted").exists()


def test_the_waiting_list_may_be_left_after_the_cancellation_deadline():
    course = CourseFactory(capacity=1, cancellation_deadline=timezone.now() - timedelta(hours=1))
    _seat, waiting = _register(course, 2)
    services.cancel_registration(registration=waiting)
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"


def test_after_the_cancellation_deadline_the_person_cannot_cancel_but_the_office_can():
    course = CourseFactory(capacity=1, cancellation_deadline=timezone.now() - timedelta(hours=1))
    seat, waiting = _register(course, 2)
    with pytest.raises(TrainingError):
        services.cancel_registration(registration=seat)
    seat.refresh_from_db()
    assert seat.status == "confirmed"
    services.cancel_registration(registration=seat, by_office=True)
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert (seat.status, seat.cancelled_by_office) == ("cancelled", True)
    assert waiting.status == "confirmed"


def test_cancelling_twice_is_refused():
    registration = _register(CourseFactory(), 1)[0]
    services.cancel_registration(registration=registration)
    with pytest.raises(TrainingError):
        services.cancel_registration(registration=registration)


def test_a_seat_freed_after_the_course_began_promotes_nobody():
    course = past_course(capacity=1)
    seat = Registration.objects.create(course=course, user=UserFactory(), status="confirmed")
    waiting = Registration.objects.create(
        course=course, user=UserFactory(), status="waitlisted", position=1
    )
    services.cancel_registration(registration=seat, by_office=True)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


# --- Capacity -------------------------------------------------------------------------------------


def test_raising_the_seats_promotes_that_many_in_order_and_mails_each():
    course = CourseFactory(capacity=2)
    registrations = _register(course, 6)
    waiting = registrations[2:]
    promoted = services.change_capacity(course=course, capacity=4)
    assert [r.pk for r in promoted] == [r.pk for r in waiting[:2]]
    assert _waiting_positions(course) == [(waiting[2].pk, 1), (waiting[3].pk, 2)]
    assert Email.objects.filter(key__endswith=":promoted").count() == 2
    course.refresh_from_db()
    assert course.capacity == 4


def test_lowering_the_seats_below_the_confirmed_is_refused_and_nothing_changes():
    course = CourseFactory(capacity=3)
    _register(course, 4)
    with pytest.raises(TrainingError) as error:
        services.change_capacity(course=course, capacity=2)
    assert error.value.field == "capacity"
    course.refresh_from_db()
    assert course.capacity == 3
    assert course.registrations.filter(status="confirmed").count() == 3
    with pytest.raises(TrainingError):
        services.change_capacity(course=course, capacity=0)


def test_lowering_the_seats_to_free_ones_promotes_nobody():
    course = CourseFactory(capacity=5)
    _register(course, 2)
    assert services.change_capacity(course=course, capacity=2) == []


# --- Publishing and wishes ------------------------------------------------------------------------


def test_publishing_tells_matching_wishes_once_and_no_other_course_mails_them_again():
    finance = topic("finanzen")
    wish = services.wish_course(user=UserFactory(), topic=finance, text="Kassenprüfung")
    other_topic = services.wish_course(user=UserFactory(), topic=topic("vereinsrecht"))
    course = CourseFactory(status=Course.Status.DRAFT, published_at=None, topic=finance)
    services.publish_course(course=course)
    wish.refresh_from_db()
    assert wish.notified_course_id == course.pk
    mails = Email.objects.filter(template="emails/trainings/wish_fulfilled")
    assert list(mails.values_list("to", flat=True)) == [wish.user.email]
    services.publish_course(course=course)  # already published: nothing new
    services.unpublish_course(course=course)
    services.publish_course(course=course)
    second = CourseFactory(status=Course.Status.DRAFT, published_at=None, topic=finance)
    services.publish_course(course=second)
    assert mails.count() == 1
    other_topic.refresh_from_db()
    assert other_topic.notified_at is None


def test_a_course_needs_a_date_and_in_person_a_venue_before_it_is_published():
    undated = CourseFactory(status=Course.Status.DRAFT, dates=[])
    with pytest.raises(TrainingError):
        services.publish_course(course=undated)
    homeless = CourseFactory(status=Course.Status.DRAFT, venue=None)
    with pytest.raises(TrainingError) as error:
        services.publish_course(course=homeless)
    assert error.value.field == "venue"
    online = CourseFactory(status=Course.Status.DRAFT, venue=None, format=Course.Format.ONLINE)
    assert services.publish_course(course=online).status == "published"


def test_unpublishing_takes_the_course_offline_and_keeps_its_registrations():
    course = CourseFactory()
    registration = _register(course, 1)[0]
    services.unpublish_course(course=course)
    course.refresh_from_db()
    registration.refresh_from_db()
    assert course.status == "draft"
    assert registration.status == "confirmed"
    assert not course.registration_open()


def test_one_open_wish_per_person_and_topic():
    person = UserFactory()
    first = services.wish_course(user=person, topic=topic(), text="Satzung")
    again = services.wish_course(user=person, topic=topic(), text="Haftung")
    assert first.pk == again.pk
    assert "Haftung" in again.text
    with pytest.raises(TrainingError):
        services.wish_course(user=person, topic=None, text=" ")


# --- Attendance and certificates ------------------------------------------------------------------


def test_attendance_only_for_confirmed_seats_of_courses_that_have_begun():
    course = past_course(capacity=1)
    seat = Registration.objects.create(course=course, user=UserFactory(), status="confirmed")
    waiting = Registration.objects.create(
        course=course, user=UserFactory(), status="waitlisted", position=1
    )
    upcoming = _register(CourseFactory(), 1)[0]
    marked = services.mark_attendance(registrations=[seat, waiting, upcoming], attended=True)
    assert marked == 1
    assert Registration.objects.get(pk=seat.pk).attendance == "attended"
    assert Registration.objects.get(pk=upcoming.pk).attendance == ""
    assert services.mark_attendance(registrations=[seat], attended=True) == 0
    assert services.mark_attendance(registrations=[seat], attended=False) == 1


def test_a_certificate_only_for_attendance_and_issued_once():
    registration = _attended()
    certificate = services.issue_certificate(registration=registration)
    again = services.issue_certificate(registration=registration)
    assert certificate.pk == again.pk
    assert Certificate.objects.count() == 1
    assert certificate.holder_name == registration.user.get_full_name()
    assert certificate.hours == 4
    assert len(certificate.code) == 14
    no_show = Registration.objects.create(
        course=registration.course, user=UserFactory(), status="confirmed", attendance="no_show"
    )
    unknown = Registration.objects.create(
        course=registration.course, user=UserFactory(), status="confirmed"
    )
    for other in (no_show, unknown):
        with pytest.raises(TrainingError):
            services.issue_certificate(registration=other)
    assert Certificate.objects.count() == 1


def test_no_certificate_for_a_course_that_gives_none():
    registration = _attended(past_course(certificate=False))
    with pytest.raises(TrainingError):
        services.issue_certificate(registration=registration)


def test_certificates_for_a_whole_course_count_only_the_new_ones():
    course = past_course()
    first, _second = _attended(course), _attended(course)
    services.issue_certificate(registration=first)
    assert services.issue_certificates(course=course) == 1
    assert services.issue_certificates(course=course) == 0


# --- Reminders, thank-yous, feedback --------------------------------------------------------------


def test_reminders_go_once_to_confirmed_participants_of_courses_soon():
    soon = timezone.now() + timedelta(days=2)
    course = CourseFactory(capacity=1, dates=[(soon, soon + timedelta(hours=2))])
    seat, waiting = _register(course, 2)
    later = CourseFactory(capacity=1)  # two weeks ahead
    _register(later, 1)
    assert services.send_reminders() == 1
    services.send_reminders()
    reminders = Email.objects.filter(key__endswith=":reminder")
    assert list(reminders.values_list("key", flat=True)) == [
        f"trainings:registration:{seat.pk}:1:reminder"
    ]
    assert not _keys(waiting, contains="reminder")


def test_thank_yous_go_once_to_attendees_after_the_course():
    course = past_course()
    came = _attended(course)
    Registration.objects.create(
        course=course, user=UserFactory(), status="confirmed", attendance="no_show"
    )
    services.send_thank_yous()
    services.send_thank_yous()
    thanks = Email.objects.filter(template="emails/trainings/thank_you")
    assert list(thanks.values_list("key", flat=True)) == [
        f"trainings:registration:{came.pk}:1:thank-you"
    ]


def test_feedback_once_per_registration_with_a_rating_from_1_to_5():
    registration = _attended()
    for bad in (0, 6):
        with pytest.raises(TrainingError):
            services.give_feedback(registration=registration, rating=bad)
    services.give_feedback(registration=registration, rating=5, comment="Sehr hilfreich")
    with pytest.raises(TrainingError):
        services.give_feedback(registration=registration, rating=4)
    assert Feedback.objects.get().rating == 5
