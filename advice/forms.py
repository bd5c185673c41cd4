"""Forms of the Beratung pages: the slot picker's choices (a GET form), booking, the written
question and choosing a new time.

The picker never fails on what the URL carries: a bad value is dropped, named in the error
summary, and the page shows what was valid. Its options are loaded once per request and the
submitted values checked against them in memory.

Booking and question forms are plain forms: only what is declared here reaches the services.
The association is chosen without JavaScript and without loading the whole directory: the
person's own associations (those they represent) are offered in a select; any other
published one is found by typing its name and pressing "Search", which adds the matches to
the select (network/forms/association_choice.py, shared with the course registration).
"""

import re
from datetime import date, timedelta

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property, lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from network.forms.association_choice import AssociationChoiceMixin
from network.forms.entries import MunicipalityField

from .models import AdviceRequest, Advisor, BookingRules, Format, Topic

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger number is simply "not found"
CONCERN_MAX = AdviceRequest._meta.get_field("concern").max_length
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()/-]{5,40}$")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Weeks:
    """The weeks (Monday to Sunday) in which appointments can be booked now: from the week
    of the earliest bookable time (the minimum notice) to the week of the horizon."""

    def __init__(self, *, now=None):
        rules = BookingRules.load()
        now = now or timezone.now()
        self.first = monday(timezone.localdate(now + timedelta(hours=rules.notice_hours)))
        self.last = monday(timezone.localdate(now + timedelta(weeks=rules.horizon_weeks)))
        self.horizon_weeks = rules.horizon_weeks

    def contains(self, week: date) -> bool:
        return self.first <= week <= self.last


class SlotPickerForm(forms.Form):
    """Topic (required), format, adviser (only those offering the topic) and the week."""

    topic = forms.ChoiceField(
        label=_("Topic"),
        error_messages={
            "required": _("Please choose a topic."),
            "invalid_choice": _("We do not know this topic. Please choose one from the list."),
        },
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Any format")), *Format.choices],
        error_messages={
            "invalid_choice": _("There is no such format: showing every format."),
        },
    )
    adviser = forms.ChoiceField(
        label=_("Adviser"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "This adviser does not offer advice on the chosen topic: showing every adviser."
            ),
        },
    )
    # Never shown as a field: the week links carry it.
    start = forms.DateField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("The week was not a valid date: showing the first week.")},
    )

    def __init__(self, data=None, *, weeks: Weeks, **kwargs):
        super().__init__(data, **kwargs)
        self.weeks = weeks
        self.notices: list[str] = []
        self.topics = {t.slug: t for t in Topic.objects.filter(active=True)}
        self.fields["topic"].choices = [("", _("Please choose"))] + [
            (slug, t.localized_name()) for slug, t in self.topics.items()
        ]
        topic = self.topics.get(str(self.data.get("topic", "")))
        # Advisers of the chosen topic only: without a topic there is nothing to choose from.
        self.advisers = (
            {
                str(a.pk): a
                for a in Advisor.objects.filter(active=True, topics=topic).order_by("display_name")
            }
            if topic
            else {}
        )
        self.fields["adviser"].choices = [("", _("Any adviser"))] + [
            (pk, a.display_name) for pk, a in self.advisers.items()
        ]
        self.is_valid()  # what is not valid is dropped and named in the error summary

    def _valid(self, name: str):
        return getattr(self, "cleaned_data", {}).get(name) or None

    @property
    def chosen_topic(self) -> Topic | None:
        return self.topics.get(self._valid("topic") or "")

    @property
    def format_code(self) -> str:
        return self._valid("format") or ""

    @property
    def advisor(self) -> Advisor | None:
        return self.advisers.get(self._valid("adviser") or "")

    @cached_property
    def week(self) -> date:
        """The Monday of the chosen week, moved into the bookable weeks (and said so)."""
        start = self._valid("start")
        if start is None:
            return self.weeks.first
        week = monday(start)
        if week < self.weeks.first:
            self.notices.append(str(_("That week has passed: showing the first week.")))
            return self.weeks.first
        if week > self.weeks.last:
            self.notices.append(
                str(
                    _(
                        "Appointments can be booked up to %(weeks)d weeks ahead: showing the "
                        "last week."
                    )
                    % {"weeks": self.weeks.horizon_weeks}
                )
            )
            return self.weeks.last
        return week

    def params(self, **changes) -> dict:
        """The valid choices as URL parameters, with some changed (None drops one)."""
        values = {
            "topic": self._valid("topic"),
            "format": self.format_code,
            "adviser": self._valid("adviser"),
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def _privacy_label():
    text = _(
        "I agree that the office stores my request to advise me, as described in the <a "
        'href="%(url)s">privacy notice</a>.'
    )
    return format_html(text.replace("%(url)s", "{url}"), url=reverse("page", args=["datenschutz"]))


def _consent_field():
    return forms.BooleanField(
        label=lazy(_privacy_label, str)(),
        required=True,
        error_messages={"required": _("Please agree so that we may store your request.")},
    )


def _concern_field(label, help_text):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=CONCERN_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Please describe your concern in a few sentences."),
            "max_length": _(
                "Please shorten the text to at most %(limit_value)d characters "
                "(it has %(show_value)d)."
            ),
        },
    )


