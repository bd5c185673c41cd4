"""The public Beratung pages: /beratung/ (what is offered, how it works, the two ways in) and
the slot picker /beratung/termin/ (topic first, then one week of free times grouped by day,
week links up to the horizon, the empty state, hostile parameters, fixed query counts)."""

import re
from datetime import time, timedelta
from html import unescape

import pytest
from django.urls import reverse

from advice import services, slots
from advice.forms import Weeks
from advice.models import AdviceRequest, Advisor, Slot, Topic
from portal.models import SiteConfiguration
from tests.advice.factories import AvailabilityFactory, topic
from tests.advice.helpers import adviser, book, bookable_monday, rules, slot_at
from tests.factories import UserFactory
from tests.queries import forget_caches

OVERVIEW = reverse("advice:overview")
PICKER = reverse("advice:slots")


def _html(response) -> str:
    return response.content.decode()


def _text(response) -> str:
    main = _html(response).split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _slot_links(response) -> list[str]:
    """The free times offered, as the text of their links (day included for screen readers)."""
    html = _html(response)
    links = re.findall(r'<a class="portal-slot" href="([^"]+)">(.*?)</a>', html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split()) for _href, text in links]


def _week_param(monday) -> dict:
    return {} if monday == Weeks().first else {"start": monday.isoformat()}


@pytest.fixture
def bernd(db):
    return adviser(name="Bernd Berater", weekdays=(0, 2), hours=(9, 12))


# --- /beratung/ -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_overview_lists_the_topics_formats_places_steps_and_both_ways_in(client):
    adviser(name="Bernd Berater", place="Rathaus Nortorf, Raum 3")
    adviser(name="Vera Video", format="video")
    adviser(name="Ina Inaktiv", place="Geheimer Ort", active=False)
    Topic.objects.filter(slug="kinderschutz").update(active=False)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    text = _text(response)
    assert "Beratung für Ehrenamtliche und Vereine" in text
    assert "Steuern & Gemeinnützigkeit" in text
    assert "Gemeinnützigkeit, Freistellungsbescheid" in text  # the short description
    assert "Kinderschutz" not in text  # not offered at the moment
    for format_name in ("Vor Ort", "Per Telefon", "Per Video"):
        assert format_name in text
    assert "Rathaus Nortorf, Raum 3" in text  # the adviser's place for on-site appointments
    assert "Geheimer Ort" not in text  # an adviser who takes no bookings
    assert "So funktioniert es" in text
    html = _html(response)
    assert f'href="{PICKER}"' in html
    assert f'href="{reverse("advice:question")}"' in html
    assert f'href="{PICKER}?topic=steuern"' in html  # each topic leads to its free times
    assert SiteConfiguration.load().phone in text


@pytest.mark.django_db
def test_the_start_page_pillar_and_the_main_navigation_lead_to_advice(client):
    html = _html(client.get(reverse("home")))
    assert f'href="{OVERVIEW}"' in html
    html = _html(client.get(OVERVIEW))
    assert re.search(rf'href="{OVERVIEW}" aria-current="page">Beratung</a>', html)


# --- The picker: topic first ------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_topic_the_picker_asks_for_one_and_shows_no_error(client, bernd):
    response = client.get(PICKER)
    assert response.status_code == 200
    html = _html(response)
    assert 'name="topic"' in html
    assert 'name="adviser"' not in html  # advisers depend on the topic
    assert "error-summary" not in html
    assert _slot_links(response) == []


