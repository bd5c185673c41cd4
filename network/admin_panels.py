"""Panels that apps above network add to an association's admin page.

network must not import them (the layers), so they register here, in their own admin module:
a name, a template and a function (association, request) -> template context, or None to show
nothing (e.g. for staff without the permission to see what the panel lists). The
association's change form renders them in order with `{% association_panels original %}`
(network/templatetags/network_admin.py). Advice lists the association's cases this way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class AssociationPanel:
    name: str
    template: str
    context: Callable[[Any, Any], dict | None]  # (association, request) -> context or None
    order: int = 100


_panels: dict[str, AssociationPanel] = {}


def register_association_panel(
    *, name: str, template: str, context: Callable[[Any, Any], dict | None], order: int = 100
) -> None:
    _panels[name] = AssociationPanel(name=name, template=template, context=context, order=order)


def association_panels() -> list[AssociationPanel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.name))


def render_association_panels(association, request) -> SafeString:
    """The HTML of every panel that has something to show this member of staff."""
    parts = []
    for panel in association_panels():
        context = panel.context(association, request)
        if context is not None:
            parts.append(render_to_string(panel.template, context, request=request))
    return mark_safe("".join(parts))  # noqa: S308 - each part is an autoescaped template
