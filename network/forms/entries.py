"""Forms of the self-service pages: proposing, claiming, editing, representatives,
opportunities and "Interesse melden".

Entry forms are plain forms, never model forms bound to the association: only the fields
declared here reach the services (through EntryData), so posting status, verified,
representatives, slug … has no effect whatever the request carries.
"""

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.addresses import EmailAddressField

from .. import logos
from ..exceptions import LogoError
from ..models import Amt, Association, Category, Municipality, Opportunity
from ..services import EntryData

# Model fields whose length limits and validators the forms take over as they are.
_MODEL_FIELDS = forms.fields_for_model(
    Association,
    fields=[
        "name",
        "description",
        "street",
        "postal_code",
        "meeting_place",
        "meeting_times",
        "contact_name",
        "phone",
        "seeks_volunteers",
    ],
)


for _name in ("postal_code",):
    # A form field does not run the model field's own validators ("abc" as a postal code).
    _MODEL_FIELDS[_name].validators.extend(Association._meta.get_field(_name).validators)


def _coordinate(name: str, limit: int) -> forms.FloatField:
    return forms.FloatField(
        label=capfirst(Association._meta.get_field(name).verbose_name),
        min_value=-limit,
        max_value=limit,
        required=False,
    )


def municipality_choices(empty_label=None) -> list:
    """The county's municipalities grouped by their Amt (towns without an Amt first)."""
    without_amt, by_amt = [], {}
    for municipality in Municipality.objects.select_related("amt").order_by("name"):
        entry = (municipality.pk, municipality.name)
        if municipality.amt is None:
            without_amt.append(entry)
        else:
            by_amt.setdefault(municipality.amt.name, []).append(entry)
    choices = [("", empty_label or _("Please choose"))]
    if without_amt:
        choices.append((_("Towns and municipalities without an Amt"), without_amt))
    choices += [
        (_("Amt %(name)s") % {"name": name}, group) for name, group in sorted(by_amt.items())
    ]
    return choices


class MunicipalityField(forms.ModelChoiceField):
    """A select of the municipalities, grouped by Amt (one query)."""

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("label", _("Municipality"))
        super().__init__(
            queryset=Municipality.objects.all() if queryset is None else queryset, **kwargs
        )

    def set_grouped_choices(self, empty_label=None):
        self.choices = municipality_choices(empty_label)


class CategoriesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Categories"))
        kwargs.setdefault("error_messages", {"required": _("Please choose at least one category.")})
        super().__init__(queryset=Category.objects.order_by("order", "name"), **kwargs)


