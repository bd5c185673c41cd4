"""Forms of the public Qualifizierung pages: the catalogue's filters (a GET form), registering,
a course wish and feedback.

The catalogue never fails on what the URL carries: a bad value is dropped, named in the error
summary, and the search runs with what was valid. Its options (topics, Ämter, towns and
municipalities) are loaded once per request, the submitted values checked in memory.

Registration is a plain form: only the association and the needs reach the service. The
association is chosen without JavaScript and without loading the whole directory (as in
Beratung): the person's own associations in a select; any other published one is found by
typing its name and pressing "Search", which adds the matches to the select.
"""

from dataclasses import replace

from django import forms
from django.utils.translation import gettext_lazy as _

from network.forms.association_choice import AssociationChoiceMixin
from network.models import Amt, Municipality
from portal.filter_forms import FilterForm

from .models import Course, CourseWish, Feedback, Registration, Topic
from .selectors import MAX_QUERY_LENGTH, CourseFilters

NEEDS_MAX = Registration._meta.get_field("needs").max_length
WISH_MAX = CourseWish._meta.get_field("text").max_length
COMMENT_MAX = Feedback._meta.get_field("comment").max_length
TOO_LONG = _(
    "Please shorten the text to at most %(limit_value)d characters (it has %(show_value)d)."
)


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("This is not a date: the filter was not applied.")},
    )


class CourseFilterForm(FilterForm):
    """Search term, topic, date range, Amt, Gemeinde, format, free of charge, free seats and
    the page; the URL parameters are English, like the directory's."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("e.g. “Kasse”, “Datenschutz” or “Erste Hilfe”."),
        error_messages={
            "max_length": _(
                "The search term is too long (at most %(limit_value)d characters): it was not used."
            ),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        error_messages={
            "invalid_choice": _("There is no such topic: this filter was not applied.")
        },
    )
    amt = forms.ChoiceField(
        label=_("Amt"),
        required=False,
        error_messages={"invalid_choice": _("There is no such Amt: this filter was not applied.")},
    )
    municipality = forms.ChoiceField(
        label=_("Town or municipality"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "There is no such town or municipality: this filter was not applied."
            )
        },
    )
    format = forms.ChoiceField(
        label=_("Course format"),
        required=False,
        choices=[("", _("All formats")), *Course.Format.choices],
        error_messages={
            "invalid_choice": _("There is no such course format: this filter was not applied.")
        },
    )
    free = forms.BooleanField(label=_("Only courses free of charge"), required=False)
    seats = forms.BooleanField(label=_("Only courses with free seats"), required=False)

    # Query parameters that make up the search, in the order the URLs show them.
    filter_params = ("q", "topic", "from", "to", "amt", "municipality", "format", "free", "seats")
    field_order = ["q", "topic", "from", "to", "amt", "municipality", "format", "free", "seats"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        # "from" is a Python keyword: these two fields are added here, not declared above.
        self.fields["from"] = _date_field(_("From"))
        self.fields["to"] = _date_field(_("Until"))
        self.order_fields(self.field_order)
        self.topics = {t.slug: t for t in Topic.objects.all()}
        self.amter = {str(a.pk): a for a in Amt.objects.all()}
        municipalities = list(Municipality.objects.all())
        self.municipalities = {str(m.pk): m for m in municipalities}
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (slug, t.localized_name()) for slug, t in self.topics.items()
        ]
        self.fields["amt"].choices = [("", _("All Ämter"))] + [
            (pk, a.name) for pk, a in self.amter.items()
        ]
        self.fields["municipality"].choices = [
            ("", _("All towns and municipalities")),
            *self._municipality_groups(municipalities),
        ]

    def _municipality_groups(self, municipalities):
        """One group per Amt (by name), then the towns and municipalities without one."""
        groups: dict[int | None, list] = {}
        for m in municipalities:
            groups.setdefault(m.amt_id, []).append((str(m.pk), m.name))
        grouped = [(amt.name, groups[amt.pk]) for amt in self.amter.values() if amt.pk in groups]
        if None in groups:
            grouped.append((_("Without an Amt"), groups[None]))
        return grouped

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end of the period is before its start: it was not used."))
        return cleaned

    # --- Reading the valid part ----------------------------------------------------------

    @property
    def topic_obj(self) -> Topic | None:
        slug = self._valid("topic")
        return self.topics.get(slug) if slug else None

    @property
    def amt_obj(self) -> Amt | None:
        pk = self._valid("amt")
        return self.amter.get(pk) if pk else None

    @property
    def municipality_obj(self) -> Municipality | None:
        pk = self._valid("municipality")
        return self.municipalities.get(pk) if pk else None

    def filters(self, *, without: str = "") -> CourseFilters:
        """The selector's filters from the valid values (one of them left out on request)."""
        filters = CourseFilters(
            q=self._valid("q") or "",
            topic=self.topic_obj,
            date_from=self._valid("from"),
            date_to=self._valid("to"),
            amt=self.amt_obj,
            municipality=self.municipality_obj,
            format=self._valid("format") or "",
            free=bool(self._valid("free")),
            seats=bool(self._valid("seats")),
        )
        if without:
            empty = {
                "q": "",
                "from": None,
                "to": None,
                "format": "",
                "free": False,
                "seats": False,
            }.get(without)
            field = {"from": "date_from", "to": "date_to"}.get(without, without)
            filters = replace(filters, **{field: empty})
        return filters

    def active_filters(self) -> list[tuple[str, str]]:
        """(parameter, what it means for a person) for each filter in use, to loosen it."""
        labels = {
            "q": lambda: _("without the search term “%(value)s”") % {"value": self._valid("q")},
            "topic": lambda: (
                _("in all topics instead of “%(value)s”")
                % {"value": self.topic_obj.localized_name()}
            ),
            "from": lambda: (
                _("also before %(date)s") % {"date": self._valid("from").strftime("%d.%m.%Y")}
            ),
            "to": lambda: (
                _("also after %(date)s") % {"date": self._valid("to").strftime("%d.%m.%Y")}
            ),
            "amt": lambda: _("in all Ämter instead of “%(value)s”") % {"value": self.amt_obj},
            "municipality": lambda: (
                _("in all towns and municipalities instead of “%(value)s”")
                % {"value": self.municipality_obj}
            ),
            "format": lambda: _("in every format"),
            "free": lambda: _("also courses with a fee"),
            "seats": lambda: _("also fully booked courses (waiting list)"),
        }
        return [(name, str(labels[name]())) for name in self.params()]


