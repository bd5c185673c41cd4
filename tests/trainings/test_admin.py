"""Qualifizierung in admin: who sees it, the course list with its seat columns, capacity and
dates through the services, publishing, the participants' actions, CSV, sign-in sheet and
statistics."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from mailings.models import Email
from portal.staff_groups import BERATUNG, QUALIFIZIERUNG, REDAKTION, VERNETZUNG
from tests.advice.staff_helpers import form_data, logged_in
from tests.factories import UserFactory
from tests.queries import assert_queries_do_not_grow
from trainings import services
from trainings.models import Certificate, Course, CourseWish, Feedback, Registration

from .factories import CourseFactory, VenueFactory, past_course, topic

pytestmark = pytest.mark.django_db

COURSES = "admin:trainings_course_changelist"
REGISTRATIONS = "admin:trainings_registration_changelist"


def _change(course):
    return reverse("admin:trainings_course_change", args=[course.pk])


def _fill(course, confirmed: int, waiting: int = 0) -> list[Registration]:
    return [
        services.register(course=course, user=UserFactory()) for _ in range(confirmed + waiting)
    ]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Who sees what --------------------------------------------------------------------------------


def _every_trainings_admin_page():
    course = past_course()
    registration = Registration.objects.create(
        course=course, user=UserFactory(), status="confirmed", attendance="attended"
    )
    certificate = services.issue_certificate(registration=registration)
    wish = CourseWish.objects.create(user=UserFactory(), topic=topic(), text="Kasse")
    feedback = Feedback.objects.create(registration=registration, rating=4)
    pages = [reverse(COURSES), _change(course), reverse("admin:trainings_course_add")]
    pages += [
        reverse("admin:trainings_statistics"),
        reverse("admin:trainings_participants_csv", args=[course.pk]),
        reverse("admin:trainings_sign_in_sheet", args=[course.pk]),
        reverse(REGISTRATIONS) + f"?course__id__exact={course.pk}",
        reverse("admin:trainings_registration_change", args=[registration.pk]),
        reverse("admin:trainings_certificate_changelist"),
        reverse("admin:trainings_certificate_change", args=[certificate.pk]),
        reverse("admin:trainings_certificate_pdf", args=[certificate.pk]),
        reverse("admin:trainings_coursewish_changelist"),
        reverse("admin:trainings_coursewish_change", args=[wish.pk]),
        reverse("admin:trainings_feedback_changelist"),
        reverse("admin:trainings_feedback_change", args=[feedback.pk]),
        reverse("admin:trainings_topic_changelist"),
        reverse("admin:trainings_venue_changelist"),
        reverse("admin:trainings_venue_change", args=[course.venue_id]),
        reverse("admin:trainings_speaker_changelist"),
        reverse("admin:app_list", args=["trainings"]),
    ]
    return pages


@pytest.mark.parametrize("group", [BERATUNG, VERNETZUNG, REDAKTION, None])
def test_other_staff_see_nothing_of_trainings(client, group):
    pages = _every_trainings_admin_page()
    logged_in(client, group)
    for page in pages[:-1]:
        assert client.get(page).status_code == 403, page
    assert client.get(pages[-1]).status_code == 404  # the app's index: Django names nothing
    assert "/admin/trainings/" not in client.get(reverse("admin:index")).content.decode()


def test_qualifizierung_reaches_every_trainings_page(client):
    pages = _every_trainings_admin_page()
    logged_in(client, QUALIFIZIERUNG)
    for page in pages:
        assert client.get(page).status_code == 200, page
    index = client.get(reverse("admin:app_list", args=["trainings"])).content.decode()
    assert reverse("admin:trainings_statistics") in index


def test_anonymous_and_volunteers_are_sent_to_the_login(client):
    pages = _every_trainings_admin_page()
    for page in pages:
        assert client.get(page).status_code == 302, page
    client.force_login(UserFactory())
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert "/login/" in response["Location"]


# --- The course list ------------------------------------------------------------------------------


def test_the_course_list_shows_seats_and_waiting_list_at_a_constant_cost(client):
    logged_in(client, QUALIFIZIERUNG)
    full = CourseFactory(capacity=2, title="Vereinsrecht kompakt")
    _fill(full, 2, waiting=3)

    def add(count):
        for _ in range(count):
            _fill(CourseFactory(capacity=3), 1)

    # 11: session, user, permissions, the counts, the rows with their seat annotation, and
    # the filters' choices (topics, Ämter, dates) — the same for 4 and 31 courses.
    _small, large = assert_queries_do_not_grow(
        lambda: client.get(reverse(COURSES)), add_rows=add, queries=11
    )
    row = next(c for c in large.context["cl"].result_list if c.pk == full.pk)
    assert (row.confirmed_count, row.waitlist_count) == (2, 3)
    html = large.content.decode()
    assert "2 / 2" in html


def test_the_course_list_filters_by_the_venues_amt_and_tolerates_junk(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory()
    amt = course.venue.municipality.amt
    other = CourseFactory(venue=VenueFactory())
    url = reverse(COURSES)
    if amt is not None:
        listed = client.get(url, {"amt": amt.pk}).context["cl"].result_list
        assert course in listed
    assert client.get(url, {"amt": "x"}).status_code in (200, 302)
    assert client.get(url, {"amt": "\x00"}).status_code in (200, 302)
    assert client.get(url, {"when": "upcoming"}).status_code == 200
    assert other in client.get(url, {"status__exact": "published"}).context["cl"].result_list


# --- Capacity and dates through the services ------------------------------------------------------


def test_raising_the_seats_promotes_from_the_waiting_list_in_order_and_says_how_many(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory(capacity=2)
    registrations = _fill(course, 2, waiting=3)
    data = form_data(client.get(_change(course)), "course_form")
    data["capacity"] = "4"
    response = client.post(_change(course), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    course.refresh_from_db()
    assert course.capacity == 4
    statuses = [
        Registration.objects.get(pk=r.pk).status for r in registrations
    ]  # the first two waiting moved up, the third is now first in line
    assert statuses == ["confirmed", "confirmed", "confirmed", "confirmed", "waitlisted"]
    assert Registration.objects.get(pk=registrations[4].pk).position == 1
    assert Email.objects.filter(key__endswith=":promoted").count() == 2
    assert any("2" in message for message in _messages(response))


def test_lowering_the_seats_below_the_confirmed_is_refused_and_nothing_is_saved(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory(capacity=3, title="Kassenführung im Verein")
    _fill(course, 3)
    data = form_data(client.get(_change(course)), "course_form")
    data["capacity"] = "2"
    data["title"] = "Neuer Titel"
    response = client.post(_change(course), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "capacity" in errors
    assert "3" in errors["capacity"][0]
    course.refresh_from_db()
    assert (course.capacity, course.title) == (3, "Kassenführung im Verein")


def test_lowering_the_seats_to_the_confirmed_count_is_allowed(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory(capacity=5)
    _fill(course, 3)
    data = form_data(client.get(_change(course)), "course_form")
    data["capacity"] = "3"
    assert client.post(_change(course), data).status_code == 302
    course.refresh_from_db()
    assert course.capacity == 3


def test_saving_the_dates_copies_first_and_last_onto_the_course(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory()
    data = form_data(client.get(_change(course)), "course_form")
    start = timezone.localtime(timezone.now() + timedelta(days=40)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    index = int(data["dates-TOTAL_FORMS"]) - 1  # the empty extra row
    data[f"dates-{index}-starts_at_0"] = f"{start:%d.%m.%Y}"
    data[f"dates-{index}-starts_at_1"] = "18:00:00"
    data[f"dates-{index}-ends_at_0"] = f"{start:%d.%m.%Y}"
    data[f"dates-{index}-ends_at_1"] = "21:00:00"
    response = client.post(_change(course), data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    course.refresh_from_db()
    assert course.dates.count() == 2
    assert course.ends_at == start + timedelta(hours=3)


def test_a_date_that_ends_before_it_starts_is_a_form_error(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory()
    data = form_data(client.get(_change(course)), "course_form")
    data["dates-0-ends_at_1"] = "00:00:00"
    data["dates-0-starts_at_1"] = "23:00:00"
    response = client.post(_change(course), data)
    assert response.status_code == 200


# --- Publishing -----------------------------------------------------------------------------------


def test_publishing_tells_the_wishes_once_and_unpublishing_keeps_registrations(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory(status=Course.Status.DRAFT, published_at=None)
    wish = services.wish_course(user=UserFactory(), topic=course.topic)
    action = {"_selected_action": [course.pk]}
    response = client.post(reverse(COURSES), {**action, "action": "publish"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == "published"
    assert Email.objects.filter(key=f"trainings:wish:{wish.pk}:course:{course.pk}").count() == 1
    client.post(reverse(COURSES), {**action, "action": "unpublish"})
    course.refresh_from_db()
    assert course.status == "draft"
    client.post(reverse(COURSES), {**action, "action": "publish"})
    assert Email.objects.filter(template="emails/trainings/wish_fulfilled").count() == 1


def test_a_course_without_dates_is_not_published_and_staff_are_told_why(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory(status=Course.Status.DRAFT, dates=[])
    response = client.post(reverse(COURSES), {"_selected_action": [course.pk], "action": "publish"})
    course.refresh_from_db()
    assert course.status == "draft"
    assert any(course.title in message for message in _messages(response))


# --- Participants ---------------------------------------------------------------------------------


def _act(client, action, registrations, **extra):
    return client.post(
        reverse(REGISTRATIONS),
        {"_selected_action": [r.pk for r in registrations], "action": action, **extra},
    )


def test_the_participant_page_of_a_course_lists_confirmed_waiting_and_cancelled(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory(capacity=1)
    first, second, third = _fill(course, 1, waiting=2)
    services.cancel_registration(registration=second)
    other = CourseFactory()
    _fill(other, 1)
    response = client.get(reverse(REGISTRATIONS), {"course__id__exact": course.pk})
    listed = list(response.context["cl"].result_list)
    assert {r.pk for r in listed} == {first.pk, second.pk, third.pk}
    html = response.content.decode()
    assert reverse("admin:trainings_participants_csv", args=[course.pk]) in html
    assert reverse("admin:trainings_sign_in_sheet", args=[course.pk]) in html
    assert 'id="course-summary"' in html
    assert html.count("<h1") == 1
    assert course.title in html


def test_attendance_is_marked_in_bulk_for_a_course_that_has_begun(client):
    logged_in(client, QUALIFIZIERUNG)
    course = past_course()
    came, missed = (
        Registration.objects.create(course=course, user=UserFactory(), status="confirmed")
        for _ in range(2)
    )
    _act(client, "mark_attended", [came])
    _act(client, "mark_no_show", [missed])
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attendance, missed.attendance) == ("attended", "no_show")
    upcoming = _fill(CourseFactory(), 1)[0]
    response = _act(client, "mark_attended", [upcoming])
    upcoming.refresh_from_db()
    assert upcoming.attendance == ""
    assert _messages(response)  # told why nothing happened


def test_certificates_are_issued_for_attendees_only_and_once(client):
    logged_in(client, QUALIFIZIERUNG)
    course = past_course()
    came = Registration.objects.create(
        course=course, user=UserFactory(), status="confirmed", attendance="attended"
    )
    missed = Registration.objects.create(
        course=course, user=UserFactory(), status="confirmed", attendance="no_show"
    )
    _act(client, "issue_certificates", [came, missed])
    _act(client, "issue_certificates", [came])
    assert Certificate.objects.filter(registration=came).count() == 1
    assert not Certificate.objects.filter(registration=missed).exists()


def test_the_office_cancels_after_a_confirmation_and_the_first_waiting_moves_up(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory(capacity=1, cancellation_deadline=timezone.now() - timedelta(days=1))
    seat, waiting = _fill(course, 1, waiting=1)
    response = _act(client, "cancel_by_office", [seat])
    assert response.status_code == 200  # the confirmation page
    seat.refresh_from_db()
    assert seat.status == "confirmed"
    _act(client, "cancel_by_office", [seat], post="yes")
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert (seat.status, seat.cancelled_by_office) == ("cancelled", True)
    assert waiting.status == "confirmed"


def test_the_participant_csv_cannot_run_formulas(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory()
    person = UserFactory(first_name="=HYPERLINK(1)", last_name="@SUM(A1)")
    services.register(course=course, user=person, needs="+49 vegetarisch")
    response = client.get(reverse("admin:trainings_participants_csv", args=[course.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    row = rows[1]
    assert "'=HYPERLINK(1)" in row
    assert "'@SUM(A1)" in row
    assert "'+49 vegetarisch" in row
    assert person.email in row


def test_the_csv_action_exports_the_selected(client):
    logged_in(client, QUALIFIZIERUNG)
    registrations = _fill(CourseFactory(), 2)
    response = _act(client, "export_csv", registrations[:1])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2


def test_the_sign_in_sheet_is_a_pdf(client):
    logged_in(client, QUALIFIZIERUNG)
    course = CourseFactory()
    _fill(course, 2)
    response = client.get(reverse("admin:trainings_sign_in_sheet", args=[course.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/admin/trainings/course/{2**40}/sign-in-sheet.pdf").status_code == 404


def test_the_course_page_shows_the_average_rating(client):
    logged_in(client, QUALIFIZIERUNG)
    course = past_course()
    for rating in (4, 5):
        registration = Registration.objects.create(
            course=course, user=UserFactory(), status="confirmed", attendance="attended"
        )
        services.give_feedback(registration=registration, rating=rating)
    html = client.get(_change(course)).content.decode()
    assert "4.5" in html or "4,5" in html


def test_a_new_course_with_dates_is_saved_as_a_draft_with_its_span_and_search_text(client):
    logged_in(client, QUALIFIZIERUNG)
    venue = VenueFactory()
    add = reverse("admin:trainings_course_add")
    data = form_data(client.get(add), "course_form")
    start = timezone.localtime(timezone.now() + timedelta(days=30))
    data.update(
        {
            "title": "Datenschutz im Verein",
            "slug": "datenschutz-im-verein",
            "topic": str(topic("datenschutz-digitales").pk),
            "summary": "Mitgliederlisten und Fotos nach der DSGVO.",
            "description": "Was Vereine beim Datenschutz beachten müssen.",
            "format": "on_site",
            "venue": str(venue.pk),
            "capacity": "12",
            "dates-0-starts_at_0": f"{start:%d.%m.%Y}",
            "dates-0-starts_at_1": "18:00:00",
            "dates-0-ends_at_0": f"{start:%d.%m.%Y}",
            "dates-0-ends_at_1": "20:30:00",
        }
    )
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    course = Course.objects.get(slug="datenschutz-im-verein")
    assert course.status == "draft"
    assert course.starts_at is not None
    assert course.ends_at - course.starts_at == timedelta(hours=2, minutes=30)
    assert Course.objects.filter(pk=course.pk, search_vector="datenschutz").exists()
