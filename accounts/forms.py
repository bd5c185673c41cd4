from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import User


def _consent_label():
    text = _('I have read and accept the <a href="%(url)s">privacy notice</a>.')
    return format_html(text.replace("%(url)s", "{url}"), url=reverse("page", args=["datenschutz"]))


class SignupForm(AllauthSignupForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
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
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }
        help_texts = {"phone": _("Optional. Only used to reach you about your request.")}


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
