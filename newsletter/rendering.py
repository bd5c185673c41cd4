"""Render an issue once: HTML in the county's mail layout, plain text, and the archive page.

The personal parts (salutation, the links with the subscription's token) are placeholders in
the rendered text; `personalise` fills them in per recipient with plain string replacement,
so a fan-out of thousands of mails renders no template per mail.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from infothek.models import FundingProgramme, NewsItem
from portal.links import absolute_reverse, absolute_url
from portal.markdown import markdown_to_text, render_markdown
from portal.models import SiteConfiguration
from trainings.models import Course

SALUTATION = "%%NEWSLETTER_SALUTATION%%"
UNSUBSCRIBE_URL = "%%NEWSLETTER_UNSUBSCRIBE_URL%%"
SETTINGS_URL = "%%NEWSLETTER_SETTINGS_URL%%"
PLACEHOLDERS = (SALUTATION, UNSUBSCRIBE_URL, SETTINGS_URL)
LANGUAGE = "de"  # issues are written in German
NEWS_SHOWN = 3
DEADLINES_SHOWN = 5
COURSES_SHOWN = 5


@dataclass(frozen=True)
class RenderedIssue:
    html: str  # the whole mail in the layout, with placeholders
    text: str  # the text part, with placeholders
    web: str  # the archive page's content: no personal parts at all


def _without_placeholders(text: str) -> str:
    """Staff text cannot smuggle a placeholder in (it would become someone's link)."""
    for placeholder in PLACEHOLDERS:
        text = text.replace(placeholder, "")
    return text


def pulled_in(issue, now=None) -> dict:
    """The newest news, the next funding deadlines and the upcoming courses, as chosen."""
    now = now or timezone.now()
    sections = {"news": [], "deadlines": [], "courses": []}
    if issue.include_news:
        sections["news"] = [
            {
                "title": item.title,
                "summary": item.summary,
                "url": absolute_url(item.get_absolute_url()),
            }
            for item in NewsItem.objects.public(now).order_by("-publish_at")[:NEWS_SHOWN]
        ]
    if issue.include_deadlines:
        programmes = (
            FundingProgramme.objects.open_now(timezone.localdate(now))
            .filter(deadline__isnull=False)
            .order_by("deadline", "title")[:DEADLINES_SHOWN]
        )
        sections["deadlines"] = [
            {
                "title": programme.title,
                "deadline": programme.deadline,
                "url": absolute_url(programme.get_absolute_url()),
            }
            for programme in programmes
        ]
    if issue.include_courses:
        courses = (
            Course.objects.public()
            .filter(starts_at__gt=now)
            .order_by("starts_at", "title")[:COURSES_SHOWN]
        )
        sections["courses"] = [
            {
                "title": course.title,
                "starts_at": timezone.localtime(course.starts_at),
                "url": absolute_url(course.get_absolute_url()),
            }
            for course in courses
        ]
    return sections


def render_issue(issue, *, now=None) -> RenderedIssue:
    """The issue as it goes out, rendered once (subject, body, pulled-in sections, layout)."""
    body = _without_placeholders(issue.body)
    with translation.override(LANGUAGE):
        site_config = SiteConfiguration.load()
        context = {
            "site_config": site_config,
            "subject": issue.subject,
            "body_html": render_markdown(body),
            "body_text": markdown_to_text(body),
            **pulled_in(issue, now),
            "archive_url": absolute_reverse("newsletter:archive"),
        }
        web = render_to_string("emails/newsletter/issue_content.html", context)
        personal = {
            **context,
            "content": web,
            "salutation": SALUTATION,
            "unsubscribe_url": UNSUBSCRIBE_URL,
            "settings_url": SETTINGS_URL,
        }
        content = render_to_string("emails/newsletter/issue_message.html", personal)
        html = render_to_string(
            "emails/layout.html",
            {**personal, "content": content, "language": LANGUAGE},
        )
        text = render_to_string("emails/newsletter/issue_message.txt", personal).strip()
        footer = render_to_string("emails/_footer.txt", {"site_config": site_config}).strip()
    return RenderedIssue(html=html, text=f"{text}\n\n-- \n{footer}\n", web=web)


@lru_cache(maxsize=4096)  # issues are German; the same names recur across a fan-out
def salutation(first_name: str = "", last_name: str = "") -> str:
    with translation.override(LANGUAGE):
        name = f"{first_name} {last_name}".strip()
        if name:
            return _("Hello %(name)s,") % {"name": name}
        return _("Hello,")


def personalise(rendered: str, *, salutation: str, unsubscribe_url: str, settings_url: str, html):
    """Fill one recipient's parts into the rendered issue (escaped for the HTML part)."""
    quote = escape if html else str
    return (
        rendered.replace(SALUTATION, quote(salutation))
        .replace(UNSUBSCRIBE_URL, quote(unsubscribe_url))
        .replace(SETTINGS_URL, quote(settings_url))
    )
