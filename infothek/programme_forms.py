"""The forms of the funding programmes: the list's filters (read from the URL) and the
"Frist merken" choice.

A bad filter value never breaks the list: the form drops it, names it in its errors (the
error summary) and the list runs with what was valid — as the directory's filters do.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import FundingProgramme, Topic

MAX_PAGE = 10_000
WEEKS = (2, 4, 8, 12)
REMINDER_DAYS = (7, 14, 28)
OPEN, ALL = "1", "0"


class ProgrammeFilterForm(forms.Form):
    """Topic, open now (on unless open=0), deadline within N weeks, type of funder, page."""

    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        error_messages={
            "invalid_choice": _("There is no such topic: this filter was not applied.")
        },
    )
    open = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[(OPEN, _("open ones only")), (ALL, _("closed ones too"))],
        error_messages={"invalid_choice": _("This choice was not valid: showing open programmes.")},
    )
    within = forms.TypedChoiceField(
        label=_("Deadline within"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("Please choose 2, 4, 8 or 12 weeks: this filter was not applied.")
        },
    )
    funder = forms.ChoiceField(
        label=_("Type of funder"),
        required=False,
        choices=[("", _("All funders")), *FundingProgramme.FunderType.choices],
        error_messages={
            "invalid_choice": _("There is no such type of funder: this filter was not applied.")
        },
    )
    # Never shown as a field: the pagination links carry it; a new search starts at page 1.
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("The page number was not valid: showing the first page."),
            "min_value": _("The page number was not valid: showing the first page."),
            "max_value": _("The page number was not valid: showing the first page."),
        },
    )

    # Query parameters that make up the filters, in the order the URLs show them.
    filter_params = ("topic", "open", "within", "funder")

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.topics = {t.slug: t for t in Topic.objects.all()}
        self.fields["topic"].choices = [("", _("All topics"))] + [
            (slug, t.localized_name()) for slug, t in self.topics.items()
        ]
        self.fields["within"].choices = [("", _("any time, including rolling"))] + [
            (str(weeks), ngettext("%(weeks)d week", "%(weeks)d weeks", weeks) % {"weeks": weeks})
            for weeks in WEEKS
        ]
        if not self.data.get("open"):
            self.initial["open"] = OPEN

    def _valid(self, name: str):
        """The cleaned value of a field, or None when it was missing or not valid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return value if value not in ("", None) else None

    @property
    def topic_obj(self) -> Topic | None:
        slug = self._valid("topic")
        return self.topics.get(slug) if slug else None

    @property
    def open_only(self) -> bool:
        return self._valid("open") != ALL

    @property
    def within_weeks(self) -> int | None:
        return self._valid("within")

    @property
    def funder_type(self) -> str:
        return self._valid("funder") or ""

    @property
    def page_number(self) -> int:
        return self._valid("page") or 1

    def params(self) -> dict[str, str]:
        """The valid, non-default filters as query parameters (for links that keep them)."""
        params = {}
        for name in self.filter_params:
            value = self._valid(name)
            if value is not None and not (name == "open" and value == OPEN):
                params[name] = str(value)
        return params

    def active_filters(self) -> list[tuple[str, str]]:
        """(parameter, what it means for a person) for each filter that can be loosened."""
        labels = {
            "topic": lambda: (
                _("in all topics instead of “%(value)s”")
                % {"value": self.topic_obj.localized_name()}
            ),
            "within": lambda: _("with any deadline"),
            "funder": lambda: (
                _("with all funders instead of “%(value)s”")
                % {"value": FundingProgramme.FunderType(self.funder_type).label}
            ),
        }
        return [(name, str(labels[name]())) for name in self.params() if name in labels]

    def page_error(self, message: str) -> None:
        self.add_error("page", message)


class ReminderForm(forms.Form):
    """How many days before the deadline the reminder comes."""

    days_before = forms.TypedChoiceField(
        label=_("Remind me"),
        coerce=int,
        initial=14,
        error_messages={"invalid_choice": _("Please choose 7, 14 or 28 days before the deadline.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days_before"].choices = [
            (days, ngettext("%(days)d day before", "%(days)d days before", days) % {"days": days})
            for days in REMINDER_DAYS
        ]
