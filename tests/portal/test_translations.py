"""The German catalogue is complete, English shows the English msgids of the code, and no page
shows a string left untranslated.

There is no English catalogue: the msgids are English. Django never falls back to the default
language for English (`DjangoTranslation._add_fallback` skips every "en" variant), so a German
text cannot leak into an English page; the tests below check that instead of trusting it.
"""

import gettext
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from portal.models import Page, SiteConfiguration
from tests.factories import UserFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
GERMAN_PO = LOCALE / "de" / "LC_MESSAGES" / "django.po"
# Another folder may reword third-party English texts on purpose (allauth's wording).
ENGLISH_OVERRIDES = Path(settings.BASE_DIR) / "locale_overrides" / "en" / "LC_MESSAGES"


def _german() -> polib.POFile:
    return polib.pofile(str(GERMAN_PO))


def _entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def test_german_catalogue_is_complete_without_fuzzy_entries():
    entries = _entries(_german())
    assert len(entries) > 100
    assert [entry.msgid for entry in entries if "fuzzy" in entry.flags] == []
    assert [entry.msgid for entry in entries if not entry.translated()] == []


# What `make messages` leaves out of the extraction, besides dot folders.
NOT_SOURCE = {
    "benchmarks",
    "locale",
    "locale_overrides",
    "node_modules",
    "static",
    "staticfiles",
    "tests",
    "var",
}


def _keys(po: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in _entries(po)}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs Debian's gettext, as make messages")
def test_german_catalogue_holds_exactly_the_texts_of_the_code(tmp_path, settings, monkeypatch):
    """The checks above only read the catalogue; this one extracts the code's texts (as `make
    messages` does, into a copy) so a text added without running it fails too."""
    for item in Path(settings.BASE_DIR).iterdir():
        if item.name not in NOT_SOURCE and not item.name.startswith("."):
            (tmp_path / item.name).symlink_to(item)
    shutil.copytree(LOCALE / "de", tmp_path / "locale" / "de")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["de"], no_obsolete=True, symlinks=True, verbosity=0)
    extracted = polib.pofile(str(tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    committed = _german()
    assert sorted(_keys(extracted) - _keys(committed), key=str) == []  # missing: make messages
    assert sorted(_keys(committed) - _keys(extracted), key=str) == []  # no longer in the code
    assert [entry.msgid for entry in extracted if not entry.translated()] == []


def test_compiled_german_catalogue_matches_the_po_file():
    with GERMAN_PO.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _entries(_german()):
        if entry.msgid_plural:
            for form, n in enumerate((1, 2)):  # German: one form for 1, another for the rest
                if entry.msgctxt:
                    shown = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    shown = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                assert shown == entry.msgstr_plural[form], entry.msgid
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def _reworded_in_english() -> set[tuple[str | None, str]]:
    """Texts a catalogue in locale_overrides/en rewords on purpose (none may exist)."""
    reworded = set()
    for path in ENGLISH_OVERRIDES.glob("*.po"):
        reworded |= {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path))}
    return reworded


def test_there_is_no_english_catalogue_for_the_portals_own_texts():
    # It would only repeat the msgids (and need filling after every makemessages); English
    # rewording of third-party texts belongs in locale_overrides/en.
    assert not (LOCALE / "en").exists()


def test_english_shows_every_msgid_of_the_german_catalogue_unchanged():
    reworded = _reworded_in_english()
    different = []
    with translation.override("en"):
        for entry in _entries(_german()):
            if (entry.msgctxt, entry.msgid) in reworded:
                continue
            if entry.msgid_plural:
                shown = [
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    if entry.msgctxt
                    else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    for n in (1, 2)
                ]
                expected = [entry.msgid, entry.msgid_plural]
            elif entry.msgctxt:
                shown = translation.pgettext(entry.msgctxt, entry.msgid)
                expected = entry.msgid
            else:
                shown, expected = translation.gettext(entry.msgid), entry.msgid
            if shown != expected:
                different.append((entry.msgid, shown))
    assert different == []


def test_german_is_what_the_check_above_would_have_seen_leak():
    """The control for the test above: the same lookups in German give German."""
    entry = _german().find("Skip to content")
    assert entry.msgstr == "Zum Inhalt springen"
    with translation.override("de"):
        assert translation.gettext("Skip to content") == "Zum Inhalt springen"
    with translation.override("en"):
        assert translation.gettext("Skip to content") == "Skip to content"


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
    same = {entry.msgid for entry in _entries(_german()) if entry.msgstr == entry.msgid}
    config = SiteConfiguration.load()
    # The county's own data (names, addresses, the legal details) is not translated.
    values = [
        getattr(config, field.name)
        for field in SiteConfiguration._meta.get_fields()
        if isinstance(getattr(config, field.name, None), str)
    ]
    values += [config.address_line, f"{config.postal_code} {config.city}"]
    # Language names are shown in their own language; "Cookies" is German too.
    return same | set(values) | {"Deutsch", "English", "Cookies"}


# (url, status): every page answers exactly the status it should; the 404 page is walked on
# purpose (its text is translated too), nothing else may answer 404 or redirect.
def _anonymous_pages():
    pages = [
        (reverse("home"), 200),
        (reverse("account_login"), 200),
        (reverse("account_signup"), 200),
        (reverse("account_reset_password"), 200),
        ("/gibt-es-nicht/", 404),
    ]
    return pages + [(reverse("page", args=[slug]), 200) for slug in Page.Slug.values]


def _personal_pages():
    names = [
        "account_overview",
        "account_profile",
        "account_delete",
        "account_email",
        "account_change_password",
        "mfa_index",
    ]
    return [(reverse(name), 200) for name in names]


def _render(client, url, status, language, post=None):
    client.cookies["django_language"] = language
    response = client.post(url, post) if post is not None else client.get(url)
    assert response.status_code == status, f"{url} in {language}: {response.status_code}"
    return response.content.decode()


@pytest.mark.django_db
def test_every_page_shows_no_untranslated_string_in_either_language(client):
    user = UserFactory(first_name="Zelda", last_name="Zufall")
    allowed = _same_in_both_languages() | {user.email, "Zelda Zufall", user.get_language_display()}
    problems = []

    def compare(url, status=200, post=None):
        german = _text_nodes(_render(client, url, status, "de", post))
        english = _text_nodes(_render(client, url, status, "en", post))
        assert german, url
        assert english, url
        for node in sorted(set(german) & set(english) - allowed):
            problems.append(f"{url}: {node!r}")

    for url, status in _anonymous_pages():
        compare(url, status)
    compare(reverse("account_signup"), post={"email": "x"})  # a form with errors
    compare(reverse("barrier_report"), post={"description": ""})
    client.force_login(user)
    for url, status in _personal_pages():
        compare(url, status)
    assert problems == []
