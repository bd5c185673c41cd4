"""For the Infothek's admin pages: how many guides are due for review."""

from django import template

from infothek.admin import guides_due

register = template.Library()


@register.simple_tag
def guides_due_for_review() -> int:
    """Guides (not archived) whose "zuletzt geprüft" lies 12 months or more back."""
    return guides_due().count()