@pytest.mark.django_db
def test_free_times_are_grouped_by_day_with_time_format_adviser_and_place(client, bernd):
    monday = bookable_monday()
    response = client.get(PICKER, {"topic": "vereinsrecht", **_week_param(monday)})
    assert response.status_code == 200
    html = _html(response)
    day_headings = re.findall(
        r'<h3 class="kern-heading-small portal-slots__day"[^>]*>(.*?)</h3>', html
    )
    assert day_headings[:2] == [
        f"Montag, {monday.day}. {_month(monday)} {monday.year}",
        f"Mittwoch, {(monday + timedelta(days=2)).day}. "
        f"{_month(monday + timedelta(days=2))} {(monday + timedelta(days=2)).year}",
    ]
    links = _slot_links(response)
    assert links[0] == (
        f"Montag, {monday.day}. {_month(monday)} {monday.year}, 09:00–09:45 Uhr, vor Ort, "
        "Bernd Berater, Kaiserstraße 8, 24768 Rendsburg"
    )
    assert len(links) == 6  # three a morning, Monday and Wednesday
    first = slot_at(bernd, monday, 9)
    assert f'href="{reverse("advice:book", args=[first.pk])}?topic=vereinsrecht"' in html


def _month(day) -> str:
    return [
        "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
        "September", "Oktober", "November", "Dezember",
    ][day.month - 1]  # fmt: skip


@pytest.mark.django_db
def test_booked_times_and_advisers_of_other_topics_are_not_offered(client, bernd):
    monday = bookable_monday()
    adviser(name="Steffi Steuer", topics=[topic("steuern")])
    book(UserFactory(), slot_at(bernd, monday, 10))
    links = _slot_links(client.get(PICKER, {"topic": "vereinsrecht", **_week_param(monday)}))
    assert not any("10:00" in link and "Montag" in link for link in links)
    assert not any("Steffi Steuer" in link for link in links)


@pytest.mark.django_db
def test_the_adviser_choice_offers_only_advisers_of_the_topic(client, bernd):
    adviser(name="Steffi Steuer", topics=[topic("steuern")])
    adviser(name="Vera Vielseitig", topics=[topic("steuern"), topic("vereinsrecht")])
    html = _html(client.get(PICKER, {"topic": "vereinsrecht"}))
    select = html.split('name="adviser"', 1)[1].split("</select>", 1)[0]
    assert "Bernd Berater" in select
    assert "Vera Vielseitig" in select
    assert "Steffi Steuer" not in select


@pytest.mark.django_db
def test_format_and_adviser_narrow_the_free_times(client, bernd):
    monday = bookable_monday()
    video = adviser(name="Vera Video", format="video", weekdays=(0,), hours=(14, 15))
    week = _week_param(monday)
    by_video = _slot_links(client.get(PICKER, {"topic": "vereinsrecht", "format": "video", **week}))
    assert by_video
    assert all("per Video, Vera Video" in link for link in by_video)
    only_bernd = _slot_links(
        client.get(PICKER, {"topic": "vereinsrecht", "adviser": bernd.pk, **week})
    )
    assert only_bernd
    assert all("Bernd Berater" in link for link in only_bernd)
    both = _slot_links(client.get(PICKER, {"topic": "vereinsrecht", **week}))
    assert len(both) == len(by_video) + len(only_bernd)
    assert video.pk


# --- Weeks ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_week_links_go_from_the_first_bookable_week_to_the_horizon(client, bernd):
    weeks = Weeks()
    first = client.get(PICKER, {"topic": "vereinsrecht", "format": "on_site"})
    html = _html(first)
    assert 'rel="prev"' not in html
    next_start = (weeks.first + timedelta(days=7)).isoformat()
    assert f'href="{PICKER}?topic=vereinsrecht&amp;format=on_site&amp;start={next_start}"' in html
    last = _html(client.get(PICKER, {"topic": "vereinsrecht", "start": weeks.last.isoformat()}))
    assert 'rel="next"' not in last
    assert 'rel="prev"' in last
    assert weeks.last - weeks.first == timedelta(weeks=8)  # the default horizon


@pytest.mark.django_db
def test_a_week_shows_only_its_own_days(client, bernd):
    monday = bookable_monday() + timedelta(weeks=2)
    response = client.get(PICKER, {"topic": "vereinsrecht", "start": monday.isoformat()})
    text = _text(response)
    sunday = monday + timedelta(days=6)
    assert f"Woche von Montag, {monday.day}. {_month(monday)} bis Sonntag, {sunday.day}." in text
    links = _slot_links(response)
    assert len(links) == 6
    assert all(f"{monday.day}. {_month(monday)}" in link or "Mittwoch" in link for link in links)


