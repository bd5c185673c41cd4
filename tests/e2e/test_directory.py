"""The directory in a real browser: a volunteer searches, filters and opens an association; the
map shows markers and the list; axe-core finds nothing on any state, at 320 px and desktop."""

import re

import pytest
from django.urls import reverse

from tests.e2e.conftest import DESKTOP, NARROW
from tests.factories import PASSWORD, UserFactory
from tests.network.factories import (
    AmtFactory,
    AssociationFactory,
    MunicipalityFactory,
    OpportunityFactory,
    category,
)

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _log_in(page, live_server, user):
    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + reverse("account_overview"))


@pytest.fixture
def county(transactional_db, settings):
    """A small county; the map without tiles (nothing may be loaded from outside)."""
    settings.MAP_TILE_URL = ""
    hohn = MunicipalityFactory(
        name="Hohn", amt=AmtFactory(name="Hohner Harde"), latitude=54.3, longitude=9.5
    )
    osdorf = MunicipalityFactory(
        name="Osdorf", amt=AmtFactory(name="Dänischer Wohld"), latitude=54.43, longitude=10.0
    )
    sport, music = category("sport"), category("kultur-musik")
    chor = AssociationFactory(
        name="Gemischter Chor Osdorf",
        slug="gemischter-chor-osdorf",
        municipality=osdorf,
        categories=[music],
        description="Wir singen vierstimmig. Proben jeden Montag im Dörpshus.",
        meeting_place="Dörpshus Osdorf",
        email="chor@osdorf.example",
        website="https://chor-osdorf.example",
    )
    AssociationFactory(
        name="Kinderchor Hohn",
        municipality=hohn,
        categories=[music],
        description="Singen für Kinder ab sechs Jahren.",
    )
    AssociationFactory(
        name="Turnverein Hohn",
        municipality=hohn,
        categories=[sport],
        description="Turnen, Gymnastik und Tischtennis.",
        seeks_volunteers=True,
    )
    AssociationFactory(
        name="Segelclub Osdorf",
        municipality=osdorf,
        categories=[sport],
        latitude=54.45,
        longitude=10.05,
    )
    for number in range(25):
        AssociationFactory(
            name=f"Sportgemeinschaft {number:02d}", municipality=hohn, categories=[sport]
        )
    OpportunityFactory(association=chor, title="Notenwart:in gesucht")
    return {"chor": chor, "hohn": hohn, "osdorf": osdorf}


def test_a_volunteer_searches_filters_and_opens_an_association(
    page, live_server, county, outside_requests
):
    _log_in(page, live_server, UserFactory())
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Vereine"
    ).click()
    page.wait_for_url(live_server.url + reverse("network:directory"))
    assert page.get_by_role("heading", level=2, name="29 Vereine gefunden").is_visible()

    page.get_by_label("Suchbegriff").fill("Chor")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"q=Chor"))
    assert page.get_by_role("heading", level=2, name="2 Vereine gefunden").is_visible()
    results = page.locator(".portal-result__title")
    assert sorted(results.all_inner_texts()) == ["Gemischter Chor Osdorf", "Kinderchor Hohn"]

    page.get_by_label("Amt", exact=True).select_option(label="Dänischer Wohld")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"q=Chor.*amt=\d+"))
    assert page.get_by_role("heading", level=2, name="1 Verein gefunden").is_visible()
    assert results.all_inner_texts() == ["Gemischter Chor Osdorf"]

    # The back button returns to the search before the filter.
    page.go_back()
    assert page.get_by_role("heading", level=2, name="2 Vereine gefunden").is_visible()
    page.go_forward()

    page.get_by_role("link", name="Gemischter Chor Osdorf").click()
    page.wait_for_url(
        live_server.url + reverse("network:association", args=["gemischter-chor-osdorf"])
    )
    assert page.get_by_role("heading", level=1).inner_text() == "Gemischter Chor Osdorf"
    assert page.get_by_text("Dörpshus Osdorf").is_visible()
    assert page.get_by_role("link", name="Notenwart:in gesucht").is_visible()
    assert page.get_by_role("link", name="Diesen Verein vertreten").is_visible()
    assert outside_requests == []


