from django import forms
from django.utils.translation import gettext_lazy as _

from .addresses import EmailAddressField


class BarrierReportForm(forms.Form):
    """Tell the office about a barrier on the portal (accessibility feedback mechanism)."""

    description = forms.CharField(
        label=_("What did not work for you?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Please describe the barrier and, if you can, on which page it was."),
    )
    page_url = forms.CharField(label=_("Page (web address)"), max_length=500, required=False)
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # The portal's address rule: the address becomes the report's Reply-To header.
    email = EmailAddressField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Optional. Only if you would like an answer."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
