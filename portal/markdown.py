"""Markdown for everything staff write (content pages, guides, news, newsletters): rendered by
markdown-it-py, then cleaned by nh3 (the Ammonia sanitizer) as a second, independent guard.

What staff get: paragraphs (a single line break stays a break, as in the old plain-text
pages), headings, lists, links, tables, emphasis, quotes, code; web and e-mail addresses in
the text become links. What never comes through: raw HTML of any kind (it is shown as text),
script/style/iframe, event attributes, and links other than http(s), mailto and tel.

A page already has its h1, so a "# Heading" in the text becomes an h2. Links to other sites
are marked (a class for the icon and a hidden "(external link)" for screen readers) and open
with rel="noopener noreferrer".
"""

import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "s",
    "blockquote", "code", "pre", "a", "span", "div",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "rel"},
    "span": {"class"},
    "div": {"class", "tabindex", "role", "aria-label"},
    "th": {"class"},
    "td": {"class"},
    "ol": {"start"},
}
ALIGN_CLASSES = {
    "text-align:left": "portal-align-left",
    "text-align:right": "portal-align-right",
    "text-align:center": "portal-align-center",
}
ALLOWED_CLASSES = {"portal-link--external", "kern-sr-only", "portal-table-scroll"}
ALLOWED_CLASSES |= set(ALIGN_CLASSES.values())
LINE_ENDS = {"list_item_close", "tr_close", "bullet_list_close", "ordered_list_close"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTERNAL_CLASS = "portal-link--external"


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if name in ALLOWED_CLASSES]
        return " ".join(kept) or None
    if attribute == "tabindex":
        return "0" if value == "0" else None
    if attribute == "role":
        return "region" if value == "region" else None
    return value


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https"):
        return False
    own_host = urlsplit(settings.PORTAL_URL).hostname
    return parts.hostname is not None and parts.hostname != own_host


def _mark_external_links(tokens) -> None:
    """Inline tokens: external links get the class and a hidden note before they close."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children, external = [], []
        for child in token.children:
            if child.type == "link_open":
                is_external = _is_external(child.attrGet("href") or "")
                external.append(is_external)
                if is_external:
                    child.attrSet("class", EXTERNAL_CLASS)
                    child.attrSet("rel", "noopener noreferrer")
            elif child.type == "link_close" and external and external.pop():
                note = child.__class__("html_inline", "", 0)
                note.content = f'<span class="kern-sr-only"> ({escape(_("external link"))})</span>'
                children.append(note)
            elif child.type == "image":
                # Images are not embedded (no outside requests, no unchecked files): their
                # description stays as text so nothing the author meant is lost.
                alt = child.content
                child = child.__class__("text", "", 0)
                child.content = alt
            children.append(child)
        token.children = children


def _demote_h1(tokens) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def _style_tables(tokens) -> list:
    """Column alignment as classes (the CSP allows no style attributes), and each table in a
    region that scrolls by itself, so a wide table never makes the page scroll sideways."""
    result = []
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            style = (token.attrGet("style") or "").replace(" ", "")
            token.attrs.pop("style", None)
            if style in ALIGN_CLASSES:
                token.attrSet("class", ALIGN_CLASSES[style])
        if token.type == "table_open":
            wrapper = token.__class__("html_block", "", 0)
            label = escape(_("Table"))
            wrapper.content = (
                f'<div class="portal-table-scroll" tabindex="0" role="region" '
                f'aria-label="{label}">\n'
            )
            result.append(wrapper)
        result.append(token)
        if token.type == "table_close":
            closing = token.__class__("html_block", "", 0)
            closing.content = "</div>\n"
            result.append(closing)
    return result


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML in the text is escaped, never passed on. The hidden notes added
    # above are the only HTML the renderer itself writes.
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    return parser.enable(["table", "strikethrough", "linkify"])


def render_markdown(text: str) -> SafeString:
    """Staff's Markdown as clean HTML, safe to put into a page or an e-mail."""
    parser = _parser()
    tokens = parser.parse(text or "")
    _demote_h1(tokens)
    tokens = _style_tables(tokens)
    _mark_external_links(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=None,  # rel is set above, only on external links
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 with the allow-lists above


def markdown_to_text(text: str) -> str:
    """Staff's Markdown as plain text for the text part of e-mails: links written out as
    "text (address)", list items with a dash, table cells separated by " | "."""
    out: list[str] = []
    for token in _parser().parse(text or ""):
        if token.type == "inline":
            out.append(_inline_text(token.children or []))
        elif token.type in ("paragraph_close", "heading_close", "table_close"):
            if token.hidden:  # a paragraph in a tight list item
                continue
            out.append("\n\n")
        elif token.type == "list_item_open":
            out.append("- ")
        elif token.type in (
            "list_item_close",
            "tr_close",
            "bullet_list_close",
            "ordered_list_close",
        ):
            out.append("\n")
        elif token.type in ("th_close", "td_close"):
            out.append(" | ")
        elif token.type in ("fence", "code_block"):
            out.append(token.content + "\n")
        elif token.type == "hr":
            out.append("――――――――――\n\n")
    lines = [line.rstrip(" |") for line in "".join(out).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _inline_text(children) -> str:
    parts, links = [], []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open":
            links.append((len(parts), child.attrGet("href") or ""))
        elif child.type == "link_close" and links:
            start, href = links.pop()
            label = "".join(parts[start:])
            if href and href.removeprefix("mailto:") != label:
                parts.append(f" ({href})")
    return "".join(parts)
