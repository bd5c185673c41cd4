"""The period of a statistics page in admin (Beratung, Qualifizierung): from / until, both
optional, checked so a report never asks the database for centuries."""

from datetime import date

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=_("from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    MAX_YEARS = 10

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(gettext("The first day comes after the last."))
        for day in (since, until):
            if day and not date(2000, 1, 1) <= day <= date(2100, 12, 31):
                raise forms.ValidationError(gettext("Please choose days between 2000 and 2100."))
        if since and until and (until - since).days > 366 * self.MAX_YEARS:
            raise forms.ValidationError(
                gettext("Please choose at most %(years)d years.") % {"years": self.MAX_YEARS}
            )
        return cleaned
