"""The Markdown preview in admin: a textarea widget with a preview area under it, and the
endpoint that renders what staff type (portal.markdown, the same renderer as the site).

Apps above the portal use the widget through `MarkdownPreviewMixin` on their ModelAdmin; that
also lets staff who may change the model use the preview. The endpoint is registered on the
content pages' admin (portal.admin.PageAdmin.get_urls): the portal imports no app above it.

The preview is a small static script (static/js/markdown-preview.js, no inline script under
the CSP): it posts the text with the CSRF token and puts the returned HTML — cleaned by the
renderer's sanitizer — into the preview area. Without JavaScript the area stays hidden and the
form works as before.
"""

from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .markdown import render_markdown

PREVIEW_MAX_CHARS = 100_000  # longer than any Markdown field; a preview of more is refused

# Models whose Markdown fields staff preview: a change permission on any of them opens the
# preview endpoint. Filled by MarkdownPreviewMixin when its admin is registered.
_preview_models: set = set()


def allow_preview_for(model) -> None:
    _preview_models.add(model)


def may_preview(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    return any(
        user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        for model in _preview_models
    )


@never_cache
@require_POST
def markdown_preview(request):
    """The text of one Markdown field as the site will show it (JSON: {"html": …})."""
    if not may_preview(request.user):
        raise PermissionDenied
    text = request.POST.get("text", "")
    if len(text) > PREVIEW_MAX_CHARS:
        return HttpResponseBadRequest(_("The text is too long for a preview."))
    return JsonResponse({"html": str(render_markdown(text))})


class MarkdownTextarea(AdminTextareaWidget):
    """The admin's textarea, followed by a preview area the script fills as staff type."""

    class Media:
        js = ["js/markdown-preview.js"]
        css = {"all": ["css/markdown-preview.css"]}

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "data-markdown-preview": reverse("admin:portal_markdown_preview")}
        textarea = super().render(name, value, attrs, renderer)
        field_id = attrs.get("id") or f"id_{name}"
        return format_html(
            '{}<section class="portal-markdown-preview" id="{}_preview" '
            'aria-labelledby="{}_preview_heading" hidden>'
            '<h3 class="portal-markdown-preview__heading" id="{}_preview_heading">{}</h3>'
            '<div class="portal-markdown-preview__body" aria-live="polite"></div></section>',
            textarea,
            field_id,
            field_id,
            field_id,
            _("Preview"),
        )


class MarkdownPreviewMixin:
    """For a ModelAdmin: `markdown_fields` get the preview widget; staff who may change the
    model may use the preview endpoint."""

    markdown_fields: tuple[str, ...] = ("body", "body_en")

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        allow_preview_for(model)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownTextarea
        return super().formfield_for_dbfield(db_field, request, **kwargs)
