"""The public catalogue /fortbildungen/: upcoming published courses with filters in the URL,
German full-text search, pagination, the empty state, the seat status in words, hostile
parameters, and query counts that do not grow with the number of courses."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.network.factories import AmtFactory, MunicipalityFactory
from tests.queries import forget_caches
from tests.trainings.factories import CourseFactory, VenueFactory, past_course, topic
from tests.trainings.helpers import bulk_courses, html, text, titles
from trainings import services
from trainings.models import Course

CATALOGUE = reverse("trainings:catalogue")
KASSE, RECHT = "Kassenführung im Verein", "Vereinsrecht kompakt"
DATENSCHUTZ, ERSTE_HILFE = "Datenschutz im Verein", "Erste Hilfe für Übungsleiter"


def _days(days: int, hours: int = 3):
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return [(start, start + timedelta(hours=hours))]


@pytest.fixture
def places(db):
    hohn = MunicipalityFactory(name="Hohn", amt=AmtFactory(name="Hohner Harde"))
    osdorf = MunicipalityFactory(name="Osdorf", amt=AmtFactory(name="Dänischer Wohld"))
    return {"hohn": hohn, "osdorf": osdorf}


@pytest.fixture
def courses(places):
    """Four upcoming courses that differ in every filter."""
    return {
        "kasse": CourseFactory(
            title="Kassenführung im Verein",
            topic=topic("finanzen"),
            venue=VenueFactory(municipality=places["hohn"]),
            dates=_days(5),
        ),
        "recht": CourseFactory(
            title="Vereinsrecht kompakt",
            summary="Satzung, Mitgliederversammlung und Haftung im Vorstand.",
            description="Was der Vorstand wissen muss.",
            topic=topic("vereinsrecht"),
            venue=VenueFactory(municipality=places["osdorf"]),
            fee=Decimal("25.00"),
            dates=_days(10),
        ),
        "online": CourseFactory(
            title="Datenschutz im Verein",
            summary="Mitgliederdaten sicher verwalten.",
            description="Einwilligungen, Auskunft und Löschung.",
            topic=topic("datenschutz-digitales"),
            format=Course.Format.ONLINE,
            venue=None,
            dates=_days(20),
        ),
        "voll": CourseFactory(
            title="Erste Hilfe für Übungsleiter",
            summary="Notfälle erkennen und richtig handeln.",
            description="Wir üben die Herz-Lungen-Wiederbelebung.",
            topic=topic("erste-hilfe"),
            venue=VenueFactory(municipality=places["hohn"]),
            capacity=1,
            dates=_days(30),
        ),
    }


def _fill(course, people: int = 1):
    for _ in range(people):
        services.register(course=course, user=UserFactory())


# --- What is listed ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_upcoming_published_courses_are_listed_soonest_first(client, courses):
    CourseFactory(title="Entwurf", status=Course.Status.DRAFT)
    CourseFactory(title="Abgesagt", status=Course.Status.CANCELLED)
    past_course(title="Vergangen")
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert titles(response) == [
        "Kassenführung im Verein",
        "Vereinsrecht kompakt",
        "Datenschutz im Verein",
        "Erste Hilfe für Übungsleiter",
    ]
    assert "4 Fortbildungen gefunden" in text(response)


@pytest.mark.django_db
def test_each_course_shows_date_place_topic_fee_and_seats_in_words(client, courses):
    _fill(courses["voll"])
    course = CourseFactory(title="Fast voll", capacity=4, dates=_days(40))
    _fill(course, 1)
    response = client.get(CATALOGUE)
    page = text(response)
    assert "Hohn" in page
    assert "online" in page
    assert "kostenfrei" in page
    assert "25,00 €" in page
    assert "noch 3 Plätze" in page  # "Fast voll": 4 seats, 1 taken
    assert "Warteliste" in page  # "Erste Hilfe": its only seat is taken
    row = html(response).split("Fast voll", 1)[1].split("</li>", 1)[0]
    assert "kern-badge" in row  # a badge, with its words


@pytest.mark.django_db
def test_a_course_whose_registration_closed_says_so(client, courses):
    Course.objects.filter(pk=courses["kasse"].pk).update(
        registration_deadline=timezone.now() - timedelta(hours=1)
    )
    _fill(courses["voll"])
    Course.objects.filter(pk=courses["voll"].pk).update(
        registration_deadline=timezone.now() - timedelta(hours=1)
    )
    page = text(client.get(CATALOGUE))
    assert "Anmeldung geschlossen" in page
    assert "ausgebucht" in page


@pytest.mark.django_db
def test_topic_list_wish_page_and_feed_are_linked(client, courses):
    page = html(client.get(CATALOGUE))
    assert f'href="{reverse("trainings:wish")}"' in page
    assert f'href="{reverse("trainings:feed")}"' in page
    assert f'href="{CATALOGUE}?topic=vereinsrecht"' in page


# --- Filters ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"topic": "finanzen"}, ["Kassenführung im Verein"]),
        ({"format": "online"}, ["Datenschutz im Verein"]),
        (
            {"free": "1"},
            ["Kassenführung im Verein", "Datenschutz im Verein", "Erste Hilfe für Übungsleiter"],
        ),
        (
            {"seats": "1"},
            ["Kassenführung im Verein", "Vereinsrecht kompakt", "Datenschutz im Verein"],
        ),
        ({"amt": "HOHN_AMT"}, ["Kassenführung im Verein", "Erste Hilfe für Übungsleiter"]),
        ({"municipality": "OSDORF"}, ["Vereinsrecht kompakt"]),
        ({"amt": "HOHN_AMT", "seats": "1"}, ["Kassenführung im Verein"]),
        ({"from": "+8", "to": "+25"}, ["Vereinsrecht kompakt", "Datenschutz im Verein"]),
        ({"to": "+5"}, ["Kassenführung im Verein"]),
        ({"free": "1", "format": "on_site", "from": "+6"}, ["Erste Hilfe für Übungsleiter"]),
    ],
    ids=str,
)
def test_filters_live_in_the_url_and_combine(client, courses, places, params, expected):
    _fill(courses["voll"])
    today = timezone.localdate()
    values = {}
    for key, value in params.items():
        if value == "HOHN_AMT":
            value = str(places["hohn"].amt_id)
        elif value == "OSDORF":
            value = str(places["osdorf"].pk)
        elif value.startswith("+"):
            value = (today + timedelta(days=int(value))).isoformat()
        values[key] = value
    response = client.get(CATALOGUE, values)
    assert response.status_code == 200
    assert titles(response) == expected
    assert 'id="error-summary"' not in html(response)


@pytest.mark.django_db
def test_the_form_shows_the_chosen_filters_again(client, courses, places):
    page = html(client.get(CATALOGUE, {"topic": "finanzen", "free": "1", "q": "Kasse"}))
    assert '<option value="finanzen" selected>' in page
    assert re.search(r'name="free"[^>]*checked', page)
    assert 'value="Kasse"' in page


@pytest.mark.django_db
def test_the_filter_form_works_without_javascript_as_a_get_form(client, courses):
    page = html(client.get(CATALOGUE))
    form = page.split('<form class="portal-filters"', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in form
    assert 'role="search"' in form
    for name in ("q", "topic", "from", "to", "amt", "municipality", "format", "free", "seats"):
        assert f'name="{name}"' in form, name


# --- Hostile input ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "99999"},
        {"page": "99999999999999999999999"},
        {"from": "garbage"},
        {"to": "2026-13-45"},
        {"from": "2030-01-10", "to": "2030-01-01"},
        {"topic": "unbekannt"},
        {"amt": "999999999999999999999"},
        {"municipality": "-1"},
        {"format": "telepathie"},
        {"free": "not-a-boolean"},
        {"q": "x" * 5000},
        {"q": "Kasse\x00"},
        {"q": "&|!:*()'\"\\"},
        {"q": "-"},
        {"q": '"'},
        {"q": "\u202e\ufeff\U0001f600"},
        {"topic": ["finanzen", "vereinsrecht"]},
    ],
    ids=lambda v: str(v)[:40],
)
def test_hostile_parameters_give_a_page_never_a_500(client, courses, params):
    response = client.get(CATALOGUE, params)
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"page": "abc"}, {"from": "garbage"}, {"topic": "unbekannt"}, {"q": "x" * 5000}],
    ids=str,
)
def test_a_bad_parameter_is_named_and_left_out(client, courses, params):
    response = client.get(CATALOGUE, params)
    assert 'id="error-summary"' in html(response)
    assert len(titles(response)) == 4  # the bad filter was not applied


@pytest.mark.django_db
def test_a_page_after_the_last_shows_the_last_page_and_says_so(client, courses):
    response = client.get(CATALOGUE, {"page": "7"})
    assert response.status_code == 200
    assert 'id="error-summary"' in html(response)
    assert len(titles(response)) == 4


# --- Pagination and the empty state -----------------------------------------------------------


@pytest.mark.django_db
def test_twenty_per_page_and_the_page_links_keep_the_filters(client, places):
    venue = VenueFactory(municipality=places["hohn"])
    bulk_courses(45, venue=venue, topic=topic("finanzen"))
    first = client.get(CATALOGUE, {"topic": "finanzen"})
    assert len(titles(first)) == 20
    assert "45 Fortbildungen gefunden" in text(first)
    assert f'href="{CATALOGUE}?topic=finanzen&amp;page=2"' in html(first)
    third = client.get(CATALOGUE, {"topic": "finanzen", "page": "3"})
    assert len(titles(third)) == 5
    assert 'aria-current="page"><span class="kern-sr-only">' in html(third)


@pytest.mark.django_db
def test_an_empty_result_suggests_which_filter_to_drop(client, courses, places):
    response = client.get(CATALOGUE, {"topic": "finanzen", "format": "online"})
    assert titles(response) == []
    page = html(response)
    assert "0 Fortbildungen gefunden" in text(response)
    # Without the topic: one online course; without the format: one course on finance.
    assert f'href="{CATALOGUE}?format=online"' in page
    assert f'href="{CATALOGUE}?topic=finanzen"' in page
    assert f'href="{CATALOGUE}"' in page  # show all


@pytest.mark.django_db
def test_no_courses_at_all_says_so_and_offers_the_wish(client):
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert "0 Fortbildungen gefunden" in text(response)
    assert f'href="{reverse("trainings:wish")}"' in html(response)


# --- Search (PostgreSQL, German) --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Stemmed: "Vereine" finds "Verein"; the compound "Vereinsrecht" is not split.
        ("Vereine", {KASSE, DATENSCHUTZ}),
        ("Satzungen", {"Vereinsrecht kompakt"}),  # the summary says "Satzung"
        ("Übungsleiter", {"Erste Hilfe für Übungsleiter"}),
        ("übungsleitern", {"Erste Hilfe für Übungsleiter"}),
        ("Kassenführung", {"Kassenführung im Verein"}),
        ("Datenschutz -Kasse", {"Datenschutz im Verein"}),
        ('"erste hilfe"', {"Erste Hilfe für Übungsleiter"}),
        ("Quastenflosser", set()),
    ],
)
def test_german_full_text_search_with_stemming_and_umlauts(client, courses, q, expected):
    response = client.get(CATALOGUE, {"q": q})
    assert response.status_code == 200
    assert set(titles(response)) == expected


@pytest.mark.django_db
def test_search_combines_with_filters(client, courses, places):
    response = client.get(CATALOGUE, {"q": "Verein", "municipality": places["hohn"].pk})
    assert titles(response) == ["Kassenführung im Verein"]


# --- Navigation and start page ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_main_navigation_links_the_catalogue_and_marks_it_current(client, courses):
    page = html(client.get(CATALOGUE))
    assert re.search(rf'href="{CATALOGUE}" aria-current="page">Fortbildungen</a>', page)
    page = html(client.get(courses["kasse"].get_absolute_url()))
    assert re.search(rf'href="{CATALOGUE}" aria-current="page">', page)


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True])
def test_the_start_page_training_pillar_links_the_catalogue(client, user, logged_in):
    if logged_in:
        client.force_login(user)
    page = html(client.get(reverse("home")))
    pillar = page[page.index(">Qualifizierung<") :]
    pillar = pillar[: pillar.index("</li>")]
    assert f'href="{CATALOGUE}"' in pillar


# --- Query counts: fixed, whatever the number of courses --------------------------------------

# Site configuration, the form's three option lists (topics, Ämter, municipalities), the
# count, the page of courses with their seats, topic and venue, their dates (prefetch).
CATALOGUE_QUERIES = 7
LOGGED_IN = 2  # the session and the user


def _scenario_params(scenario: str, places) -> dict:
    today = timezone.localdate()
    return {
        "no filters": {},
        "search": {"q": "Massenkurs"},
        "filters": {
            "topic": "finanzen",
            "amt": str(places["hohn"].amt_id),
            "seats": "1",
            "free": "1",
            "format": "on_site",
        },
        "search, dates and place": {
            "q": "Kurse",
            "from": today.isoformat(),
            "to": (today + timedelta(days=400)).isoformat(),
            "municipality": str(places["hohn"].pk),
        },
        "page 2": {"page": "2"},
    }[scenario]


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
@pytest.mark.parametrize(
    "scenario", ["no filters", "search", "filters", "search, dates and place", "page 2"]
)
def test_the_catalogue_needs_the_same_queries_for_10_and_500_courses(
    client, places, django_assert_num_queries, number, scenario
):
    courses = bulk_courses(
        number, venue=VenueFactory(municipality=places["hohn"]), topic=topic("finanzen")
    )
    for course in courses[:3]:
        _fill(course, 2)
    forget_caches()
    with django_assert_num_queries(CATALOGUE_QUERIES):
        response = client.get(CATALOGUE, _scenario_params(scenario, places))
    assert titles(response)


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_catalogue_for_a_logged_in_person_needs_the_same_queries(
    client, places, user, django_assert_num_queries, number
):
    bulk_courses(number, venue=VenueFactory(municipality=places["hohn"]), topic=topic("finanzen"))
    client.force_login(user)
    forget_caches()
    with django_assert_num_queries(CATALOGUE_QUERIES + LOGGED_IN):
        assert client.get(CATALOGUE, {"topic": "finanzen"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_an_empty_result_needs_the_same_queries(client, places, django_assert_num_queries, number):
    bulk_courses(number, venue=VenueFactory(municipality=places["hohn"]), topic=topic("finanzen"))
    # Site configuration, options (3), the count (0: no page of courses), one count for
    # each of the two filters that could be dropped.
    forget_caches()
    with django_assert_num_queries(7):
        response = client.get(CATALOGUE, {"topic": "finanzen", "format": "online"})
    assert "0 Fortbildungen gefunden" in text(response)
