"""The public directory pages: /vereine/ (search, filters, pagination, empty state) and
/vereine/<slug>/ (what an entry shows, who may see an unpublished one, what each role may do).
"""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from network.models import Association, Municipality
from network.views.directory import first_sentence
from portal.staff_groups import VERNETZUNG
from tests.factories import StaffFactory, UserFactory
from tests.network.factories import (
    AmtFactory,
    AssociationFactory,
    MunicipalityFactory,
    OpportunityFactory,
    RepresentativeFactory,
    category,
)

LIST = reverse("network:directory")


def _names(response) -> list[str]:
    """The names in the result list, in order (text only, marks removed)."""
    html = response.content.decode()
    titles = re.findall(r'portal-result__title"><a [^>]*>(.*?)</a>', html, re.S)
    return [unescape(re.sub(r"</?mark>", "", t)) for t in titles]


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def places(db):
    """Two Ämter with a municipality each, and a town without an Amt."""
    hohn = MunicipalityFactory(name="Hohn", amt=AmtFactory(name="Hohner Harde"))
    osdorf = MunicipalityFactory(name="Osdorf", amt=AmtFactory(name="Dänischer Wohld"))
    town = MunicipalityFactory(name="Büdelsdorf", amt=None, kind=Municipality.Kind.TOWN)
    return {"hohn": hohn, "osdorf": osdorf, "town": town}


@pytest.fixture
def directory(places):
    sport, music = category("sport"), category("kultur-musik")
    return {
        "turn": AssociationFactory(
            name="Turnverein Hohn", municipality=places["hohn"], categories=[sport]
        ),
        "chor": AssociationFactory(
            name="Gemischter Chor Osdorf",
            municipality=places["osdorf"],
            categories=[music],
            description="Wir singen zusammen. Proben jeden Montag im Gemeindehaus.",
            seeks_volunteers=True,
        ),
        "musik": AssociationFactory(
            name="Musikzug Hohn", municipality=places["hohn"], categories=[music]
        ),
        "town": AssociationFactory(
            name="Sportfreunde Büdelsdorf", municipality=places["town"], categories=[sport]
        ),
    }


# --- The list: search, filters, count --------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_published_entries_with_their_count_in_german(client, directory):
    AssociationFactory(name="Versteckter Verein", status=Association.Status.HIDDEN)
    AssociationFactory(name="Vorgeschlagener Verein", status=Association.Status.PROPOSED)
    response = client.get(LIST)
    assert response.status_code == 200
    html = _html(response)
    assert html.count("<h1") == 1
    assert "4 Vereine gefunden" in html
    assert _names(response) == [
        "Gemischter Chor Osdorf",
        "Musikzug Hohn",
        "Sportfreunde Büdelsdorf",
        "Turnverein Hohn",
    ]


@pytest.mark.django_db
def test_each_result_shows_categories_place_with_amt_excerpt_and_the_volunteers_badge(
    client, directory
):
    html = _html(client.get(LIST, {"q": "Chor"}))
    result = html[html.index("portal-result__title") :]
    result = result[: result.index("</li>")]
    assert "Kultur, Musik &amp; Gesang" in result
    assert "Osdorf (Amt Dänischer Wohld)" in result
    assert "sucht Engagierte" in result
    assert "<mark>" in result  # the excerpt or name highlights the match


@pytest.mark.django_db
def test_an_open_opportunity_also_earns_the_volunteers_badge(client, directory):
    OpportunityFactory(association=directory["turn"])
    html = _html(client.get(LIST, {"q": "Turnverein"}))
    assert "sucht Engagierte" in html


def test_the_excerpt_without_a_search_is_the_first_sentence():
    text = "Wir spielen z. B. Fußball. Training ist dienstags.\n\nMehr Text."
    assert first_sentence(text) == "Wir spielen z. B. Fußball."
    assert first_sentence("Kein Punkt am Ende") == "Kein Punkt am Ende"
    assert len(first_sentence("Wort " * 200)) <= 220


@pytest.mark.django_db
def test_the_list_without_a_search_shows_the_first_sentence(client, directory):
    html = _html(client.get(LIST, {"category": "kultur-musik"}))
    assert "Wir singen zusammen." in html
    assert "Proben jeden Montag" not in html


