"""German and English catalogs are complete, and no page shows a string left untranslated."""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from portal.models import Page, SiteConfiguration
from tests.factories import UserFactory

LOCALE = Path(settings.BASE_DIR) / "locale"


def parse_po(path: Path) -> list[dict]:
    """Tiny .po reader: msgid, msgid_plural, msgstr / msgstr[n], fuzzy flag."""
    entries, entry, field = [], None, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry if entry is not None else {"fuzzy": False, "msgstr": {}}
        if line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif match := re.match(r'(msgid|msgid_plural|msgctxt|msgstr(?:\[(\d+)\])?) "(.*)"$', line):
            key, index, text = match.groups()
            field = ("msgstr", index or "0") if key.startswith("msgstr") else (key, None)
            _append(entry, field, text)
        elif line.startswith('"'):
            _append(entry, field, line[1:-1])
    return [e for e in entries if e["msgid"]]  # skip the header


def _append(entry, field, text):
    text = text.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
    if field[0] == "msgstr":
        entry["msgstr"][field[1]] = entry["msgstr"].get(field[1], "") + text
    else:
        entry[field[0]] = entry.get(field[0], "") + text


@pytest.mark.parametrize("language", ["de", "en"])
def test_catalog_is_complete_and_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = parse_po(po)
    assert len(entries) > 100
    incomplete = [e["msgid"] for e in entries if e["fuzzy"] or not all(e["msgstr"].values())]
    assert incomplete == []
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries:
        if "msgid_plural" in entry or "msgctxt" in entry:
            continue
        assert compiled.gettext(entry["msgid"]) == entry["msgstr"]["0"], entry["msgid"]


class _TextNodes(HTMLParser):
    SKIP = {"script", "style", "title"}

    def __init__(self):
        super().__init__()
        self.nodes, self._skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self._skipping += tag in self.SKIP

    def handle_endtag(self, tag):
        self._skipping -= tag in self.SKIP and self._skipping > 0

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipping and re.search(r"[A-Za-zÄÖÜäöüß]{3}", text):
            self.nodes.append(text)


def _text_nodes(html: str) -> list[str]:
    parser = _TextNodes()
    parser.feed(html)
    return parser.nodes


def _same_in_both_languages() -> set[str]:
    """Words that are legitimately the same in German and English."""
    entries = parse_po(LOCALE / "de" / "LC_MESSAGES" / "django.po")
    same = {e["msgid"] for e in entries if e["msgstr"].get("0") == e["msgid"]}
    config = SiteConfiguration.load()
    values = [
        config.county_name,
        config.office_name,
        config.email,
        config.phone,
        config.address_line,
        config.street,
        config.city,
        f"{config.postal_code} {config.city}",
    ]
    # Language names are shown in their own language; "Cookies" is German too.
    return same | set(values) | {"Deutsch", "English", "Cookies"}


def _pages(client, user):
    anonymous = [
        reverse("home"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        "/gibt-es-nicht/",
    ]
    anonymous += [reverse("page", args=[slug]) for slug in Page.Slug.values]
    personal = [
        reverse("account_overview"),
        reverse("account_profile"),
        reverse("account_delete"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
    ]
    return anonymous, personal


def _render(client, url, language, post=None):
    client.cookies["django_language"] = language
    response = client.post(url, post) if post is not None else client.get(url)
    assert response.status_code in (200, 404), url
    return response.content.decode()


@pytest.mark.django_db
def test_every_page_shows_no_untranslated_string_in_either_language(client):
    user = UserFactory(first_name="Zelda", last_name="Zufall")
    anonymous, personal = _pages(client, user)
    allowed = _same_in_both_languages() | {user.email, "Zelda Zufall", user.get_language_display()}
    problems = []

    def compare(url, post=None):
        german = _text_nodes(_render(client, url, "de", post))
        english = _text_nodes(_render(client, url, "en", post))
        for node in sorted(set(german) & set(english) - allowed):
            problems.append(f"{url}: {node!r}")

    for url in anonymous:
        compare(url)
    compare(reverse("account_signup"), post={"email": "x"})  # a form with errors
    compare(reverse("barrier_report"), post={"description": ""})
    client.force_login(user)
    for url in personal:
        compare(url)
    assert problems == []
