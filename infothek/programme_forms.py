"""The forms of the funding programmes: the list's filters (read from the URL) and the
"Frist merken" choice.

A bad filter value never breaks the list: the form drops it, names it in its errors (the
error summary) and the list runs with what was valid — as the directory's filters do.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.filter_forms import FilterForm

from .models import FundingProgramme, Topic

WEEKS = (2, 4, 8, 12)
REMINDER_DAYS = (7, 14, 28)
OPEN, ALL = "1", "0"


class ProgrammeFilterForm(FilterForm):
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

    def is_default(self, name: str, value) -> bool:
        return name == "open" and value == OPEN  # open only is what the list shows anyway

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