def test_pagination_keeps_the_filters_in_the_browser(page, live_server, county):
    page.goto(live_server.url + reverse("network:directory") + "?category=sport")
    assert page.get_by_role("heading", level=2, name="27 Vereine gefunden").is_visible()
    pagination = page.get_by_role("navigation", name="Ergebnisseiten")
    pagination.get_by_role("link", name="Nächste Seite").click()
    page.wait_for_url(re.compile(r"category=sport&page=2"))
    assert page.locator(".portal-result").count() == 7
    assert pagination.locator("[aria-current=page]").inner_text().strip().endswith("2")


def test_the_map_shows_markers_and_the_list_without_csp_errors(
    browser, live_server, county, outside_requests, page
):
    # This context keeps the site's CSP (the shared one bypasses it for axe).
    context = browser.new_context(locale="de-DE", viewport=DESKTOP)
    strict = context.new_page()
    problems = []
    strict.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    strict.on("pageerror", lambda error: problems.append(str(error)))
    strict.goto(live_server.url + reverse("network:map"))
    markers = strict.locator("#directory-map .portal-map-marker__link")
    markers.first.wait_for()
    # Hohn and Osdorf with their numbers, the sailing club at its own point.
    assert markers.count() == 3
    assert strict.locator("#directory-map").get_attribute("data-markers") == "3"
    assert strict.get_by_role("region", name="Karte der Vereine").is_visible()
    assert strict.get_by_role("link", name="Hohn: 27 Vereine").is_visible()
    assert strict.get_by_role("link", name="Segelclub Osdorf").first.is_visible()
    assert strict.locator(".leaflet-tile").count() == 0  # no tiles configured
    assert strict.get_by_role("heading", level=2, name="29 Vereine gefunden").is_visible()
    assert problems == []

    strict.get_by_role("link", name="Osdorf: 1 Verein").click()
    strict.wait_for_url(re.compile(rf"/vereine/\?municipality={county['osdorf'].pk}#results$"))
    assert strict.get_by_role("heading", level=2, name="2 Vereine gefunden").is_visible()
    assert problems == []
    context.close()

    # The shared page (same site, CSP bypassed) loads nothing from another host either.
    page.goto(live_server.url + reverse("network:map"))
    page.locator("#directory-map .portal-map-marker__link").first.wait_for()
    assert outside_requests == []


def test_the_map_follows_the_filters(page, live_server, county):
    page.goto(live_server.url + reverse("network:map") + "?category=kultur-musik")
    markers = page.locator("#directory-map .portal-map-marker__link")
    markers.first.wait_for()
    assert sorted(markers.evaluate_all("links => links.map(a => a.title)")) == [
        "Hohn: 1 Verein",
        "Osdorf: 1 Verein",
    ]


def test_without_javascript_the_list_and_filters_work_and_the_map_stays_hidden(
    browser, live_server, county
):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(live_server.url + reverse("network:map"))
    assert page.locator("#map").is_hidden()
    page.get_by_label("Suchbegriff").fill("Turnverein")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"q=Turnverein"))
    assert page.get_by_role("heading", level=2, name="1 Verein gefunden").is_visible()
    context.close()


def test_a_map_marker_is_reachable_by_keyboard(page, live_server, county):
    page.goto(live_server.url + reverse("network:map"))
    page.locator("#directory-map .portal-map-marker__link").first.wait_for()
    page.get_by_role("link", name="Karte überspringen").focus()
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('portal-map-marker__link')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('portal-map-marker__link')")


@VIEWPORTS
def test_every_directory_state_is_accessible_and_fits_320_px(
    page, live_server, county, assert_accessible, viewport
):
    page.set_viewport_size(viewport)
    directory = live_server.url + reverse("network:directory")
    states = {
        "list": directory,
        "list with filters": f"{directory}?q=Chor&category=kultur-musik"
        f"&municipality={county['hohn'].pk}&seeking=1",
        "list, page 2": f"{directory}?category=sport&page=2",
        "empty result": f"{directory}?q=Chor&category=sport&amt={county['osdorf'].amt_id}",
        "bad parameters": f"{directory}?amt=abc&page=-1&category=unbekannt",
        "association": live_server.url + reverse("network:association", args=[county["chor"].slug]),
    }
    for label, url in states.items():
        page.goto(url)
        assert page.locator("h1").count() == 1, label
        assert _no_horizontal_scroll(page), label
        assert_accessible(page, label)
    page.goto(live_server.url + reverse("network:map"))
    page.locator("#directory-map .portal-map-marker__link").first.wait_for()
    assert _no_horizontal_scroll(page), "map"
    assert_accessible(page, "map")
