"""Render an e-mail from templates `<prefix>_subject.txt`, `_message.txt`, `_message.html`.

The same naming as django-allauth, so its mails and ours go through one path. Every mail
gets the county's footer and an HTML part (from the HTML template, or made from the text).
"""

from dataclasses import dataclass

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from kloormokers.models import SiteConfiguration


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
            html_content = render_to_string(f"{template}_message.html", ctx)
            from_text = False
        except TemplateDoesNotExist:
            html_content, from_text = text, True
        layout = {"subject": subject, "content": html_content, "from_text": from_text, **ctx}
        html = render_to_string("emails/layout.html", layout)
        footer = render_to_string("emails/_footer.txt", ctx).strip()
    return RenderedEmail(subject=subject, text=f"{text}\n\n-- \n{footer}\n", html=html)
