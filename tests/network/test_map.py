"""The directory map: /vereine/karte/ (markers as JSON for static/js/map.js, matching the
filters), the tile settings and the CSP that allows exactly the tile host, vendored Leaflet."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from network.models import Association
from tests.network.factories import AssociationFactory, MunicipalityFactory, category

BASE = Path(settings.BASE_DIR)
MAP = reverse("network:map")
SETTINGS_SOURCE = (BASE / "kloormokers" / "settings.py").read_text()
READ_VARIABLES = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', SETTINGS_SOURCE))


def _map_data(response) -> dict:
    html = response.content.decode()
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no map data"
    return json.loads(match.group(1))


@pytest.fixture
def county(db):
    hohn = MunicipalityFactory(name="Hohn", latitude=54.3, longitude=9.5)
    osdorf = MunicipalityFactory(name="Osdorf", latitude=54.4, longitude=10.0)
    nowhere = MunicipalityFactory(name="Ohne Koordinaten", latitude=None, longitude=None)
    sport, music = category("sport"), category("kultur-musik")
    AssociationFactory(name="Turnverein Hohn", municipality=hohn, categories=[sport])
    AssociationFactory(name="Reitverein Hohn", municipality=hohn, categories=[sport])
    AssociationFactory(name="Chor Hohn", municipality=hohn, categories=[music])
    AssociationFactory(name="Chor Osdorf", municipality=osdorf, categories=[music])
    AssociationFactory(
        name="Segelclub Osdorf",
        slug="segelclub-osdorf",
        municipality=osdorf,
        categories=[sport],
        latitude=54.41,
        longitude=10.02,
    )
    AssociationFactory(name="Sportverein Irgendwo", municipality=nowhere, categories=[sport])
    AssociationFactory(
        name="Versteckter Sportverein",
        municipality=hohn,
        categories=[sport],
        status=Association.Status.HIDDEN,
    )
    return {"hohn": hohn, "osdorf": osdorf}


@pytest.mark.django_db
def test_the_map_page_has_the_filters_the_list_and_the_markers(client, county):
    response = client.get(MAP)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'role="search"' in html
    assert "6 Vereine gefunden" in html
    assert 'id="directory-map" role="region" aria-label="Karte der Vereine"' in html
    assert "barrierefreie Alternative" in html  # the list is the accessible equivalent
    assert 'href="#results">Karte überspringen' in html
    data = _map_data(response)
    assert {(p["label"], p["count"]) for p in data["places"]} == {
        ("Hohn: 3 Vereine", 3),
        ("Osdorf: 1 Verein", 1),
    }
    assert data["entries"] == [
        {
            "lat": 54.41,
            "lon": 10.02,
            "label": "Segelclub Osdorf",
            "url": reverse("network:association", args=["segelclub-osdorf"]),
        }
    ]
    assert data["labels"] == {"zoomIn": "Vergrößern", "zoomOut": "Verkleinern"}


@pytest.mark.django_db
def test_the_markers_follow_the_filters_and_link_to_the_filtered_list(client, county):
    data = _map_data(client.get(MAP, {"category": "sport"}))
    hohn = county["hohn"]
    assert [(p["count"], p["url"]) for p in data["places"]] == [
        (2, f"/vereine/?category=sport&municipality={hohn.pk}#results")
    ]
    assert [e["label"] for e in data["entries"]] == ["Segelclub Osdorf"]
    data = _map_data(client.get(MAP, {"q": "Chor"}))
    assert sorted(p["label"] for p in data["places"]) == ["Hohn: 1 Verein", "Osdorf: 1 Verein"]
    assert data["entries"] == []
    # A bad filter is left out of the markers as out of the list.
    data = _map_data(client.get(MAP, {"category": "gibt-es-nicht"}))
    assert sum(p["count"] for p in data["places"]) + len(data["entries"]) == 5


@pytest.mark.django_db
def test_a_marker_link_lands_on_the_list_with_the_same_associations(client, county):
    data = _map_data(client.get(MAP, {"category": "sport"}))
    response = client.get(data["places"][0]["url"].split("#")[0])
    assert "2 Vereine gefunden" in response.content.decode()


@pytest.mark.django_db
def test_names_in_the_map_data_cannot_end_the_script_element(client, county):
    AssociationFactory(
        name="</script><script>alert(1)</script>",
        municipality=county["osdorf"],
        latitude=54.4,
        longitude=10.1,
    )
    html = client.get(MAP).content.decode()
    assert "</script><script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


@pytest.mark.django_db
def test_the_page_has_no_inline_script(client, county):
    html = client.get(MAP).content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "style=" not in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet/leaflet.css" in html
    assert "/static/js/map.js" in html


@pytest.mark.django_db
def test_the_tile_settings_reach_the_map(client, county, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Beispiel"
    settings.MAP_CENTER_LAT, settings.MAP_CENTER_LON, settings.MAP_CENTER_ZOOM = 53.5, 10.0, 8
    data = _map_data(client.get(MAP))
    assert data["tiles"] == {
        "url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "attribution": "© Beispiel",
    }
    assert data["center"] == [53.5, 10.0]
    assert data["zoom"] == 8


@pytest.mark.django_db
def test_without_a_tile_url_the_map_gets_no_tiles(client, county, settings):
    settings.MAP_TILE_URL = ""
    assert _map_data(client.get(MAP))["tiles"]["url"] == ""


def test_the_default_tiles_are_openstreetmap_centred_on_the_county():
    assert "MAP_TILE_URL" in READ_VARIABLES
    result = _django(
        {}, "print(settings.MAP_TILE_URL, settings.MAP_CENTER_LAT, settings.MAP_CENTER_LON)"
    )
    assert result.stdout.split() == [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "54.3",
        "9.75",
    ]


# --- The Content-Security-Policy allows exactly the tile host ---------------------------------

CSP_HEADER = (
    "from csp.middleware import CSPMiddleware; from django.http import HttpResponse; "
    "from django.test import RequestFactory; "
    "print(CSPMiddleware(lambda r: HttpResponse())(RequestFactory().get('/'))"
    "['Content-Security-Policy'])"
)


def _django(env: dict, code: str) -> subprocess.CompletedProcess:
    """Start Django with only these variables set and run code (settings are read at start)."""
    clean = {k: v for k, v in os.environ.items() if k not in READ_VARIABLES}
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; {code}",
        ],
        cwd=BASE,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kloormokers.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _img_src(header: str) -> list[str]:
    directive = next(d.strip() for d in header.split(";") if d.strip().startswith("img-src"))
    return directive.split()[1:]


@pytest.mark.parametrize(
    ("tile_url", "allowed"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://tile.openstreetmap.org"]),
        (
            "https://tiles.example.org:8443/osm/{z}/{x}/{y}.png?key=k",
            ["https://tiles.example.org:8443"],
        ),
        ("https://{s}.tile.example.org/{z}/{x}/{y}{r}.png", ["https://*.tile.example.org"]),
        ("", []),
    ],
)
def test_the_csp_allows_images_from_exactly_the_tile_host(tile_url, allowed):
    result = _django({"MAP_TILE_URL": tile_url}, CSP_HEADER)
    assert result.returncode == 0, result.stderr
    assert _img_src(result.stdout.strip()) == ["'self'", "data:", *allowed]
    for directive in result.stdout.split(";"):
        if not directive.strip().startswith("img-src"):
            assert "example.org" not in directive
            assert "openstreetmap" not in directive


@pytest.mark.parametrize(
    "tile_url",
    [
        "javascript:alert(1)",
        "tile.example.org/{z}/{x}/{y}.png",
        "https://{s}/{z}/{x}/{y}.png",
        "https://*/{z}.png",
        "https://tiles.example.org; script-src */{z}.png",
        "https://user@tiles.example.org/{z}.png",
    ],
)
def test_a_tile_url_that_is_not_a_plain_host_refuses_to_start(tile_url):
    result = _django({"MAP_TILE_URL": tile_url}, "print('started')")
    assert result.returncode != 0
    assert "MAP_TILE_URL" in result.stderr


def test_production_needs_https_tiles():
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "x.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
    }
    result = _django({**production, "MAP_TILE_URL": "http://tiles.example.org/{z}.png"}, "")
    assert result.returncode != 0
    assert "must use https in production" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("MAP_CENTER_LAT", "91"), ("MAP_CENTER_LON", "-181"), ("MAP_CENTER_ZOOM", "25")],
)
def test_a_map_centre_off_the_globe_refuses_to_start(variable, value):
    result = _django({variable: value}, "")
    assert result.returncode != 0
    assert variable in result.stderr


@pytest.mark.django_db
def test_the_running_portal_sends_the_configured_tile_host(client):
    header = client.get(reverse("home"))["Content-Security-Policy"]
    assert _img_src(header) == ["'self'", "data:", *settings.MAP_TILE_HOSTS]


# --- Query counts -----------------------------------------------------------------------------

# The list's seven (site configuration, three option lists, count, page, categories) and the
# two marker queries (municipalities with their counts, precise points).
MAP_QUERIES = 9


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 1000])
@pytest.mark.parametrize("params", [{}, {"q": "Verein", "category": "sport"}], ids=str)
def test_the_map_needs_the_same_queries_for_10_and_1000_associations(
    client, django_assert_num_queries, number, params
):
    from tests.network.test_directory_pages import _bulk_directory

    places = {
        "hohn": MunicipalityFactory(name="Hohn"),
        "osdorf": MunicipalityFactory(name="Osdorf", latitude=54.4, longitude=10.0),
        "town": MunicipalityFactory(name="Büdelsdorf", amt=None),
    }
    _bulk_directory(number, places)
    # A search spends one query on spelling for the list and one for the markers.
    with django_assert_num_queries(MAP_QUERIES + (2 if "q" in params else 0)):
        response = client.get(MAP, params)
    data = _map_data(response)
    assert data["places"]
    assert data["entries"]


# --- Vendored Leaflet -------------------------------------------------------------------------


def test_vendored_leaflet_records_its_version_and_licence():
    folder = BASE / "static" / "vendor" / "leaflet"
    version = (folder / "VERSION").read_text()
    assert "name: leaflet" in version
    assert "version: 1.9.4" in version
    assert "integrity: sha512-" in version
    assert "Volodymyr Agafonkin" in (folder / "LICENSE").read_text()
    for name in ("leaflet.js", "leaflet.css", "images/marker-icon.png", "images/layers.png"):
        assert (folder / name).exists(), name
    assert "sourceMappingURL" not in (folder / "leaflet.js").read_text()
    script = BASE / "scripts" / "vendor_leaflet.sh"
    assert os.access(script, os.X_OK)
    assert "1.9.4" in script.read_text()


def test_the_map_script_writes_no_html():
    source = (BASE / "static" / "js" / "map.js").read_text()
    assert not re.search(r"innerHTML\s*=|insertAdjacentHTML|document\.write|eval\(", source)