@pytest.mark.django_db
def test_a_start_inside_a_week_shows_that_whole_week(client, bernd):
    monday = bookable_monday()
    wednesday = monday + timedelta(days=2)
    links = _slot_links(client.get(PICKER, {"topic": "vereinsrecht", "start": wednesday}))
    assert any(link.startswith("Montag") for link in links)


# --- The empty state --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_week_offers_the_next_week_with_free_times_a_question_and_the_phone(client):
    rules(horizon_weeks=8)
    advisor = adviser(name="Bernd Berater", weekdays=())
    later = bookable_monday() + timedelta(weeks=3)
    AvailabilityFactory(
        advisor=advisor, weekday=later.weekday(), starts_at=time(9), ends_at=time(10)
    )
    slots.regenerate_slots(advisor=advisor)
    # Only from that week on: the weeks before it have no free time.
    advisor.slots.filter(starts_at__date__lt=later).delete()
    response = client.get(PICKER, {"topic": "vereinsrecht"})
    text = _text(response)
    assert "In dieser Woche gibt es keine freien Zeiten." in text
    html = _html(response)
    assert f'href="{PICKER}?topic=vereinsrecht&amp;start={later.isoformat()}"' in html
    assert f'href="{reverse("advice:question")}?topic=vereinsrecht"' in html
    phone = SiteConfiguration.load().phone
    assert phone in text
    assert f'href="tel:{phone.replace(" ", "")}"' in html


@pytest.mark.django_db
def test_no_free_time_at_all_says_so_and_offers_every_format(client, bernd):
    response = client.get(PICKER, {"topic": "vereinsrecht", "format": "video"})
    text = _text(response)
    assert "Auch in den kommenden Wochen gibt es für diese Auswahl keine freien Zeiten." in text
    assert f'href="{PICKER}?topic=vereinsrecht"' in _html(response)
    assert "Alle Arten und Berater:innen zeigen" in text


@pytest.mark.django_db
def test_a_topic_nobody_advises_on_gives_the_empty_state(client, bernd):
    response = client.get(PICKER, {"topic": "kinderschutz"})
    assert response.status_code == 200
    assert "keine freien Zeiten" in _text(response)


# --- Hostile parameters: a message, never a 500 ------------------------------------------------


@pytest.fixture
def other_topic_adviser(db):
    return adviser(name="Steffi Steuer", topics=[topic("steuern")])


HOSTILE = [
    ({"topic": "abc"}, "Dieses Thema kennen wir nicht"),
    ({"topic": "vereinsrecht\x00"}, "Dieses Thema kennen wir nicht"),
    ({"topic": "x" * 5000}, "Dieses Thema kennen wir nicht"),
    ({"topic": "vereinsrecht", "start": "1999-01-01"}, "Diese Woche ist vorbei"),
    ({"topic": "vereinsrecht", "start": "9999-12-31"}, "bis zu 8 Wochen im Voraus"),
    ({"topic": "vereinsrecht", "start": "heute"}, "Die Woche war kein gültiges Datum"),
    ({"topic": "vereinsrecht", "start": "2026-02-30"}, "Die Woche war kein gültiges Datum"),
    ({"topic": "vereinsrecht", "adviser": "OTHER"}, "berät nicht zum gewählten Thema"),
    ({"topic": "vereinsrecht", "adviser": "abc"}, "berät nicht zum gewählten Thema"),
    ({"topic": "vereinsrecht", "adviser": "99999999999999999999"}, "berät nicht zum gewählten"),
    ({"topic": "vereinsrecht", "format": "teleport"}, "Diese Art der Beratung gibt es nicht"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "message"), HOSTILE, ids=lambda v: str(v)[:40])
def test_a_bad_parameter_gets_a_friendly_message_never_a_500(
    client, bernd, other_topic_adviser, params, message
):
    params = {k: str(other_topic_adviser.pk) if v == "OTHER" else v for k, v in params.items()}
    response = client.get(PICKER, params)
    assert response.status_code == 200
    assert message in _text(response)