class LogoField(forms.FileField):
    """An uploaded logo, checked by its content and re-encoded (network.logos); the cleaned
    value is the safe WebP, never the upload. The size is checked from the upload's
    declared size before a single byte is read."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Logo"))
        kwargs.setdefault(
            "help_text",
            _("Optional. A PNG, JPEG, GIF or WebP image of at most 2 MB. SVG is not possible."),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = "image/png,image/jpeg,image/gif,image/webp"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        try:
            return logos.process_logo(upload)
        except LogoError as error:
            raise forms.ValidationError(error.message, code="logo") from None


class EntryForm(forms.Form):
    """What a person may set on an entry, and nothing else."""

    name = _MODEL_FIELDS["name"]
    description = _MODEL_FIELDS["description"]
    categories = CategoriesField()
    municipality = MunicipalityField()
    street = _MODEL_FIELDS["street"]
    postal_code = _MODEL_FIELDS["postal_code"]
    meeting_place = _MODEL_FIELDS["meeting_place"]
    meeting_times = _MODEL_FIELDS["meeting_times"]
    contact_name = _MODEL_FIELDS["contact_name"]
    email = EmailAddressField(label=_("Public e-mail address"), required=False)
    phone = _MODEL_FIELDS["phone"]
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https"
    )
    seeks_volunteers = _MODEL_FIELDS["seeks_volunteers"]
    logo = LogoField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].set_grouped_choices()
        self.fields["description"].widget.attrs["rows"] = 8
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["postal_code"].widget.attrs.update(
            {"autocomplete": "postal-code", "inputmode": "numeric"}
        )
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "type": "tel"})
        self.fields["street"].widget.attrs["autocomplete"] = "street-address"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        hints = {
            "contact_name": _("Shown in the directory. Only what you fill in is published."),
            "email": _(
                "Shown in the directory. It also receives the code when someone asks to "
                "represent the association."
            ),
            "meeting_times": _("E.g. every Tuesday 19–21 h."),
        }
        for field, hint in hints.items():
            self.fields[field].help_text = hint

    def entry_data(self) -> EntryData:
        data = self.cleaned_data
        return EntryData(
            name=data["name"].strip(),
            description=data["description"].strip(),
            municipality=data["municipality"],
            categories=list(data["categories"]),
            street=data["street"],
            postal_code=data["postal_code"],
            meeting_place=data["meeting_place"],
            meeting_times=data["meeting_times"],
            contact_name=data["contact_name"],
            email=data["email"],
            phone=data["phone"],
            website=data["website"],
            seeks_volunteers=data["seeks_volunteers"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )


class ProposeForm(EntryForm):
    """A new association: the office checks it before it is published."""


class EditForm(EntryForm):
    """A representative's edit; name, categories, municipality and logo wait for review."""

    latitude = _coordinate("latitude", 90)
    longitude = _coordinate("longitude", 180)

    field_order = [
        "name",
        "categories",
        "municipality",
        "logo",
        "description",
        "seeks_volunteers",
        "meeting_place",
        "meeting_times",
        "street",
        "postal_code",
        "contact_name",
        "email",
        "phone",
        "website",
        "latitude",
        "longitude",
    ]

    def __init__(self, *args, association: Association, **kwargs):
        initial = {
            field: getattr(association, field)
            for field in (
                "name",
                "description",
                "street",
                "postal_code",
                "meeting_place",
                "meeting_times",
                "contact_name",
                "email",
                "phone",
                "website",
                "seeks_volunteers",
                "latitude",
                "longitude",
            )
        }
        initial["municipality"] = association.municipality_id
        initial["categories"] = [c.pk for c in association.categories.all()]
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["latitude"].help_text = _(
            "Optional: a precise point for the map (e.g. 54.3123). Without it the map shows "
            "the municipality."
        )
        review = _("Changes wait for the office's review.")
        for field in ("name", "categories", "municipality"):
            self.fields[field].help_text = review
        self.fields["logo"].help_text = f"{self.fields['logo'].help_text} {review}"

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            self.add_error(
                "longitude" if longitude is None else "latitude",
                _("Please give both latitude and longitude, or neither."),
            )
        return data


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the office"),
        help_text=_("Optional: who you are in the association (e.g. chair, secretary)."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ClaimCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The code from the e-mail to the association's address."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )


class InviteForm(forms.Form):
    email = EmailAddressField(
        label=_("E-mail address of the person you invite"),
        help_text=_("They receive a link that is valid for 14 days."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="invite", **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class StepDownForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I no longer want to represent this association."),
        error_messages={"required": _("Please confirm that you want to step down.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="step_down", **kwargs)


class OpportunityForm(forms.ModelForm):
    """An opportunity of the association; the association and its author are set by the
    service, never by the form."""

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "description",
            "commitment",
            "hours_per_month",
            "place",
            "remote",
            "municipality",
            "category",
            "starts_on",
            "ends_on",
        ]
        field_classes = {"municipality": MunicipalityField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "commitment": forms.RadioSelect,
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "place": _("Where it takes place; leave empty if it is all from home."),
            "ends_on": _("The opportunity leaves the list after this day."),
        }

    def __init__(self, *args, association: Association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].set_grouped_choices()
        if self.instance.pk is None and not self.initial.get("municipality"):
            self.initial["municipality"] = association.municipality_id
        self.fields["category"].queryset = Category.objects.order_by("order", "name")
        self.fields["category"].empty_label = _("No category")
        self.fields["commitment"].choices = Opportunity.Commitment.choices  # no empty choice

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end cannot be before the start."))
        elif ends_on and "ends_on" in self.changed_data and ends_on < timezone.localdate():
            self.add_error("ends_on", _("The end cannot be in the past."))
        return data


class InterestForm(forms.Form):
    message = forms.CharField(
        label=_("Your message to the association"),
        help_text=_("At most 1000 characters. E.g. when you would have time and what you can do."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


COMMITMENT_CHOICES = [("", _("Any")), *Opportunity.Commitment.choices]


class OpportunityFilterForm(forms.Form):
    """The filters of /engagement/, read from the URL. Unknown or broken values are ignored
    (the search runs without them), never a server error."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("order", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    amt = forms.ModelChoiceField(
        label=_("Amt"),
        queryset=Amt.objects.order_by("name"),
        required=False,
        empty_label=_("All Ämter"),
    )
    municipality = MunicipalityField(required=False)
    commitment = forms.ChoiceField(
        label=_("Commitment"), choices=COMMITMENT_CHOICES, required=False
    )
    remote = forms.BooleanField(label=_("Possible from home"), required=False)

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is None:
            self.fields["municipality"].set_grouped_choices(_("All municipalities"))
        else:
            self.fields["municipality"].choices = municipalities
        self.fields["q"].widget.attrs["type"] = "search"

    def filters(self) -> dict:
        """The valid values only; an invalid one is left out."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "q": cleaned.get("q") or "",
            "category": cleaned.get("category"),
            "amt": cleaned.get("amt"),
            "municipality": cleaned.get("municipality"),
            "commitment": cleaned.get("commitment") or "",
            "remote": bool(cleaned.get("remote")),
        }

    def for_display(self) -> "OpportunityFilterForm":
        """An unbound copy showing the valid values: a broken value in a shared link is
        dropped quietly instead of turning the filters into an error message."""
        cleaned = getattr(self, "cleaned_data", {})
        return OpportunityFilterForm(
            initial={name: value for name, value in cleaned.items() if value},
            municipalities=self.fields["municipality"].choices,
        )