@pytest.mark.django_db
def test_the_highlighted_name_is_escaped(client, places):
    AssociationFactory(
        name='Chor <script>alert("x")</script> Hohn',
        description="<img src=x onerror=alert(1)> Wir singen im Chor.",
        municipality=places["hohn"],
    )
    html = _html(client.get(LIST, {"q": "Chor"}))
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<mark>Chor</mark> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Hohn" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.django_db
def test_filters_live_in_the_url_and_combine(client, directory, places):
    def names(**params):
        return _names(client.get(LIST, params))

    assert names(category="sport") == ["Sportfreunde Büdelsdorf", "Turnverein Hohn"]
    assert names(amt=places["hohn"].amt_id) == ["Musikzug Hohn", "Turnverein Hohn"]
    assert names(municipality=places["hohn"].pk, category="kultur-musik") == ["Musikzug Hohn"]
    assert names(seeking="1") == ["Gemischter Chor Osdorf"]
    assert names(q="Hohn", category="sport") == ["Turnverein Hohn"]


@pytest.mark.django_db
def test_the_form_shows_the_chosen_filters_again(client, directory, places):
    html = _html(
        client.get(LIST, {"q": "Chor", "category": "kultur-musik", "amt": places["osdorf"].amt_id})
    )
    assert 'name="q" value="Chor"' in html
    assert re.search(r'<option value="kultur-musik" selected>', html)
    assert re.search(rf'<option value="{places["osdorf"].amt_id}" selected>', html)
    assert 'role="search"' in html
    assert 'method="get"' in html


@pytest.mark.django_db
def test_the_municipality_select_is_grouped_by_amt(client, directory, places):
    html = _html(client.get(LIST))
    select = html[html.index('name="municipality"') :]
    select = select[: select.index("</select>")]
    assert '<optgroup label="Dänischer Wohld">' in select
    assert '<optgroup label="Hohner Harde">' in select
    assert '<optgroup label="amtsfrei">' in select
    assert select.index("Dänischer Wohld") < select.index("Hohner Harde") < select.index("amtsfrei")
    town = select[select.index('<optgroup label="amtsfrei">') :]
    assert "Büdelsdorf" in town


# --- Hostile input: never a 500, the bad part named and left out ----------------------------


HOSTILE = [
    ({"amt": "abc"}, "Dieses Amt gibt es nicht"),
    ({"amt": "999999999999999999999"}, "Dieses Amt gibt es nicht"),
    ({"municipality": "-1"}, "Diese Stadt oder Gemeinde gibt es nicht"),
    ({"municipality": "1 OR 1=1"}, "Diese Stadt oder Gemeinde gibt es nicht"),
    ({"category": "unknown"}, "Diese Kategorie gibt es nicht"),
    ({"category": "<script>"}, "Diese Kategorie gibt es nicht"),
    ({"page": "-1"}, "Die Seitenzahl war ungültig"),
    ({"page": "abc"}, "Die Seitenzahl war ungültig"),
    ({"page": "0"}, "Die Seitenzahl war ungültig"),
    ({"page": "1e9"}, "Die Seitenzahl war ungültig"),
    ({"page": "99999999999999999999999"}, "Die Seitenzahl war ungültig"),
    ({"q": "x" * 5000}, "Der Suchbegriff ist zu lang"),
    ({"q": "Chor\x00"}, "Nullzeichen"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "message"), HOSTILE, ids=lambda v: str(v)[:40])
