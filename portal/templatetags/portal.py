"""Template tags of the portal: staff-written page text, fragments shared by all visitors."""

from django import forms, template
from django.utils.autoreload import file_changed
from django.utils.functional import Promise
from django.utils.translation import get_language

from portal.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Staff's Markdown as clean HTML (see portal/markdown.py)."""
    return render_markdown(text)


# --- Shared fragments -------------------------------------------------------------------------
# The layout's header, navigation and footer, and pages like the start page, are the same for
# every visitor who sees the same language, site configuration and values (the page, logged in
# or not): rendered once per web process and kept here, they cost a dictionary look-up instead
# of most of the template work. Never put anything personal inside (a CSRF token, a name, the
# request's path, a bound form): that stays outside the fragment. No {% block %} inside either.
MAX_FRAGMENTS = 1000
_fragments: dict[tuple, str] = {}


def forget_shared_fragments(**kwargs) -> None:
    _fragments.clear()


# runserver: an edited template shows at once (Django resets its template loaders; so do we).
file_changed.connect(forget_shared_fragments, dispatch_uid="portal_forget_shared_fragments")


class SharedFragmentNode(template.Node):
    # Not searched for blocks: a block inside a cached fragment would be cached with the first
    # page's content. (Django searches the whole layout for blocks on every render, too.)
    child_nodelists = ()

    def __init__(self, name: str, vary: list, nodelist: template.NodeList):
        self.name = name
        self.vary = vary
        self.nodelist = nodelist

    def render(self, context):
        token = getattr(context.get("site_config"), "cache_token", None)
        values = [value.resolve(context) for value in self.vary]
        if token is None or None in values:
            # Rendered, not kept: the 500 page (settings' defaults instead of the site
            # configuration), or a value saying "not the same for everyone" (shared_form_key).
            return self.nodelist.render(context)
        key = (self.origin.name, self.name, get_language(), token, *values)
        html = _fragments.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_fragments) >= MAX_FRAGMENTS:
                _fragments.clear()
            _fragments[key] = html
        return html


@register.tag
def shared_fragment(parser, token):
    """{% shared_fragment "name" value … %}…{% endshared_fragment %}: rendered once per
    template, name, language, site configuration and the values given, then kept for this
    process. A value that is None means "this time not the same for everyone": rendered, not
    kept."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("shared_fragment needs a name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]], nodelist
    )


@register.filter
def shared_form_key(form) -> str | None:
    """For {% shared_fragment %}: a key for a form whose fields look the same to every visitor
    (unbound, no initial values, no choices from the database), else None (rendered, not kept).

    The key holds everything of the fields that goes into their HTML besides values and errors
    (class, prefix, ids, each field's type, widget, attributes, label, help text, choices), so
    a form changed for one request (a field added, an attribute or label set) gets a fragment of
    its own. What a field has as the form class declares it is marked "=" (the class's texts are
    the same per language, which the fragment's key holds): turning a lazy help text into text
    (with its links) took longer than the form itself.
    """
    if form is None or form.is_bound:
        return None
    base_fields = type(form).base_fields
    parts = [
        type(form).__module__,
        type(form).__qualname__,
        form.prefix,
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
    ]
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            return None  # choices from the database change without the form changing
        if form.get_initial_for_field(field, name) not in (None, "", False, [], ()):
            return None  # a value, maybe personal (the person's own e-mail address)
        base = base_fields.get(name)
        if base is None or type(base) is not type(field):
            base = None
        parts += [
            name,
            type(field).__qualname__,
            type(field.widget).__qualname__,
            field.required,
            field.disabled,
            _as_declared(field.widget.attrs, base and base.widget.attrs, sorted),
            _as_declared(field.label, base and base.label, str),
            _as_declared(field.help_text, base and base.help_text, str),
            _as_declared(getattr(field, "choices", None), getattr(base, "choices", None), list),
        ]
    return repr(parts)


def _as_declared(value, declared, describe):
    if value is declared or (not isinstance(value, Promise) and value == declared):
        return "="
    return None if value is None else describe(value)
