import re
import unicodedata

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import User

# Digits, spaces and the usual separators: "+49 (0)4331 / 202-0". A leading "+" only.
_PHONE = re.compile(r"\+?[0-9 ()/\-]+\Z")
PHONE_MIN_DIGITS = 5


def validate_person_name(value: str) -> None:
    """A name goes into mails and the admin: no control, format or line-separator characters."""
    if any(
        unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"} for char in value
    ):
        raise ValidationError(
            _("The name contains characters that are not allowed, such as line breaks."),
            code="invalid",
        )


def validate_phone(value: str) -> None:
    """A phone number someone can dial: digits, spaces, + / - ( ), and enough digits."""
    digits = sum(char.isascii() and char.isdigit() for char in value)
    if not _PHONE.match(value) or digits < PHONE_MIN_DIGITS:
        raise ValidationError(
            _(
                "Please enter a phone number with at least %(min)d digits. Besides digits only "
                "spaces and the characters + / - ( ) are allowed."
            ),
            code="invalid",
            params={"min": PHONE_MIN_DIGITS},
        )


def _consent_label():
    text = _('I have read and accept the <a href="%(url)s">privacy notice</a>.')
    return format_html(text.replace("%(url)s", "{url}"), url=reverse("page", args=["datenschutz"]))


class SignupForm(AllauthSignupForm):
    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[validate_person_name]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, validators=[validate_person_name]
    )
    privacy_consent = forms.BooleanField(
        label=lazy(_consent_label, str)(),
        required=True,
        error_messages={"required": _("Please accept the privacy notice to create an account.")},
    )

    field_order = ["email", "first_name", "last_name", "password1", "password2", "privacy_consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("You log in with this address. We send a link to it.")
        for name in ("first_name", "last_name"):
            self.fields[name].widget.attrs["autocomplete"] = (
                "given-name" if name == "first_name" else "family-name"
            )

    def try_save(self, request):
        if self.account_already_exists:
            # A new account costs a password hash; hash here too, so the answer for a taken
            # address takes as long and does not reveal who has an account.
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class ProfileForm(forms.ModelForm):
    """The person's own details: names stay required as at sign-up; a phone number is dialable."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }
        help_texts = {"phone": _("Optional. Only used to reach you about your request.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].required = True  # as at sign-up; the model allows blank for staff
            self.fields[name].validators.append(validate_person_name)
        self.fields["phone"].validators.append(validate_phone)


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete my account and my data for good."),
        required=True,
        error_messages={"required": _("Please confirm that you want to delete your account.")},
    )
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
