"""Meine Fortbildungen /konto/fortbildungen/: upcoming (confirmed, waitlisted with the
position), past with attendance and certificates, cancelled; the Mein Konto section; query
counts that do not grow with the registrations."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.queries import forget_caches
from tests.trainings.factories import CourseFactory, past_course
from tests.trainings.helpers import html, text
from trainings import services
from trainings.models import Course, Registration

MINE = reverse("trainings:my_trainings")


def attended(user, **course_values) -> Registration:
    """A confirmed seat in a course of last week, marked as attended."""
    course = past_course(**course_values)
    registration = Registration.objects.create(
        course=course, user=user, status=Registration.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    services.mark_attendance(registrations=[registration], attended=True)
    registration.refresh_from_db()
    return registration


def _section(page: str, title: str, next_title: str | None) -> str:
    part = page.split(title, 1)[1]
    return part.split(next_title, 1)[0] if next_title else part


@pytest.mark.django_db
def test_upcoming_past_and_cancelled_are_listed_with_their_status(client, user):
    confirmed = services.register(course=CourseFactory(title="Kasse kompakt"), user=user)
    full = CourseFactory(title="Erste Hilfe", capacity=1)
    services.register(course=full, user=UserFactory())
    waiting = services.register(course=full, user=user)
    gone = services.register(course=CourseFactory(title="Abgemeldet"), user=user)
    services.cancel_registration(registration=gone)
    held = attended(user, title="Datenschutz")
    client.force_login(user)
    response = client.get(MINE)
    page = text(response)
    upcoming = _section(page, "Kommende Fortbildungen", "Vergangene Fortbildungen")
    assert "Kasse kompakt" in upcoming
    assert "Platz bestätigt" in upcoming
    assert "Erste Hilfe" in upcoming
    assert "Warteliste, Position 1" in upcoming
    assert "Abgemeldet" not in upcoming
    past = _section(page, "Vergangene Fortbildungen", "Stornierte Anmeldungen")
    assert "Datenschutz" in past
    assert "teilgenommen" in past
    assert "Abgemeldet" in _section(page, "Stornierte Anmeldungen", None)
    source = html(response)
    for registration in (confirmed, waiting):
        assert f'href="{reverse("trainings:cancel", args=[registration.pk])}"' in source
    assert f'href="{reverse("trainings:ics", args=[confirmed.course.slug])}"' in source
    assert reverse("trainings:cancel", args=[held.pk]) not in source
    assert held.pk


@pytest.mark.django_db
def test_a_certificate_is_linked_with_its_verification_code(client, user):
    registration = attended(user, title="Vereinsrecht")
    certificate = services.issue_certificate(registration=registration)
    client.force_login(user)
    response = client.get(MINE)
    source = html(response)
    assert f'href="{reverse("trainings:certificate_pdf", args=[registration.pk])}"' in source
    assert certificate.code in text(response)
    assert reverse("trainings:verify_code", args=[certificate.code]) in source


@pytest.mark.django_db
def test_an_attendee_without_certificate_gets_no_link(client, user):
    registration = attended(user, title="Ohne Bescheinigung")
    client.force_login(user)
    assert reverse("trainings:certificate_pdf", args=[registration.pk]) not in html(
        client.get(MINE)
    )


@pytest.mark.django_db
def test_after_the_cancellation_deadline_the_page_says_to_call(client, user):
    registration = services.register(course=CourseFactory(), user=user)
    Course.objects.filter(pk=registration.course_id).update(cancellation_deadline=timezone.now())
    client.force_login(user)
    response = client.get(MINE)
    assert reverse("trainings:cancel", args=[registration.pk]) not in html(response)
    assert "Für eine Abmeldung im Portal ist es zu spät" in text(response)


@pytest.mark.django_db
def test_nothing_of_other_people_is_shown(client, user, other_user):
    services.register(course=CourseFactory(title="Fremder Kurs"), user=other_user)
    client.force_login(user)
    page = text(client.get(MINE))
    assert "Fremder Kurs" not in page
    assert "Sie sind für keine kommende Fortbildung angemeldet." in page


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={MINE}"


# --- Mein Konto -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_account_page_has_the_trainings_section(client, user):
    services.register(course=CourseFactory(title="Kasse kompakt"), user=user)
    client.force_login(user)
    response = client.get(reverse("account_overview"))
    source = html(response)
    assert 'id="my-trainings"' in source
    assert "Kasse kompakt" in text(response)
    assert f'href="{MINE}"' in source
    assert f'href="{reverse("trainings:wish")}"' in source


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("number", [2, 20])
def test_the_page_needs_the_same_queries_for_few_and_many_registrations(
    client, user, django_assert_num_queries, number
):
    for n in range(number):
        registration = services.register(course=CourseFactory(), user=user)
        if n % 3 == 1:
            services.cancel_registration(registration=registration)
    for _ in range(number // 2):
        services.issue_certificate(registration=attended(user))
    client.force_login(user)
    forget_caches()
    # Session, user, site configuration, the registrations with course, venue, topic and
    # certificate, the courses' dates.
    with django_assert_num_queries(5):
        response = client.get(MINE)
    assert len(re.findall(r'class="portal-result"', html(response))) == number + number // 2