@pytest.mark.parametrize("page_name", ["network:directory", "network:map"])
def test_a_bad_parameter_is_named_and_left_out_never_a_500(
    client, directory, params, message, page_name
):
    response = client.get(reverse(page_name), params)
    assert response.status_code == 200
    html = _html(response)
    assert 'id="error-summary"' in html
    assert "Einige Angaben konnten nicht verwendet werden" in html
    assert message in html
    assert "4 Vereine gefunden" in html  # the bad filter was not applied


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"q": "&|!:*()'\"\\"},
        {"q": "<>"},
        {"q": "   "},
        {"q": "ö" * 100},
        {"q": "\u202e\ufeff\U0001f600"},
        {"seeking": "not-a-boolean"},
        {"category": ["sport", "kultur-musik"]},
        {"q": "Chor", "page": "2"},
    ],
    ids=str,
)
def test_odd_but_harmless_parameters_give_a_page(client, directory, params):
    response = client.get(LIST, params)
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_page_after_the_last_shows_the_last_page_and_says_so(client, directory):
    response = client.get(LIST, {"page": "7"})
    assert response.status_code == 200
    html = _html(response)
    assert "Die Seite 7 gibt es nicht" in html
    assert len(_names(response)) == 4


# --- Pagination -------------------------------------------------------------------------------


@pytest.fixture
def many(places):
    sport = category("sport")
    for number in range(45):
        AssociationFactory(
            name=f"Sportverein {number:02d}", municipality=places["hohn"], categories=[sport]
        )
    AssociationFactory(name="Chor Hohn", municipality=places["hohn"])


@pytest.mark.django_db
def test_twenty_per_page_and_every_page_link_keeps_the_filters(client, many, places):
    params = {"category": "sport", "municipality": places["hohn"].pk}
    first = client.get(LIST, params)
    assert len(_names(first)) == 20
    html = _html(first)
    assert "45 Vereine gefunden" in html
    assert "Seite 1 von 3" in html
    links = re.findall(r'class="portal-pagination__link" href="([^"]+)"', html)
    assert links
    for link in links:
        link = unescape(link)
        assert "category=sport" in link
        assert f"municipality={places['hohn'].pk}" in link
    second = client.get(LIST, {**params, "page": 2})
    assert _names(second)[0] == "Sportverein 20"
    third = client.get(LIST, {**params, "page": 3})
    assert len(_names(third)) == 5


@pytest.mark.django_db
def test_pagination_is_a_named_navigation_with_the_current_page_marked(client, many):
    html = _html(client.get(LIST, {"page": 2}))
    assert '<nav class="portal-pagination" aria-label="Ergebnisseiten">' in html
    assert re.search(
        r'href="/vereine/\?page=2" aria-current="page"><span class="kern-sr-only">', html
    )
    assert 'rel="prev"' in html
    assert 'rel="next"' in html
    assert 'href="/vereine/"' in html  # page 1 without a page parameter


@pytest.mark.django_db
def test_one_page_of_results_has_no_pagination(client, directory):
    assert "portal-pagination" not in _html(client.get(LIST))


# --- The empty result ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_result_offers_to_drop_one_filter_at_a_time(client, directory, places):
    params = {"q": "Chor", "category": "sport", "municipality": places["osdorf"].pk}
    response = client.get(LIST, params)
    html = _html(response)
    assert _names(response) == []
    assert "0 Vereine gefunden" in html
    assert "Kein Verein passt zu allen Ihren Angaben" in html
    # Without the category, "Chor" in Osdorf finds the choir; without the municipality,
    # "Chor" among sports clubs finds nothing (not offered); without the term, one club.
    osdorf = places["osdorf"].pk
    assert (
        f'href="/vereine/?q=Chor&amp;municipality={osdorf}">Suche in allen Kategorien statt '
        "„Sport &amp; Bewegung“ (1 Verein)</a>"
    ) in html
    assert "in allen Städten und Gemeinden" not in html
    assert f'href="/vereine/?category=sport&amp;municipality={osdorf}">' not in html
    assert 'href="/vereine/">Alle Vereine anzeigen</a>' in html


@pytest.mark.django_db
def test_an_empty_search_suggests_checking_the_spelling(client, directory):
    html = _html(client.get(LIST, {"q": "Xylophonorchester"}))
    assert "Suche ohne den Suchbegriff „Xylophonorchester“ (4 Vereine)" in html
    assert "Prüfen Sie die Schreibweise" in html


@pytest.mark.django_db
def test_an_empty_directory_says_so(client):
    html = _html(client.get(LIST))
    assert "Noch keine Vereine im Verzeichnis" in html


# --- The association page ---------------------------------------------------------------------


