"""Sign-up and settings forms: segments as checkboxes in a fieldset, the Amt optional."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from network.models import Amt
from portal.addresses import EmailAddressField

from .models import Segment


def consent_text() -> str:
    """The consent text shown with the checkbox; its version is NEWSLETTER_CONSENT_VERSION."""
    text = _(
        "I would like to receive the newsletter on the topics chosen by e-mail. I can "
        "unsubscribe at any time with the link in every issue. How my address is used is "
        'described in the <a href="%(url)s">privacy notice</a>.'
    )
    return format_html(text.replace("%(url)s", "{url}"), url=reverse("page", args=["datenschutz"]))


class SegmentsForm(forms.Form):
    segments = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Segment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Please choose at least one topic."),
            "invalid_choice": _("Please choose topics from the list."),
            "invalid_pk_value": _("Please choose topics from the list."),
        },
    )
    amt = forms.ModelChoiceField(
        label=_("News from my Amt (optional)"),
        queryset=Amt.objects.none(),
        required=False,
        empty_label=_("No Amt"),
        error_messages={"invalid_choice": _("Please choose an Amt from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segments"].queryset = Segment.objects.filter(active=True).order_by(
            "order", "name"
        )
        self.fields["amt"].queryset = Amt.objects.order_by("name")


class SubscribeForm(SegmentsForm):
    email = EmailAddressField(label=_("E-mail address"))
    consent = forms.BooleanField(
        label=lazy(consent_text, str)(),
        required=True,
        error_messages={"required": _("Please agree so that we may send you the newsletter.")},
    )

    field_order = ["email", "segments", "amt", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self.consent_version = settings.NEWSLETTER_CONSENT_VERSION
