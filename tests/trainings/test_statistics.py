"""Trainings in numbers: registrations, attendance rate and waiting lists per course, topic
and month — counts only, at a cost that does not grow with the courses."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.staff_groups import QUALIFIZIERUNG
from tests.advice.staff_helpers import logged_in
from tests.factories import UserFactory
from tests.queries import assert_queries_do_not_grow
from trainings import services
from trainings.models import Course, Registration
from trainings.statistics import default_period, training_report

from .factories import CourseFactory, past_course, topic

pytestmark = pytest.mark.django_db

STATISTICS = "admin:trainings_statistics"


def _row(table, label_start: str):
    return next(row for row in table.rows if row.label.startswith(label_start))


def _courses_with_registrations():
    full = CourseFactory(capacity=2, title="Vereinsrecht kompakt", topic=topic("vereinsrecht"))
    registrations = [services.register(course=full, user=UserFactory()) for _ in range(5)]
    services.cancel_registration(registration=registrations[4])  # leaves the waiting list
    held = past_course(capacity=4, title="Kassenführung", topic=topic("finanzen"))
    for attendance in ("attended", "attended", "attended", "no_show"):
        Registration.objects.create(
            course=held, user=UserFactory(), status="confirmed", attendance=attendance
        )
    CourseFactory(status=Course.Status.DRAFT, title="Entwurf")  # drafts do not count
    return full, held


def test_counts_per_course_topic_and_month_with_the_attendance_rate():
    _courses_with_registrations()
    report = training_report()
    per_course, per_topic, per_month = report.tables
    row = _row(per_course, "Vereinsrecht kompakt")
    assert (row.registered, row.confirmed, row.waiting, row.cancelled) == (4, 2, 2, 1)
    assert row.capacity == 2
    assert row.attendance_rate is None  # nothing recorded yet
    row = _row(per_course, "Kassenführung")
    assert (row.attended, row.no_show, row.attendance_rate) == (3, 1, 75)
    assert not [r for r in per_course.rows if r.label.startswith("Entwurf")]
    finance = _row(per_topic, topic("finanzen").name)
    assert (finance.courses, finance.confirmed, finance.attended) == (1, 4, 3)
    assert _row(per_topic, topic("kinderschutz").name).registered == 0  # every topic shown
    assert sum(r.registered for r in per_month.rows) == report.total.registered == 8
    assert report.total.attendance_rate == 75


def test_a_course_counts_in_the_month_it_begins_and_the_default_period():
    assert default_period(date(2026, 11, 26)) == (date(2025, 12, 1), date(2027, 2, 26))
    _full, held = _courses_with_registrations()
    day = timezone.localdate(held.starts_at)
    report = training_report(since=day, until=day)
    assert [r.label for r in report.tables[0].rows] == [f"Kassenführung ({day:%d.%m.%Y})"]
    assert [r.label for r in report.tables[2].rows if r.registered] == [
        r.label for r in report.tables[2].rows
    ]  # one month, with the course's four registrations
    assert report.total.registered == 4


def test_the_statistics_page_answers_at_a_constant_cost(client):
    logged_in(client, QUALIFIZIERUNG)

    def add(count):
        for _ in range(count):
            course = CourseFactory(capacity=2)
            services.register(course=course, user=UserFactory())

    # 12: session, user, permissions (and the app list), the total, one per table (courses;
    # topics with their registrations and courses; months) — for 3 courses as for 30.
    _small, large = assert_queries_do_not_grow(
        lambda: client.get(reverse(STATISTICS)), add_rows=add, queries=12
    )
    assert large.context["report"].total.registered == 30


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-05-01", "until": "2026-04-01"},
        {"since": "1900-01-01"},
        {"since": "kaputt"},
        {"since": "2000-01-01", "until": "2099-01-01"},
    ],
)
def test_bad_periods_are_form_errors_not_failures(client, params):
    logged_in(client, QUALIFIZIERUNG)
    response = client.get(reverse(STATISTICS), params)
    assert response.status_code == 200
    assert response.context["report"] is None


def test_staff_without_the_statistics_permission_get_403(client):
    logged_in(client, None)
    assert client.get(reverse(STATISTICS)).status_code == 403
