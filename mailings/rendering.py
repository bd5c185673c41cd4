"""Render an e-mail from templates `<prefix>_subject.txt`, `_message.txt`, `_message.html`.

The same naming as django-allauth, so its mails and ours go through one path. Every mail
gets the county's footer and an HTML part (from the HTML template, or made from the text).

Text that people typed never becomes a link or markup: when the HTML part is made from
the text, everything is escaped and only the links the portal itself put into the context
(values of keys ending in `_url`, e.g. allauth's `activate_url`) become clickable.
"""

import re
from dataclasses import dataclass

from django.template import TemplateDoesNotExist
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from portal.models import SiteConfiguration


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, context: dict, language: str) -> RenderedEmail:
    with translation.override(language):
        ctx = {"site_config": SiteConfiguration.load(), **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).splitlines()).strip()
        text = render_to_string(f"{template}_message.txt", ctx).strip()
        try:
            content = mark_safe(render_to_string(f"{template}_message.html", ctx))  # noqa: S308
        except TemplateDoesNotExist:
            content = text_to_html(text, portal_links(context))
        layout = {**ctx, "subject": subject, "content": content, "language": language}
        html = render_to_string("emails/layout.html", layout)
        footer = render_to_string("emails/_footer.txt", ctx).strip()
    return RenderedEmail(subject=subject, text=f"{text}\n\n-- \n{footer}\n", html=html)


def portal_links(context: dict) -> list[str]:
    """The links the portal wrote into a mail's context (keys ending in `_url`)."""
    return [
        str(value)
        for key, value in context.items()
        if key.endswith("_url") and str(value).startswith(("https://", "http://"))
    ]


def text_to_html(text: str, links: list[str]) -> str:
    """Paragraphs of escaped text; only the given links become anchors."""
    html = str(escape(text))
    by_escaped = {str(escape(link)): link for link in links}
    if by_escaped:
        # One pass, longest first: a link that is the start of another is not split.
        pattern = "|".join(re.escape(e) for e in sorted(by_escaped, key=len, reverse=True))
        html = re.sub(
            pattern,
            lambda match: format_html('<a href="{0}">{0}</a>', by_escaped[match.group(0)]),
            html,
        )
    return linebreaks_filter(mark_safe(html), autoescape=False)  # noqa: S308 - escaped above
