"""Förderprogramme: /infothek/foerderprogramme/ (filters in the URL, sorted by the next
deadline, pagination, empty result) and a programme's page (what it shows, Frist merken for
whom, drafts only for the Redaktion)."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from infothek.models import DeadlineReminder, FundingProgramme
from infothek.views.programmes import amount_range
from portal.staff_groups import REDAKTION
from tests.factories import StaffFactory, UserFactory
from tests.infothek.factories import ProgrammeFactory, topic

LIST = reverse("infothek:programmes")


def _html(response) -> str:
    return response.content.decode()


def _titles(response) -> list[str]:
    html = _html(response)
    titles = re.findall(r'portal-result__title"><a [^>]*>(.*?)</a>', html, re.S)
    return [unescape(t) for t in titles]


def _today():
    return timezone.localdate()


def redaktion_staff():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=REDAKTION))
    return staff


@pytest.fixture
def programmes(db):
    today = _today()
    return {
        "soon": ProgrammeFactory(title="Bald", deadline=today + timedelta(days=10)),
        "later": ProgrammeFactory(
            title="Später",
            deadline=today + timedelta(days=70),
            funder="Land Schleswig-Holstein",
            funder_type=FundingProgramme.FunderType.STATE,
            topics=[topic("digitales")],
        ),
        "rolling": ProgrammeFactory(title="Laufend", deadline=None),
        "today": ProgrammeFactory(title="Heute", deadline=today),
        "passed": ProgrammeFactory(title="Vorbei", deadline=today - timedelta(days=1)),
        "draft": ProgrammeFactory(title="Entwurf", status=FundingProgramme.Status.DRAFT),
        "archived": ProgrammeFactory(title="Archiviert", status=FundingProgramme.Status.ARCHIVED),
        "scheduled": ProgrammeFactory(
            title="Geplant", publish_at=timezone.now() + timedelta(days=1)
        ),
    }


# --- The list ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_open_public_programmes_by_next_deadline_rolling_last(client, programmes):
    response = client.get(LIST)
    assert response.status_code == 200
    assert _titles(response) == ["Heute", "Bald", "Später", "Laufend"]
    assert response.context["count"] == 4


@pytest.mark.django_db
def test_a_programme_leaves_the_open_list_when_its_deadline_passed(client, programmes):
    FundingProgramme.objects.filter(pk=programmes["today"].pk).update(
        deadline=_today() - timedelta(days=1)
    )
    assert "Heute" not in _titles(client.get(LIST))


@pytest.mark.django_db
def test_open_0_adds_closed_programmes_last_marked_as_closed(client, programmes):
    response = client.get(LIST, {"open": "0"})
    assert _titles(response) == ["Heute", "Bald", "Später", "Laufend", "Vorbei"]
    html = _html(response)
    assert html.count("portal-deadline--closed") == 1
    assert html.count("portal-deadline--rolling") == 1
    soon = programmes["soon"].deadline
    assert f'<time datetime="{soon.isoformat()}">{soon:%d.%m.%Y}</time>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"topic": "digitales"}, ["Später"]),
        ({"funder": "state"}, ["Später"]),
        ({"funder": "federal"}, ["Heute", "Bald", "Laufend"]),
        ({"within": "2"}, ["Heute", "Bald"]),
        ({"within": "12"}, ["Heute", "Bald", "Später"]),
        ({"within": "2", "funder": "federal", "topic": "foerderung"}, ["Heute", "Bald"]),
        ({"open": "0", "funder": "federal"}, ["Heute", "Bald", "Laufend", "Vorbei"]),
    ],
    ids=str,
)
def test_filters_combine_and_live_in_the_url(client, programmes, params, titles):
    response = client.get(LIST, params)
    assert _titles(response) == titles
    assert 'id="error-summary"' not in _html(response)


@pytest.mark.django_db
def test_each_entry_shows_funder_summary_amount_deadline_and_topics(client, programmes):
    FundingProgramme.objects.filter(pk=programmes["soon"].pk).update(
        amount_min=Decimal("500"), amount_max=Decimal("5000")
    )
    html = _html(client.get(LIST))
    assert "Deutsche Stiftung für Engagement und Ehrenamt" in html
    assert "Zuschüsse für Vereine im ländlichen Raum." in html
    assert "€500" in html or "500 €" in html
    assert "5.000" in html
    assert "Fördermittel" in html  # the topic


@pytest.mark.parametrize(
    ("low", "high", "english", "german_numbers"),
    [
        (None, "5000", "up to €5,000", ["5.000"]),
        ("500", "5000", "€500 to €5,000", ["500", "5.000"]),
        ("500", None, "from €500", ["500"]),
        ("1500.50", "1500.50", "€1,500.50", ["1.500,50"]),
        ("250000", "1250000", "€250,000 to €1,250,000", ["250.000", "1.250.000"]),
        (None, None, "", []),
    ],
)
def test_amounts_are_written_with_the_languages_numbers(low, high, english, german_numbers):
    """German wording ("bis 5.000 €", "500 € bis 5.000 €") comes from the catalogue."""
    programme = FundingProgramme(
        amount_min=Decimal(low) if low else None, amount_max=Decimal(high) if high else None
    )
    with translation.override("en"):
        assert amount_range(programme) == english
    with translation.override("de"):
        german = amount_range(programme)
    assert re.findall(r"[\d.,]*\d", german) == german_numbers


@pytest.fixture
def many(db):
    for number in range(45):
        ProgrammeFactory(
            title=f"Programm {number:02d}", deadline=_today() + timedelta(days=number + 1)
        )


@pytest.mark.django_db
def test_twenty_per_page_and_the_page_links_keep_the_filters(client, many):
    first = client.get(LIST, {"within": "12", "funder": "federal"})
    assert len(_titles(first)) == 20
    html = _html(first)
    assert first.context["count"] == 45
    links = re.findall(r'class="portal-pagination__link" href="([^"]+)"', html)
    assert links
    for link in links:
        assert "within=12" in unescape(link)
        assert "funder=federal" in unescape(link)
    third = client.get(LIST, {"within": "12", "funder": "federal", "page": "3"})
    assert _titles(third) == [f"Programm {n}" for n in range(40, 45)]


@pytest.mark.django_db
def test_an_empty_result_suggests_what_to_loosen(client, programmes):
    response = client.get(LIST, {"topic": "digitales", "within": "2"})
    html = _html(response)
    assert _titles(response) == []
    assert response.context["count"] == 0
    assert 'href="/infothek/foerderprogramme/?within=2"' in html  # without the topic
    assert 'href="/infothek/foerderprogramme/?topic=digitales"' in html  # any deadline
    assert 'href="/infothek/foerderprogramme/">' in html  # reset


@pytest.mark.django_db
def test_an_empty_open_list_offers_the_closed_programmes(client):
    ProgrammeFactory(title="Vorbei", deadline=_today() - timedelta(days=3))
    html = _html(client.get(LIST))
    assert 'href="/infothek/foerderprogramme/?open=0"' in html


HOSTILE = [
    {"within": "abc"},
    {"within": "99999"},
    {"within": "-4"},
    {"topic": "unknown"},
    {"topic": "x" * 5000},
    {"funder": "evil"},
    {"funder": "<script>alert(1)</script>"},
    {"open": "maybe"},
    {"page": "abc"},
    {"page": "0"},
    {"page": "99999999999999999999"},
    {"page": "7"},
    {"topic": "foerderung\x00"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("params", HOSTILE, ids=lambda v: str(v)[:40])
def test_a_bad_parameter_is_named_and_left_out_never_a_500(client, programmes, params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    html = _html(response)
    assert 'id="error-summary"' in html
    assert "<script>alert" not in html
    assert response.context["count"] == 4  # the bad filter was not applied


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"topic": ["digitales", "foerderung"]}, {"within": ""}, {"unknown": "1"}, {"open": "1"}],
    ids=str,
)
def test_odd_but_harmless_parameters_give_a_page(client, programmes, params):
    assert client.get(LIST, params).status_code == 200


@pytest.mark.django_db
def test_the_list_links_the_feed_and_the_calendar(client, programmes):
    html = _html(client.get(LIST))
    assert f'href="{reverse("infothek:deadlines_ics")}"' in html
    assert f'type="application/atom+xml" href="{reverse("infothek:programme_feed")}"' in html


# --- The programme's page --------------------------------------------------------------------


def _page(client, programme):
    return client.get(reverse("infothek:programme", args=[programme.slug]))


@pytest.mark.django_db
def test_the_page_shows_everything_staff_wrote(client):
    programme = ProgrammeFactory(
        title="Ehrenamt stärken",
        body="## Sachkosten\n\n* Material\n* Honorare\n\n<script>alert(1)</script>",
        who_may_apply="Gemeinnützige Vereine mit Sitz im Kreis",
        amount_max=Decimal("5000"),
        own_contribution="10 % Eigenanteil",
        funder_type=FundingProgramme.FunderType.STATE,
        official_url="https://www.schleswig-holstein.de/foerderung",
    )
    html = _html(_page(client, programme))
    assert html.count("<h1") == 1
    assert "Ehrenamt stärken" in html
    assert "<h2>Sachkosten</h2>" in html
    assert "<li>Material</li>" in html
    assert "<script>alert(1)" not in html
    assert "Gemeinnützige Vereine mit Sitz im Kreis" in html
    assert "5.000" in html
    assert "10 % Eigenanteil" in html
    assert "Land Schleswig-Holstein" in html
    assert re.search(
        r'<a class="[^"]*portal-link--external[^"]*" href="https://www.schleswig-holstein.de/'
        r'foerderung" rel="noopener noreferrer">',
        html,
    )
    assert '<span class="kern-sr-only"> (' in html


@pytest.mark.django_db
def test_a_rolling_programme_says_so_and_offers_no_reminder(client, user):
    programme = ProgrammeFactory(deadline=None)
    client.force_login(user)
    html = _html(_page(client, programme))
    assert "portal-deadline--rolling" in html
    assert reverse("infothek:remember", args=[programme.slug]) not in html


@pytest.mark.django_db
def test_anonymous_visitors_get_a_login_link_that_returns_to_the_page(client):
    programme = ProgrammeFactory()
    html = _html(_page(client, programme))
    path = reverse("infothek:programme", args=[programme.slug])
    assert f'href="{reverse("account_login")}?next={path}"' in html
    assert reverse("infothek:remember", args=[programme.slug]) not in html


@pytest.mark.django_db
def test_a_logged_in_person_gets_the_remember_form_with_three_choices(client, user):
    programme = ProgrammeFactory()
    client.force_login(user)
    html = _html(_page(client, programme))
    assert f'action="{reverse("infothek:remember", args=[programme.slug])}"' in html
    assert re.findall(r'<option value="(\d+)"', html) == ["7", "14", "28"]
    assert re.search(r'<option value="14"[^>]*selected', html)


@pytest.mark.django_db
def test_a_person_with_a_reminder_sees_it_and_can_change_or_delete_it(client, user):
    programme = ProgrammeFactory()
    reminder = DeadlineReminder.objects.create(user=user, programme=programme, days_before=7)
    client.force_login(user)
    html = _html(_page(client, programme))
    remind_on = programme.deadline - timedelta(days=7)
    assert f"{remind_on:%d.%m.%Y}" in html
    assert re.search(r'<option value="7"[^>]*selected', html)
    assert f'action="{reverse("infothek:forget", args=[reminder.pk])}"' in html


@pytest.mark.django_db
def test_a_closed_programme_offers_no_reminder(client, user):
    programme = ProgrammeFactory(deadline=_today() - timedelta(days=1))
    client.force_login(user)
    response = _page(client, programme)
    assert response.status_code == 200
    assert reverse("infothek:remember", args=[programme.slug]) not in _html(response)
    assert "portal-deadline--closed" in _html(response)


UNPUBLISHED = {
    "draft": {"status": FundingProgramme.Status.DRAFT},
    "archived": {"status": FundingProgramme.Status.ARCHIVED},
    "scheduled": {"publish_at": timezone.now() + timedelta(days=3)},
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", UNPUBLISHED)
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "staff without Redaktion"])
def test_an_unpublished_programme_answers_404_to_the_public(client, state, who):
    programme = ProgrammeFactory(**UNPUBLISHED[state])
    viewer = {
        "anonymous": lambda: None,
        "volunteer": UserFactory,
        "staff without Redaktion": StaffFactory,
    }[who]()
    if viewer:
        client.force_login(viewer)
    assert _page(client, programme).status_code == 404
    assert programme.title not in _html(client.get(LIST, {"open": "0"}))


@pytest.mark.django_db
@pytest.mark.parametrize("state", UNPUBLISHED)
def test_the_redaktion_previews_an_unpublished_programme_with_a_note(client, state):
    programme = ProgrammeFactory(**UNPUBLISHED[state])
    client.force_login(redaktion_staff())
    response = _page(client, programme)
    assert response.status_code == 200
    html = _html(response)
    assert 'id="preview-note"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert reverse("infothek:remember", args=[programme.slug]) not in html
    assert programme.title not in _html(client.get(LIST, {"open": "0"}))  # never listed


@pytest.mark.django_db
def test_a_published_programme_has_no_preview_note_for_the_redaktion(client):
    programme = ProgrammeFactory()
    client.force_login(redaktion_staff())
    assert 'id="preview-note"' not in _html(_page(client, programme))


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["gibt-es-nicht", "a" * 300, "%C3%A4"])
def test_an_unknown_slug_answers_404(client, slug):
    assert client.get(f"{LIST}{slug}/").status_code == 404


# --- Query counts: fixed, whatever the number of programmes ------------------------------------

# The list: site configuration, the topics of the form, the count, the page of programmes,
# their topics (prefetch).
LIST_QUERIES = 5
# The page: site configuration, the programme, its topics.
DETAIL_QUERIES = 3
# A logged-in person adds the session and the user.
LOGGED_IN = 2


def _bulk(number: int) -> list[FundingProgramme]:
    today = _today()
    types = list(FundingProgramme.FunderType.values)
    rows = FundingProgramme.objects.bulk_create(
        FundingProgramme(
            slug=f"bulk-{n}",
            title=f"Programm Nummer {n}",
            funder="Stiftung",
            funder_type=types[n % len(types)],
            summary="Kurz.",
            body="Text.",
            who_may_apply="Vereine",
            deadline=None if n % 7 == 0 else today + timedelta(days=(n * 5) % 120 - 5),
            amount_max=Decimal(1000 + n),
            official_url="https://beispiel.de/",
            status=FundingProgramme.Status.PUBLISHED,
            publish_at=timezone.now() - timedelta(hours=1),
        )
        for n in range(number)
    )
    through = FundingProgramme.topics.through
    digital, funding = topic("digitales"), topic("foerderung")
    through.objects.bulk_create(
        through(fundingprogramme_id=p.pk, topic_id=(digital if n % 2 else funding).pk)
        for n, p in enumerate(rows)
    )
    return rows


SCENARIOS = {
    "no filters": {},
    "filters": {"topic": "digitales", "within": "8", "funder": "state"},
    "closed too": {"open": "0", "funder": "state"},
    "page 2": {"page": "2"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_list_needs_the_same_queries_for_10_and_500_programmes(
    client, django_assert_num_queries, number, scenario
):
    _bulk(number)
    params = SCENARIOS[scenario]
    if scenario == "page 2" and number == 10:
        params = {}  # one page only
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST, params)
    assert response.status_code == 200
    assert _titles(response)


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_list_for_a_logged_in_person_needs_the_same_queries(
    client, user, django_assert_num_queries, number
):
    _bulk(number)
    client.force_login(user)
    with django_assert_num_queries(LIST_QUERIES + LOGGED_IN):
        assert client.get(LIST, SCENARIOS["filters"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_an_empty_result_needs_the_same_queries(client, django_assert_num_queries, number):
    _bulk(number)
    # site configuration, topics, the count (no page); one count for each of the three
    # filters that could be dropped ("including closed programmes" needs none: a deadline
    # within the next weeks is never a closed one).
    with django_assert_num_queries(3 + 3):
        response = client.get(LIST, {"topic": "kinderschutz", "within": "2", "funder": "eu"})
    assert _titles(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
@pytest.mark.parametrize(
    "who", ["anonymous", "volunteer", "volunteer with a reminder", "redaktion"]
)
def test_the_programme_page_needs_the_same_queries(client, django_assert_num_queries, number, who):
    rows = _bulk(number)
    programme = rows[2]  # open, with a deadline: the reminder form is shown
    expected = DETAIL_QUERIES
    if who != "anonymous":
        person = redaktion_staff() if who == "redaktion" else UserFactory()
        if who == "volunteer with a reminder":
            DeadlineReminder.objects.create(user=person, programme=programme)
        client.force_login(person)
        expected += LOGGED_IN + 1  # the person's reminder
    with django_assert_num_queries(expected):
        response = _page(client, programme)
    assert response.status_code == 200


@pytest.mark.django_db
def test_in_english_the_english_title_is_shown_and_a_german_only_text_says_so(client):
    programme = ProgrammeFactory(title="Ehrenamt stärken", title_en="Strengthening volunteering")
    client.post(reverse("set_language"), {"language": "en", "next": LIST})
    assert _titles(client.get(LIST)) == ["Strengthening volunteering"]
    response = _page(client, programme)
    assert response.context["programme"].display_title == "Strengthening volunteering"
    assert response.context["programme"].only_in_german


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_preview_needs_the_same_queries(client, django_assert_num_queries, number):
    rows = _bulk(number)
    FundingProgramme.objects.filter(pk=rows[2].pk).update(status=FundingProgramme.Status.DRAFT)
    client.force_login(redaktion_staff())
    # as for the page, and the staff member's permissions (their own and their groups')
    with django_assert_num_queries(DETAIL_QUERIES + LOGGED_IN + 2):
        response = _page(client, rows[2])
    assert response.context["preview"]