class RegistrationForm(AssociationChoiceMixin, forms.Form):
    """Optional: the association the person comes for, and their needs."""

    needs = forms.CharField(
        label=_("Anything we should know?"),
        required=False,
        max_length=NEEDS_MAX,
        help_text=_(
            "Optional. For example step-free access, a sign language interpreter, a hearing "
            "loop, or food you cannot eat."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, data=None, *, user, search: str | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self._setup_association(
            user,
            search,
            label=_("Association you come for"),
            help_text=_("Optional. Helps the office plan courses for associations."),
        )
        self.order_fields(["association", "association_search", "needs"])


class WishForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.all(),
        empty_label=_("No particular topic"),
        error_messages={"invalid_choice": _("Please choose a topic from the list.")},
    )
    text = forms.CharField(
        label=_("What would you like to learn?"),
        required=False,
        max_length=WISH_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A topic, a question, a place or a time that would suit you."),
        error_messages={"max_length": TOO_LONG},
    )
    notify = forms.BooleanField(
        label=_("Tell me by e-mail when a course on this topic is published"),
        required=False,
        initial=True,
    )

    def clean(self):
        cleaned = super().clean()
        no_wish = not cleaned.get("topic") and not (cleaned.get("text") or "").strip()
        if no_wish and "text" not in self.errors:
            self.add_error("text", _("Please choose a topic or describe your wish."))
        return cleaned


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did you like the course?"),
        coerce=int,
        choices=[
            (5, _("5 – very good")),
            (4, _("4 – good")),
            (3, _("3 – all right")),
            (2, _("2 – not so good")),
            (1, _("1 – poor")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose a rating."),
            "invalid_choice": _("Please choose a rating."),
        },
    )
    comment = forms.CharField(
        label=_("What should we keep, what should we change?"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional. The office reads every comment."),
        error_messages={"max_length": TOO_LONG},
    )