@pytest.fixture
def entry(places):
    association = AssociationFactory(
        name="Landfrauen Hohn",
        slug="landfrauen-hohn",
        municipality=places["hohn"],
        categories=[category("heimat")],
        description="Wir treffen uns.\n\nUnd <b>backen</b> gemeinsam.",
        meeting_place="Dörpshus",
        meeting_times="Jeden 2. Dienstag, 19 Uhr",
        email="info@landfrauen-hohn.de",
        website="https://landfrauen-hohn.de",
        last_confirmed_at=timezone.now(),
    )
    return association


@pytest.mark.django_db
def test_the_association_page_shows_what_is_filled_and_nothing_else(client, entry):
    response = client.get(reverse("network:association", args=[entry.slug]))
    assert response.status_code == 200
    html = _html(response)
    assert html.count("<h1") == 1
    assert "<p>Wir treffen uns.</p>" in html
    assert "<p>Und &lt;b&gt;backen&lt;/b&gt; gemeinsam.</p>" in html
    assert "Heimat, Brauchtum &amp; Plattdeutsch" in html
    assert "Hohn (Amt Hohner Harde)" in html
    assert "Dörpshus" in html
    assert "Jeden 2. Dienstag, 19 Uhr" in html
    assert 'href="mailto:info@landfrauen-hohn.de"' in html
    assert 'href="https://landfrauen-hohn.de" rel="noopener nofollow"' in html
    assert "Zuletzt als aktuell bestätigt am" in html
    for empty in ("Ansprechperson", "Telefon</dt>"):
        assert empty not in html
    assert f'href="/vereine/karte/?municipality={entry.municipality_id}"' in html


@pytest.mark.django_db
def test_an_unconfirmed_entry_says_so(client, places):
    association = AssociationFactory(municipality=places["hohn"])
    html = _html(client.get(reverse("network:association", args=[association.slug])))
    assert "Noch nicht als aktuell bestätigt" in html


@pytest.mark.django_db
def test_a_website_that_is_not_http_is_not_linked(client, places):
    association = AssociationFactory(municipality=places["hohn"])
    Association.objects.filter(pk=association.pk).update(website="javascript:alert(1)")
    html = _html(client.get(reverse("network:association", args=[association.slug])))
    assert "javascript:alert" not in html


@pytest.mark.django_db
def test_the_logo_has_an_alt_text_with_the_name(client, entry, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    entry.logo.save("logo.webp", ContentFile(b"RIFF"), save=True)
    html = _html(client.get(reverse("network:association", args=[entry.slug])))
    assert 'alt="Logo von Landfrauen Hohn"' in html


@pytest.mark.django_db
def test_open_opportunities_are_listed_and_ended_ones_are_not(client, entry):
    today = timezone.localdate()
    current = OpportunityFactory(association=entry, title="Kuchen backen für das Dorffest")
    OpportunityFactory(
        association=entry,
        title="Vergangenes Fest",
        starts_on=today - timedelta(days=9),
        ends_on=today - timedelta(days=1),
    )
    html = _html(client.get(reverse("network:association", args=[entry.slug])))
    assert f'href="{reverse("network:opportunity", args=[current.pk])}"' in html
    assert "Kuchen backen für das Dorffest" in html
    assert "Vergangenes Fest" not in html


@pytest.mark.django_db
def test_anonymous_visitors_get_a_login_link_that_returns_to_the_claim(client, entry):
    html = _html(client.get(reverse("network:association", args=[entry.slug])))
    claim = reverse("network:claim", args=[entry.slug])
    assert f'href="{reverse("account_login")}?next={claim}"' in html
    assert f'href="{claim}"' not in html
    assert reverse("network:edit", args=[entry.slug]) not in html


@pytest.mark.django_db
def test_a_logged_in_volunteer_may_ask_to_represent_the_association(client, entry, user):
    client.force_login(user)
    html = _html(client.get(reverse("network:association", args=[entry.slug])))
    assert f'href="{reverse("network:claim", args=[entry.slug])}">Diesen Verein vertreten' in html
    assert reverse("network:edit", args=[entry.slug]) not in html
    assert reverse("network:opportunity_create", args=[entry.slug]) not in html


@pytest.mark.django_db
def test_a_representative_gets_edit_and_new_opportunity_instead_of_claim(client, entry):
    representative = RepresentativeFactory(association=entry)
    client.force_login(representative.user)
    html = _html(client.get(reverse("network:association", args=[entry.slug])))
    assert f'href="{reverse("network:edit", args=[entry.slug])}">Eintrag bearbeiten' in html
    assert (
        f'href="{reverse("network:opportunity_create", args=[entry.slug])}">'
        "Engagement-Angebot anlegen"
    ) in html
    assert reverse("network:claim", args=[entry.slug]) not in html


@pytest.mark.django_db
def test_a_representative_of_another_association_sees_only_the_claim_link(client, entry, places):
    other = RepresentativeFactory(association=AssociationFactory(municipality=places["osdorf"]))
    client.force_login(other.user)
    html = _html(client.get(reverse("network:association", args=[entry.slug])))
    assert reverse("network:claim", args=[entry.slug]) in html
    assert reverse("network:edit", args=[entry.slug]) not in html


@pytest.mark.django_db
def test_an_unknown_slug_answers_404(client):
    assert client.get(reverse("network:association", args=["gibt-es-nicht"])).status_code == 404


def _vernetzung_staff():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=VERNETZUNG))
    return staff