class CaseForm(AssociationChoiceMixin, forms.Form):
    """What booking and asking share: topic, concern, association, Gemeinde, consent."""

    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        empty_label=_("Please choose"),
        error_messages={
            "required": _("Please choose a topic."),
            "invalid_choice": _("Please choose a topic from the list."),
        },
    )

    def __init__(self, data=None, *, user, topics, topic_initial: str = "", search=None, **kwargs):
        super().__init__(data, **kwargs)
        topics = list(topics)
        self.fields["topic"].queryset = Topic.objects.filter(pk__in=[t.pk for t in topics])
        self.fields["topic"].choices = [("", _("Please choose"))] + [
            (t.pk, t.localized_name()) for t in topics
        ]
        chosen = next((t for t in topics if t.slug == topic_initial), None)
        if chosen is None and len(topics) == 1:
            chosen = topics[0]
        if chosen is not None:
            self.fields["topic"].initial = chosen.pk
        self.fields["concern"] = self.concern_field()
        self._setup_association(
            user,
            search,
            label=_("Association for this request"),
            help_text=_(
                "Optional. If you ask for an association, we keep the case with it, so your "
                "successors in the board can build on it."
            ),
        )
        self.fields["municipality"] = MunicipalityField(
            required=False,
            label=_("Your town or municipality"),
            help_text=_("Optional. Only for our statistics: where in the county we advise."),
        )
        self.fields["municipality"].set_grouped_choices(_("Not specified"))
        self.fields["consent"] = _consent_field()

    def concern_field(self):
        raise NotImplementedError

    @property
    def wants_search(self) -> bool:
        """The "Search" button for an association was pressed, not the form's own button."""
        return "find_association" in self.data


class BookingForm(CaseForm):
    """Booking one slot: the adviser's topics, and a phone number for phone appointments."""

    field_order = [
        "topic",
        "concern",
        "phone",
        "association",
        "association_search",
        "municipality",
        "consent",
    ]

    def __init__(self, data=None, *, user, slot, topic_initial: str = "", **kwargs):
        self.slot = slot
        topics = slot.advisor.topics.filter(active=True).order_by("order", "name")
        super().__init__(data, user=user, topics=topics, topic_initial=topic_initial, **kwargs)
        by_phone = slot.format == Format.PHONE
        self.fields["phone"] = forms.CharField(
            label=_("Phone number for the appointment"),
            required=by_phone,
            max_length=40,
            initial=user.phone,
            help_text=(
                _("We call you at this number.")
                if by_phone
                else _("Optional. Only in case we need to reach you about the appointment.")
            ),
            error_messages={"required": _("Please give the number at which we should call you.")},
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        )
        self.order_fields(self.field_order)

    def concern_field(self):
        return _concern_field(
            _("Your concern"),
            _(
                "What would you like to talk about? A few sentences help us prepare "
                "(at most %(limit)d characters)."
            )
            % {"limit": CONCERN_MAX},
        )

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and not PHONE_PATTERN.match(phone):
            raise forms.ValidationError(
                _("Please give a phone number with digits only, e.g. 04331 123456.")
            )
        return phone


class QuestionForm(CaseForm):
    """A written question on any offered topic."""

    field_order = [
        "topic",
        "concern",
        "association",
        "association_search",
        "municipality",
        "consent",
    ]

    def __init__(self, data=None, *, user, topic_initial: str = "", **kwargs):
        topics = Topic.objects.filter(active=True).order_by("order", "name")
        super().__init__(data, user=user, topics=topics, topic_initial=topic_initial, **kwargs)
        self.order_fields(self.field_order)

    def concern_field(self):
        return _concern_field(
            _("Your question"),
            _(
                "Please describe your situation and your question (at most %(limit)d "
                "characters). We answer by e-mail."
            )
            % {"limit": CONCERN_MAX},
        )


class NewTimeForm(forms.Form):
    """Moving an appointment: one of the free times shown (radio buttons grouped by day)."""

    slot = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "required": _("Please choose a new time."),
            "invalid": _("Please choose a new time."),
            "min_value": _("Please choose a new time."),
            "max_value": _("Please choose a new time."),
        },
    )
