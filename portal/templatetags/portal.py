"""Render staff-written page text safely: paragraphs, "## " headings, links."""

from django import template
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def simple_markup(text: str) -> str:
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    html = []
    for block in blocks:
        if block.startswith("## "):
            heading, _, rest = block.partition("\n")
            html.append(f"<h2>{escape(heading[3:].strip())}</h2>")
            if not rest.strip():
                continue
            block = rest.strip()
        lines = [urlize(escape(line), autoescape=False) for line in block.split("\n")]
        html.append("<p>" + "<br>".join(lines) + "</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece above is escaped