@pytest.mark.django_db
def test_a_bad_adviser_is_dropped_and_every_adviser_of_the_topic_shown(
    client, bernd, other_topic_adviser
):
    monday = bookable_monday()
    params = {"topic": "vereinsrecht", "adviser": other_topic_adviser.pk, **_week_param(monday)}
    links = _slot_links(client.get(PICKER, params))
    assert links
    assert all("Bernd Berater" in link for link in links)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"topic": ["vereinsrecht", "steuern"]},
        {"topic": "vereinsrecht", "start": ["2026-01-01", "abc"]},
        {"topic": "<script>", "format": "<b>"},
        {"topic": "vereinsrecht", "start": "-1"},
        {"topic": "vereinsrecht", "unknown": "1"},
    ],
    ids=str,
)
def test_odd_parameters_give_a_page(client, bernd, params):
    assert client.get(PICKER, params).status_code == 200


# --- Query counts: fixed, whatever the number of weeks and slots --------------------------------

# site configuration and booking rules (both cached across requests; counted cold here),
# topics, the topic's advisers, the week's free times
PICKER_QUERIES = 5
# An empty week looks once for the next week with a free time.
EMPTY_WEEK = 1
# A logged-in person adds the session and the user.
LOGGED_IN = 2


def _many_advisers(weeks: int) -> list[Advisor]:
    rules(horizon_weeks=weeks)
    return [
        adviser(name=f"Berater:in {n}", weekdays=range(5), hours=(8, 18), daily_cap=10)
        for n in range(3)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("weeks", [1, 8])
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged in"])
def test_the_picker_needs_the_same_queries_for_1_and_8_weeks_of_slots(
    client, django_assert_num_queries, weeks, logged_in
):
    _many_advisers(weeks)
    if logged_in:
        client.force_login(UserFactory())
    monday = bookable_monday()
    params = {"topic": "vereinsrecht", **_week_param(monday)}
    forget_caches()
    with django_assert_num_queries(PICKER_QUERIES + (LOGGED_IN if logged_in else 0)):
        response = client.get(PICKER, params)
    assert len(_slot_links(response)) >= 30


@pytest.mark.django_db
@pytest.mark.parametrize("number", [1, 50])
def test_the_picker_needs_the_same_queries_for_1_and_50_bookings(
    client, django_assert_num_queries, number
):
    advisers = _many_advisers(8)
    monday = bookable_monday()
    taken = Slot.objects.filter(advisor__in=advisers).order_by("starts_at")[:number]
    AdviceRequest.objects.bulk_create(
        AdviceRequest(
            number=services.new_number(),
            kind=AdviceRequest.Kind.APPOINTMENT,
            requester=UserFactory(),
            topic=topic(),
            format=slot.format,
            slot=slot,
            concern="Anliegen",
        )
        for slot in taken
    )
    params = {"topic": "vereinsrecht", **_week_param(monday)}
    forget_caches()
    with django_assert_num_queries(PICKER_QUERIES):
        response = client.get(PICKER, params)
    assert _slot_links(response)


@pytest.mark.django_db
@pytest.mark.parametrize("weeks", [1, 8])
def test_an_empty_week_needs_one_query_more_whatever_the_slots(
    client, django_assert_num_queries, weeks
):
    _many_advisers(weeks)
    params = {"topic": "vereinsrecht", "format": "video"}
    forget_caches()
    with django_assert_num_queries(PICKER_QUERIES + EMPTY_WEEK):
        response = client.get(PICKER, params)
    assert _slot_links(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("weeks", [1, 8])
def test_the_overview_needs_the_same_queries_whatever_the_slots(
    client, django_assert_num_queries, weeks
):
    _many_advisers(weeks)
    forget_caches()
    # site configuration, topics, the on-site places
    with django_assert_num_queries(3):
        assert client.get(OVERVIEW).status_code == 200
