from django import template

from network.admin_panels import render_association_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def association_panels(context, association):
    """What other apps show on the association's admin page (network/admin_panels.py)."""
    return render_association_panels(association, context["request"])