UNPUBLISHED = [
    Association.Status.PROPOSED,
    Association.Status.HIDDEN,
    Association.Status.REJECTED,
]


@pytest.mark.django_db
@pytest.mark.parametrize("status", UNPUBLISHED)
@pytest.mark.parametrize(
    "who", ["anonymous", "volunteer", "representative of another", "staff without Vernetzung"]
)
def test_an_unpublished_entry_answers_404_to_everyone_else(client, places, status, who):
    association = AssociationFactory(status=status, municipality=places["hohn"])
    viewer = {
        "anonymous": lambda: None,
        "volunteer": UserFactory,
        "representative of another": lambda: (
            RepresentativeFactory(association=AssociationFactory(municipality=places["hohn"])).user
        ),
        "staff without Vernetzung": StaffFactory,
    }[who]()
    if viewer:
        client.force_login(viewer)
    response = client.get(reverse("network:association", args=[association.slug]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("status", UNPUBLISHED)
@pytest.mark.parametrize("who", ["representative", "proposer", "staff with Vernetzung"])
def test_an_unpublished_entry_shows_its_own_people_a_notice(client, places, status, who):
    proposer = UserFactory()
    association = AssociationFactory(
        status=status, municipality=places["hohn"], created_by=proposer
    )
    viewer = {
        "representative": lambda: RepresentativeFactory(association=association).user,
        "proposer": lambda: proposer,
        "staff with Vernetzung": _vernetzung_staff,
    }[who]()
    client.force_login(viewer)
    response = client.get(reverse("network:association", args=[association.slug]))
    assert response.status_code == 200
    html = _html(response)
    assert "nicht veröffentlicht" in html.lower()
    assert '<meta name="robots" content="noindex">' in html
    assert reverse("network:claim", args=[association.slug]) not in html


# --- Navigation and start page ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_main_navigation_links_the_directory_and_marks_it_current(client, directory):
    html = _html(client.get(LIST))
    assert re.search(r'href="/vereine/" aria-current="page">Vereine</a>', html)
    assert 'href="/engagement/">Engagement</a>' in html
    html = _html(client.get(reverse("network:association", args=[directory["chor"].slug])))
    assert re.search(r'href="/vereine/" aria-current="page">Vereine</a>', html)


@pytest.mark.django_db
def test_the_start_page_networking_pillar_links_both_lists(client):
    html = _html(client.get(reverse("home")))
    pillar = html[html.index(">Vernetzung<") :]
    pillar = pillar[: pillar.index("</li>\n</ul>")]
    assert 'href="/vereine/"' in pillar
    assert 'href="/engagement/"' in pillar


# --- Query counts: fixed, whatever the number of associations ---------------------------------

# The list: site configuration, the three option lists of the form (categories, Ämter,
# municipalities), the count, the page of results, their categories (prefetch).
LIST_QUERIES = 7
# The page: site configuration, the entry with municipality and Amt, its categories, its
# open opportunities.
DETAIL_QUERIES = 4
# A logged-in person adds the session and the user, and on the page the representative check.
LOGGED_IN = 2


def _bulk_directory(number: int, places) -> list[Association]:
    """Many associations quickly: bulk_create, categories in bulk, one vector refresh."""
    from network import services

    sport, music = category("sport"), category("kultur-musik")
    municipalities = [places["hohn"], places["osdorf"], places["town"]]
    rows = Association.objects.bulk_create(
        Association(
            name=f"{'Sportverein' if n % 2 else 'Chor'} Nummer {n}",
            slug=f"bulk-{n}",
            description=f"Verein {n} im Kreis. Wir freuen uns über Besuch.",
            municipality=municipalities[n % 3],
            seeks_volunteers=n % 5 == 3,
            latitude=54.2 + n / 10_000 if n % 7 == 0 else None,
            longitude=9.6 + n / 10_000 if n % 7 == 0 else None,
        )
        for n in range(number)
    )
    through = Association.categories.through
    through.objects.bulk_create(
        through(association_id=a.pk, category_id=(sport if n % 2 else music).pk)
        for n, a in enumerate(rows)
    )
    services.refresh_search_vector(association_ids=[a.pk for a in rows])
    for n in range(0, number, 50):
        OpportunityFactory(association=rows[n], indexed=False)
    return rows


SCENARIOS = {
    "no filters": {},
    "search": {"q": "Sportverein"},
    "typo": {"q": "Sportferein"},
    "filters": {"category": "sport", "amt": "AMT", "seeking": "1"},
    "search and filters": {"q": "Chor", "category": "kultur-musik", "municipality": "HOHN"},
    "page 2": {"page": "2"},
}


def _spelling(scenario: str) -> int:
    """A search spends one query on the names its words could be misspelt from."""
    return 1 if "q" in SCENARIOS[scenario] else 0


def _params(scenario: str, places) -> dict:
    return {
        key: {"AMT": str(places["hohn"].amt_id), "HOHN": str(places["hohn"].pk)}.get(value, value)
        for key, value in SCENARIOS[scenario].items()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 1000])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_list_needs_the_same_queries_for_10_and_1000_associations(
    client, places, django_assert_num_queries, number, scenario
):
    _bulk_directory(number, places)
    params = _params(scenario, places)
    with django_assert_num_queries(LIST_QUERIES + _spelling(scenario)):
        response = client.get(LIST, params)
    assert response.status_code == 200
    assert _names(response)


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 1000])
@pytest.mark.parametrize("scenario", ["no filters", "search and filters"])
def test_the_list_for_a_logged_in_person_needs_the_same_queries(
    client, places, user, django_assert_num_queries, number, scenario
):
    _bulk_directory(number, places)
    client.force_login(user)
    with django_assert_num_queries(LIST_QUERIES + LOGGED_IN + _spelling(scenario)):
        assert client.get(LIST, _params(scenario, places)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 1000])
def test_an_empty_result_needs_the_same_queries(client, places, django_assert_num_queries, number):
    _bulk_directory(number, places)
    params = {"q": "Chor", "category": "sport", "municipality": places["hohn"].pk}
    # site configuration, options (3), the spelling of the search words, the count; no page
    # of results; one count for each of the three filters that could be dropped (the two
    # that keep the search spell its words again).
    with django_assert_num_queries(11):
        response = client.get(LIST, params)
    assert "0 Vereine gefunden" in _html(response)


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 1000])
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "representative"])
def test_the_association_page_needs_the_same_queries(
    client, places, django_assert_num_queries, number, who
):
    rows = _bulk_directory(number, places)
    association = rows[0]  # has an opportunity
    if who != "anonymous":
        user = UserFactory()
        if who == "representative":
            RepresentativeFactory(association=association, user=user)
        client.force_login(user)
    expected = DETAIL_QUERIES + (LOGGED_IN + 1 if who != "anonymous" else 0)
    with django_assert_num_queries(expected):
        response = client.get(reverse("network:association", args=[association.slug]))
    assert response.status_code == 200
