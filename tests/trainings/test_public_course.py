"""A course's page /fortbildungen/kurs/<slug>/ (what it shows, the person's own registration
state, drafts only for staff who may see courses, fixed query counts) and the calendar files
(one course, the feed of all public courses)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import StaffFactory, UserFactory
from tests.queries import forget_caches
from tests.trainings.factories import CourseFactory, VenueFactory, past_course, topic
from tests.trainings.helpers import bulk_courses, html, qualifizierung_staff, text
from trainings import services
from trainings.models import Course, Speaker


def _page(client, course):
    return client.get(reverse("trainings:course", args=[course.slug]))


@pytest.fixture
def course(db):
    start = timezone.now().replace(microsecond=0) + timedelta(days=14)
    course = CourseFactory(
        title="Kassenführung im Verein",
        target_group="Kassenwartinnen und Kassenwarte kleiner Vereine",
        fee=Decimal("15.00"),
        fee_note="Mitglieder des Kreissportverbands zahlen nichts",
        what_to_bring="Laptop und Kassenbuch",
        capacity=2,
        venue=VenueFactory(
            name="Bürgerhaus Hohn",
            street="Dorfstraße 3",
            postcode="24806",
            town="Hohn",
            step_free=True,
            hearing_loop=False,
            accessible_toilet=True,
            accessibility_notes="Rampe am Seiteneingang",
            directions="Bus 4401 bis Hohn, Schule",
        ),
        dates=[
            (start, start + timedelta(hours=3)),
            (start + timedelta(days=7), start + timedelta(days=7, hours=3)),
        ],
    )
    course.speakers.add(Speaker.objects.create(name="Petra Prüferin", role="Steuerberaterin"))
    return course


# --- What the page shows ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_everything_a_person_needs_to_decide(client, course):
    response = _page(client, course)
    assert response.status_code == 200
    page = text(response)
    for expected in (
        "Kassenführung im Verein",
        "Kassenwartinnen und Kassenwarte kleiner Vereine",
        "15,00 €",
        "Mitglieder des Kreissportverbands zahlen nichts",
        "Laptop und Kassenbuch",
        "Bürgerhaus Hohn",
        "Dorfstraße 3, 24806 Hohn",
        "Stufenloser Zugang: ja",
        "Induktive Höranlage: nein",
        "Barrierefreies WC: ja",
        "Rampe am Seiteneingang",
        "Bus 4401 bis Hohn, Schule",
        "Petra Prüferin",
        "Steuerberaterin",
        "Anmeldung bis",
        "Kostenfreie Abmeldung bis",
        "Teilnahmebescheinigung",
        "noch 2 Plätze",
    ):
        assert expected in page, expected
    for date in course.dates.all():
        local = timezone.localtime(date.starts_at)
        assert f"{local.day}. " in page
        assert f"{local:%H:%M}–" in page
    assert f'href="{reverse("trainings:ics", args=[course.slug])}"' in html(response)
    assert f'href="{reverse("trainings:register", args=[course.slug])}"' in html(response)
    assert html(response).count("<h1") == 1


@pytest.mark.django_db
def test_a_free_online_course_says_free_of_charge_and_shows_no_venue(client):
    course = CourseFactory(format=Course.Format.ONLINE, venue=None, online_info="geheimer-link")
    page = text(_page(client, course))
    assert "kostenfrei" in page
    assert "Online" in page
    assert "Stufenloser Zugang" not in page
    assert "geheimer-link" not in page  # the access goes to confirmed participants only


@pytest.mark.django_db
def test_a_full_course_offers_the_waiting_list(client, course):
    for _ in range(2):
        services.register(course=course, user=UserFactory())
    services.register(course=course, user=UserFactory())
    page = text(_page(client, course))
    assert "Warteliste" in page
    assert "Auf die Warteliste" in page
    assert "(1 Person wartet)" in page


@pytest.mark.django_db
def test_after_the_deadline_registration_is_closed(client, course):
    Course.objects.filter(pk=course.pk).update(
        registration_deadline=timezone.now() - timedelta(minutes=1)
    )
    response = _page(client, course)
    assert "Anmeldung für diese Fortbildung ist geschlossen" in text(response)
    assert reverse("trainings:register", args=[course.slug]) not in html(response)


# --- The person's own registration ------------------------------------------------------------


@pytest.mark.django_db
def test_a_confirmed_person_sees_their_seat_and_how_to_cancel(client, course, user):
    registration = services.register(course=course, user=user)
    client.force_login(user)
    response = _page(client, course)
    assert "Sie sind angemeldet: Ihr Platz ist bestätigt." in text(response)
    assert f'href="{reverse("trainings:cancel", args=[registration.pk])}"' in html(response)
    assert reverse("trainings:register", args=[course.slug]) not in html(response)


@pytest.mark.django_db
def test_a_waitlisted_person_sees_their_position(client, course, user):
    for _ in range(2):
        services.register(course=course, user=UserFactory())
    services.register(course=course, user=UserFactory())
    services.register(course=course, user=user)
    client.force_login(user)
    page = text(_page(client, course))
    assert "Sie stehen auf der Warteliste, Position 2." in page
    assert "Warteliste verlassen" in page


@pytest.mark.django_db
def test_after_cancelling_a_person_may_register_again(client, course, user):
    registration = services.register(course=course, user=user)
    services.cancel_registration(registration=registration)
    client.force_login(user)
    response = _page(client, course)
    assert "Ihre Anmeldung zu dieser Fortbildung ist storniert." in text(response)
    assert f'href="{reverse("trainings:register", args=[course.slug])}"' in html(response)


# --- Who may see which course -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["gibt-es-nicht", "a" * 300, "kurs-1%00", "ä-ö", "-_-"])
def test_an_unknown_or_odd_slug_answers_404(client, slug):
    response = client.get(f"/fortbildungen/kurs/{slug}/")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "staff without the group"])
def test_a_draft_is_not_found_for_the_public(client, who):
    draft = CourseFactory(status=Course.Status.DRAFT)
    if who == "volunteer":
        client.force_login(UserFactory())
    elif who != "anonymous":
        client.force_login(StaffFactory())
    assert _page(client, draft).status_code == 404
    assert client.get(reverse("trainings:ics", args=[draft.slug])).status_code == 404
    assert client.get(reverse("trainings:register", args=[draft.slug])).status_code in (302, 404)


@pytest.mark.django_db
def test_staff_of_the_group_preview_a_draft_marked_as_such(client):
    draft = CourseFactory(title="Noch geheim", status=Course.Status.DRAFT)
    client.force_login(qualifizierung_staff())
    response = _page(client, draft)
    assert response.status_code == 200
    assert "Entwurf" in text(response)
    assert '<meta name="robots" content="noindex">' in html(response)
    assert reverse("trainings:register", args=[draft.slug]) not in html(response)


@pytest.mark.django_db
def test_a_cancelled_course_says_so_and_offers_no_registration(client):
    cancelled = CourseFactory(status=Course.Status.CANCELLED)
    response = _page(client, cancelled)
    assert response.status_code == 200
    assert "Diese Fortbildung wurde abgesagt." in text(response)
    assert reverse("trainings:register", args=[cancelled.slug]) not in html(response)


# --- Calendar files ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_course_calendar_file_has_every_date(client, course):
    response = client.get(reverse("trainings:ics", args=[course.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    assert "Bürgerhaus Hohn" in str(events[0]["LOCATION"])


@pytest.mark.django_db
def test_the_feed_lists_upcoming_public_courses_only(client, course):
    CourseFactory(title="Entwurf", status=Course.Status.DRAFT)
    past_course(title="Vergangen")
    response = client.get(reverse("trainings:feed"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert summaries == {"Kassenführung im Verein (1/2)", "Kassenführung im Verein (2/2)"}


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_feed_needs_the_same_queries_for_10_and_500_courses(
    client, django_assert_num_queries, number
):
    bulk_courses(number, venue=VenueFactory(), topic=topic("finanzen"))
    forget_caches()
    # Site configuration, the courses with their venue, their dates (prefetch).
    with django_assert_num_queries(3):
        response = client.get(reverse("trainings:feed"))
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 2 * number


# --- Query counts -----------------------------------------------------------------------------

# Site configuration, the course with seats, topic and venue, its dates, its speakers.
COURSE_QUERIES = 4
# Logged in: the session, the user, and the person's own registration.
LOGGED_IN = 3


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
@pytest.mark.parametrize("who", ["anonymous", "confirmed", "waitlisted"])
def test_the_course_page_needs_the_same_queries_for_10_and_500_courses(
    client, django_assert_num_queries, number, who
):
    courses = bulk_courses(number, venue=VenueFactory(), topic=topic("finanzen"), capacity=1)
    course = courses[number // 2]
    services.register(course=course, user=UserFactory())
    if who != "anonymous":
        user = UserFactory()
        services.register(course=course if who == "waitlisted" else courses[0], user=user)
        if who == "confirmed":
            course = courses[0]
        client.force_login(user)
    forget_caches()
    expected = COURSE_QUERIES + (LOGGED_IN if who != "anonymous" else 0)
    with django_assert_num_queries(expected):
        response = _page(client, course)
    assert response.status_code == 200
