"""The Infothek's GET forms: the guide filters and the search. Everything lives in the URL.

As in the directory (network/forms/filters.py), a bad value never breaks the page: the form
drops it, names it in its errors (shown in the error summary) and the page shows what was
valid. Topic choices are read once per request (one query).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.filter_forms import FilterForm

from .models import Topic

MAX_QUERY_LENGTH = 100


class TopicChoiceMixin:
    """A `topic` select of all topics, by slug."""

    def _load_topics(self, all_label) -> None:
        self.topics = {t.slug: t for t in Topic.objects.all()}
        self.fields["topic"].choices = [("", all_label)] + [
            (slug, t.localized_name()) for slug, t in self.topics.items()
        ]

    @property
    def topic_obj(self) -> Topic | None:
        slug = self._valid("topic")
        return self.topics.get(slug) if slug else None


class GuideFilterForm(TopicChoiceMixin, FilterForm):
    class Audience:
        VOLUNTEERS = "volunteers"
        BOARDS = "boards"

    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        error_messages={
            "invalid_choice": _("There is no such topic: this filter was not applied.")
        },
    )
    audience = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[
            ("", _("Everyone")),
            ("volunteers", _("Volunteers")),
            ("boards", _("Association boards")),
        ],
        error_messages={
            "invalid_choice": _("There is no such audience: this filter was not applied.")
        },
    )

    field_order = ["topic", "audience", "page"]
    filter_params = ("topic", "audience")

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self._load_topics(_("All topics"))


class QuickSearchForm(forms.Form):
    """The search box alone (the overview): no query to build it."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("e.g. “Satzung”, “Versicherung” or “Ehrenamtspauschale”."),
        error_messages={
            "max_length": _(
                "The search term is too long (at most %(limit_value)d characters): it was not used."
            ),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class SearchForm(TopicChoiceMixin, FilterForm, QuickSearchForm):
    """The Infothek search: a term, what kind of item, a topic."""

    KINDS = ("guide", "programme", "news", "faq")

    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Everything")),
            ("guide", _("Guides")),
            ("programme", _("Funding programmes")),
            ("news", _("News")),
            ("faq", _("Questions and answers")),
        ],
        error_messages={"invalid_choice": _("There is no such kind: this filter was not applied.")},
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        error_messages={
            "invalid_choice": _("There is no such topic: this filter was not applied.")
        },
    )

    field_order = ["q", "kind", "topic", "page"]
    filter_params = ("q", "kind", "topic")

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self._load_topics(_("All topics"))

    @property
    def q(self) -> str:
        return (self._valid("q") or "").strip()
