"""Links on the account pages that depend on the person and where they were going."""

from allauth.account.utils import get_next_redirect_url
from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def way_on(context) -> dict | None:
    """The way on after a step such as setting up two-factor authentication: the address the
    person was going to (``?next=``, only if it is safe), else the administration for staff."""
    request = context.get("request")
    if request is None:
        return None
    admin_url = reverse("admin:index")
    next_url = get_next_redirect_url(request)
    if next_url:
        if next_url.startswith(admin_url):
            return {"url": next_url, "label": _("Continue to the administration")}
        return {"url": next_url, "label": _("Continue")}
    if request.user.is_authenticated and request.user.is_staff:
        return {"url": admin_url, "label": _("Go to the administration")}
    return None
