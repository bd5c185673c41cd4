"""The Markdown renderer for everything staff write (portal.markdown): what never comes through
(script, javascript: links in any spelling, event attributes, iframes, style, data: URLs), what
is kept (tables with alignment and their scroll region, headings one level down, lists,
links; external links marked), the plain-text form for mails, and the content pages of the
foundation, whose seeded texts render with the same structure as before."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from portal.markdown import markdown_to_text, render_markdown
from portal.models import Page

HOSTILE = [
    pytest.param("<script>alert(1)</script>", id="script-tag"),
    pytest.param("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", id="script-src"),
    pytest.param("Text <script>alert(1)</script> im Satz", id="inline-script"),
    pytest.param("[klick](javascript:alert(1))", id="javascript-link"),
    pytest.param("[klick](JaVaScRiPt:alert(1))", id="mixed-case-javascript"),
    pytest.param("[klick](&#106;avascript:alert(1))", id="entity-javascript"),
    pytest.param("[klick](java&#x73;cript:alert(1))", id="hex-entity-javascript"),
    pytest.param("[klick](java&#9;script:alert(1))", id="tab-entity-javascript"),
    pytest.param("[klick]( javascript:alert(1))", id="space-javascript"),
    pytest.param("<javascript:alert(1)>", id="javascript-autolink"),
    pytest.param("[klick][x]\n\n[x]: javascript:alert(1)", id="javascript-reference"),
    pytest.param("[klick](vbscript:msgbox(1))", id="vbscript-link"),
    pytest.param('<a href="javascript:alert(1)">klick</a>', id="raw-a-javascript"),
    pytest.param("<img src=x onerror=alert(1)>", id="onerror"),
    pytest.param('<p onclick="alert(1)">Hallo</p>', id="onclick"),
    pytest.param('<div onmouseover="alert(1)">x</div>', id="onmouseover"),
    pytest.param('[klick](https://example.org "x" onclick="alert(1)")', id="on-in-title"),
    pytest.param("<iframe src=https://evil.example></iframe>", id="iframe"),
    pytest.param("<IFRAME SRCDOC='<script>alert(1)</script>'>", id="iframe-srcdoc"),
    pytest.param("<style>body{display:none}</style>", id="style-tag"),
    pytest.param('<span style="position:fixed">x</span>', id="style-attribute"),
    pytest.param("[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", id="data"),
    pytest.param("![bild](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)", id="data-image"),
    pytest.param("<object data=x.swf></object><embed src=x.swf>", id="object-embed"),
    pytest.param("<form action=https://evil.example><input name=p></form>", id="form"),
    pytest.param("<!-- <script>alert(1)</script> -->", id="comment"),
    pytest.param("<svg onload=alert(1)></svg>", id="svg"),
    pytest.param("<math><mi xlink:href=javascript:alert(1)>x</mi></math>", id="math"),
]


class _Elements(HTMLParser):
    """Every element with its attributes, as a browser would build them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "svg", "math"}


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_dangerous_comes_through(text):
    html = render_markdown(text)
    for tag, attrs in _elements(html):
        assert tag not in DANGEROUS_TAGS, html
        assert not any(name.startswith("on") for name in attrs), html
        assert "style" not in attrs, html
        for name in ("href", "src", "srcdoc", "action", "data"):
            value = re.sub(r"\s", "", attrs.get(name, "") or "").lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), html
        if tag == "a" and "href" in attrs:
            # What a browser takes as the scheme: only these, or none (a relative address).
            assert urlsplit(attrs["href"]).scheme in ("", "http", "https", "mailto", "tel"), html


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "<style>x</style>", "<iframe src=x></iframe>"],
)
def test_raw_html_is_shown_as_text_not_dropped_silently(text):
    html = render_markdown(text)
    assert "&lt;" in html
    assert "<" + text[1:] not in html


def test_an_image_is_not_embedded_but_its_description_stays():
    # Images would load from anywhere (and are not part of what staff may write).
    html = render_markdown("![Logo des Kreises](https://example.org/logo.png)")
    assert "<img" not in html
    assert "example.org" not in html
    assert "Logo des Kreises" in html


# --- What is kept -----------------------------------------------------------------------------


def test_tables_keep_their_cells_and_alignment_as_classes_in_a_scroll_region():
    html = render_markdown(
        "| Pauschale | Betrag | Stand |\n|:--|--:|:-:|\n| Übungsleiter | 3.300 € | 2026 |"
    )
    elements = _elements(html)
    tags = [tag for tag, _attrs in elements]
    assert tags[:2] == ["div", "table"]
    wrapper = elements[0][1]
    assert wrapper["class"] == "portal-table-scroll"
    assert (wrapper["tabindex"], wrapper["role"]) == ("0", "region")
    assert wrapper["aria-label"]
    assert tags.count("th") == 3
    assert tags.count("td") == 3
    cells = [attrs.get("class") for tag, attrs in elements if tag in ("th", "td")]
    assert cells == ["portal-align-left", "portal-align-right", "portal-align-center"] * 2
    assert "style" not in html
    assert '<td class="portal-align-right">3.300 €</td>' in html


