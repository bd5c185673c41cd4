"""The directory's search and filter form: everything lives in the URL (a GET form).

A bad value never breaks the page: the form drops it, says so in its errors (shown in the
error summary) and the search runs with what was valid. The choices are loaded once per
request (three small queries, whatever the filters), and the submitted values are checked
against them in memory.
"""

from dataclasses import replace

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.filter_forms import FilterForm

from ..models import Amt, Category, Municipality
from ..selectors import MAX_QUERY_LENGTH, Filters


class DirectoryFilterForm(FilterForm):
    """Search term, category, Amt, Gemeinde and page: the filters the directory and the
    opportunity list share. Subclasses add their own and build their selector's filters."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Name, activity or place, e.g. “Chor”, “Feuerwehr” or “Jugend”."),
        error_messages={
            "max_length": _(
                "The search term is too long (at most %(limit_value)d characters): it was not used."
            ),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        error_messages={
            "invalid_choice": _("There is no such category: this filter was not applied.")
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

    # Query parameters that make up the search, in the order the URLs show them.
    filter_params = ("q", "category", "amt", "municipality")

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.amter = {str(a.pk): a for a in Amt.objects.all()}
        municipalities = list(Municipality.objects.all())
        self.municipalities = {str(m.pk): m for m in municipalities}
        self.fields["category"].choices = [("", _("All categories"))] + [
            (slug, c.localized_name()) for slug, c in self.categories.items()
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

    # --- Reading the valid part ----------------------------------------------------------

    @property
    def category_obj(self) -> Category | None:
        slug = self._valid("category")
        return self.categories.get(slug) if slug else None

    @property
    def amt_obj(self) -> Amt | None:
        pk = self._valid("amt")
        return self.amter.get(pk) if pk else None

    @property
    def municipality_obj(self) -> Municipality | None:
        pk = self._valid("municipality")
        return self.municipalities.get(pk) if pk else None

    def active_filters(self) -> list[tuple[str, str]]:
        """(parameter, what it means for a person) for each filter in use, to loosen it."""
        labels = {
            "q": lambda: _("without the search term “%(value)s”") % {"value": self._valid("q")},
            "category": lambda: (
                _("in all categories instead of “%(value)s”")
                % {"value": self.category_obj.localized_name()}
            ),
            "amt": lambda: _("in all Ämter instead of “%(value)s”") % {"value": self.amt_obj},
            "municipality": lambda: (
                _("in all towns and municipalities instead of “%(value)s”")
                % {"value": self.municipality_obj}
            ),
            "seeking": lambda: _("also associations not looking for volunteers"),
        }
        return [(name, str(labels[name]())) for name in self.params()]


class AssociationFilterForm(DirectoryFilterForm):
    """The directory: the shared filters and "looking for volunteers"."""

    seeking = forms.BooleanField(
        label=_("Only associations looking for volunteers"), required=False
    )

    field_order = ["q", "category", "amt", "municipality", "seeking"]
    filter_params = (*DirectoryFilterForm.filter_params, "seeking")

    def filters(self, *, without: str = "") -> Filters:
        """The selector's filters from the valid values (one of them left out on request)."""
        filters = Filters(
            q=self._valid("q") or "",
            category=self.category_obj,
            amt=self.amt_obj,
            municipality=self.municipality_obj,
            seeking=bool(self._valid("seeking")),
        )
        if without:
            filters = replace(filters, **{without: {"q": "", "seeking": False}.get(without)})
        return filters
