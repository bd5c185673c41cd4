"""Demo data of Qualifizierung: a realistic catalogue across the county's Ämter after
`seed_demo` — upcoming and past courses, online and hybrid ones, fees, full courses with a
waiting list, attendance, certificates, wishes and feedback — and the same again after a
second run."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from trainings.demo import COURSES, VOLUNTEER
from trainings.models import (
    Certificate,
    Course,
    CourseDate,
    CourseWish,
    Feedback,
    Registration,
    Speaker,
    Venue,
)

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", password="demo-pass-for-tests", verbosity=0)


def _snapshot() -> dict:
    return {
        model.__name__: sorted(
            tuple(str(value) for value in row)
            for row in model.objects.values_list(
                *[
                    f.attname
                    for f in model._meta.concrete_fields
                    if f.attname not in ("updated_at", "search_vector")
                ]
            )
        )
        for model in (
            Venue,
            Speaker,
            Course,
            CourseDate,
            Registration,
            Certificate,
            CourseWish,
            Feedback,
        )
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (the municipalities' import takes a moment)."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed()
        first = _snapshot()
        _seed()
        second = _snapshot()
        yield first, second
        transaction.set_rollback(True)


def test_a_second_seed_changes_nothing(seeded):
    first, second = seeded
    assert first == second
    assert len(first["Course"]) == len(COURSES)


def test_the_catalogue_has_25_to_40_published_courses_ahead_and_behind(seeded):
    courses = Course.objects.all()
    assert 25 <= courses.count() <= 40
    assert set(courses.values_list("status", flat=True)) == {"published"}
    now = timezone.now()
    assert courses.filter(starts_at__gt=now).count() >= 15
    assert courses.filter(ends_at__lt=now).count() >= 5
    assert {c.format for c in courses} == {"on_site", "online", "hybrid"}
    assert courses.filter(fee__gt=0).exists()
    assert courses.filter(dates__isnull=False).distinct().count() == courses.count()
    several = [c for c in courses.prefetch_related("dates") if len(c.dates.all()) > 1]
    assert several
    assert all(c.search_vector for c in courses)
    assert Course.objects.filter(title="Vereinsrecht kompakt").exists()
    assert Course.objects.filter(title="Juleica-Grundkurs").exists()


def test_the_venues_lie_in_real_places_across_several_amter(seeded):
    venues = Venue.objects.select_related("municipality__amt")
    amter = {v.municipality.amt.name for v in venues if v.municipality.amt_id}
    assert len(amter) >= 6
    towns = {v.municipality.name for v in venues}
    assert {"Rendsburg", "Eckernförde"} <= towns
    for course in Course.objects.exclude(format="online"):
        assert course.venue_id, course.slug


def test_some_courses_are_full_with_a_gapless_waiting_list(seeded):
    full = [
        c
        for c in Course.objects.with_seats()
        if c.confirmed_count == c.capacity and c.waitlist_count
    ]
    assert len(full) >= 2
    for course in Course.objects.with_seats():
        assert course.confirmed_count <= course.capacity, course.slug
        positions = sorted(
            course.registrations.filter(status="waitlisted").values_list("position", flat=True)
        )
        assert positions == list(range(1, len(positions) + 1)), course.slug


def test_past_courses_have_attendance_certificates_and_feedback(seeded):
    past = Registration.objects.filter(course__ends_at__lt=timezone.now())
    assert past.filter(attendance="attended").exists()
    assert past.filter(attendance="no_show").exists()
    attended = past.filter(attendance="attended", course__certificate=True)
    assert Certificate.objects.count() == attended.count()
    assert Feedback.objects.exists()
    assert (
        not Registration.objects.filter(course__starts_at__gt=timezone.now())
        .exclude(attendance="")
        .exists()
    )


def test_the_demo_volunteer_has_a_seat_a_waiting_place_and_a_certificate(seeded):
    mine = Registration.objects.filter(user__email=VOLUNTEER)
    now = timezone.now()
    assert mine.filter(status="confirmed", course__starts_at__gt=now).exists()
    assert mine.filter(status="waitlisted").exists()
    assert Certificate.objects.filter(registration__user__email=VOLUNTEER).exists()
    assert CourseWish.objects.filter(user__email=VOLUNTEER).exists()


def test_wishes_with_and_without_a_topic(seeded):
    assert CourseWish.objects.filter(topic__isnull=True).exists()
    assert CourseWish.objects.filter(topic__isnull=False, notify=True).exists()