def test_a_table_without_alignment_has_no_class():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<th>a</th>" in html
    assert "<td>2</td>" in html


def test_headings_are_kept_and_h1_becomes_h2():
    html = render_markdown("# Verein gründen\n\n## Satzung\n\n### Mitglieder\n\n#### Vorstand")
    assert [tag for tag, _attrs in _elements(html)] == ["h2", "h2", "h3", "h4"]
    assert "<h1" not in html
    assert "<h2>Verein gründen</h2>" in html


def test_lists_emphasis_and_quotes_are_kept():
    html = render_markdown("- eins\n- zwei\n\n3. drei\n4. vier\n\n**fett** *kursiv*\n\n> Zitat")
    tags = [tag for tag, _attrs in _elements(html)]
    assert tags.count("li") == 4
    assert {"ul", "ol", "strong", "em", "blockquote"} <= set(tags)
    assert '<ol start="3">' in html


def test_external_links_are_marked_internal_ones_not(settings):
    settings.PORTAL_URL = "https://www.kloormokers.de"
    html = render_markdown(
        "[Infothek](/infothek/) [Portal](https://www.kloormokers.de/beratung/) "
        "[DSEE](https://www.deutsche-stiftung-engagement-und-ehrenamt.de/) "
        "[Mail](mailto:info@example.org)"
    )
    links = [attrs for tag, attrs in _elements(html) if tag == "a"]
    assert [link["href"] for link in links] == [
        "/infothek/",
        "https://www.kloormokers.de/beratung/",
        "https://www.deutsche-stiftung-engagement-und-ehrenamt.de/",
        "mailto:info@example.org",
    ]
    assert [link.get("class") for link in links] == [
        None,
        None,
        "portal-link--external",
        None,
    ]
    assert links[2]["rel"] == "noopener noreferrer"
    assert "rel" not in links[0]
    assert html.count('class="kern-sr-only"') == 1  # the hidden "(external link)" note


def test_addresses_in_the_text_become_links():
    html = render_markdown("Mehr unter https://example.org/ratgeber oder info@example.org.")
    hrefs = [attrs["href"] for tag, attrs in _elements(html) if tag == "a"]
    assert hrefs == ["https://example.org/ratgeber", "mailto:info@example.org"]


def test_a_single_line_break_stays_a_break():
    assert render_markdown("Kaiserstraße 8\n24768 Rendsburg") == (
        "<p>Kaiserstraße 8<br>\n24768 Rendsburg</p>\n"
    )


def test_markdown_to_text_writes_links_out():
    text = markdown_to_text(
        "## Antrag\n\nSiehe [die Förderseite](https://example.org/foerderung) und "
        "info@example.org.\n\n- eins\n- zwei\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "Siehe die Förderseite (https://example.org/foerderung) und info@example.org." in text
    assert "mailto:" not in text
    assert "- eins\n- zwei" in text
    assert "1 | 2" in text
    assert "<" not in text
    assert text.startswith("Antrag\n\n")


def test_empty_text_renders_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
    assert markdown_to_text("") == ""


# --- The content pages of the foundation -------------------------------------------------------


class _Blocks(HTMLParser):
    """Top-level headings and paragraphs with their text (a <br> as a line break), and links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.links, self._open = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "p"):
            self._open = [tag, ""]
        elif tag == "br" and self._open:
            self._open[1] += "\n"
        elif tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            self.blocks.append((self._open[0], self._open[1].replace("\n\n", "\n")))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[1] += data.replace("\n", "")


def _expected_blocks(text: str) -> list[tuple[str, str]]:
    """What the plain-text pages showed: a "## " line a heading, each block a paragraph with
    its lines kept."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if lines[0].startswith("## "):
            blocks.append(("h2", lines.pop(0)[3:].strip()))
        if lines:
            blocks.append(("p", "\n".join(line.strip() for line in lines)))
    return blocks


@pytest.mark.django_db
@pytest.mark.parametrize("slug", [choice.value for choice in Page.Slug])
@pytest.mark.parametrize("field", ["body", "body_en"])
def test_the_seeded_page_texts_keep_their_headings_paragraphs_and_links(slug, field):
    text = getattr(Page.objects.get(slug=slug), field)
    if not text:
        pytest.skip(f"{slug} has no {field}")
    parser = _Blocks()
    parser.feed(render_markdown(text))
    assert parser.blocks == _expected_blocks(text)
    addresses = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
    assert parser.links == [f"mailto:{address}" for address in addresses]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["impressum", "datenschutz"])
def test_the_imprint_and_privacy_pages_show_the_rendered_text(client, slug):
    page = Page.objects.get(slug=slug)
    html = client.get(reverse("page", args=[slug])).content.decode()
    assert html.count("<h1") == 1
    for heading in re.findall(r"^## (.+)$", page.body, flags=re.MULTILINE):
        assert f"<h2>{heading.strip()}</h2>" in html
    assert "## " not in html
