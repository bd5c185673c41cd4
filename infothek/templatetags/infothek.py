"""Template filters of the Infothek: {% load infothek %}."""

from django import template

register = template.Library()


@register.filter
def localized(item, field: str) -> str:
    """{{ guide|localized:"title" }}: the English text on English pages where there is one,
    else the German (Publishable.localized)."""
    return item.localized(field)
