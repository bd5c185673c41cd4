"""One rule for every e-mail address the portal accepts from a person or sends to.

Python's and Django's validators accept quoted local parts with control characters
(`"x\\x0bY"@example.org`) and Unicode separators in the domain; in a `To:` or `Reply-To:`
header those become line breaks. The portal accepts only what a mail header carries safely:
a plain dot-atom local part, a valid (possibly internationalised) domain, no control or
separator characters, and at most 254 characters (the column and SMTP's path limit).
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 254
MAX_LOCAL_LENGTH = 64
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")
_DOMAINS = EmailValidator()
INVALID = _("Enter a valid e-mail address, e.g. name@example.org.")


def _has_unsafe_character(value: str) -> bool:
    # C*: control, format, private use, unassigned; Z*: spaces and line/paragraph separators.
    return any(unicodedata.category(char)[0] in "CZ" for char in value)


def validate_email_address(value: str) -> None:
    """Raise ValidationError unless `value` is an address the outbox can put into a header."""
    if not isinstance(value, str) or not value:
        raise ValidationError(INVALID, code="invalid")
    if len(value) > MAX_LENGTH:
        raise ValidationError(
            _("This e-mail address is too long (at most %(max)d characters)."),
            code="max_length",
            params={"max": MAX_LENGTH},
        )
    if _has_unsafe_character(value) or value.count("@") != 1:
        raise ValidationError(INVALID, code="invalid")
    local, domain = value.split("@")
    if len(local) > MAX_LOCAL_LENGTH or not _DOT_ATOM.match(local):
        raise ValidationError(INVALID, code="invalid")
    if not _DOMAINS.validate_domain_part(domain) or domain.startswith("["):
        raise ValidationError(INVALID, code="invalid")


def is_valid_email_address(value: str) -> bool:
    try:
        validate_email_address(value)
    except ValidationError:
        return False
    return True


class EmailAddressField(forms.EmailField):
    """A form field with the portal's address rule, checked before anything reaches the database."""

    default_validators = [validate_email_address]
    default_error_messages = {"invalid": INVALID}

    def widget_attrs(self, widget):
        # The rule above reports the length in words; the browser stops typing at the limit.
        return {**super().widget_attrs(widget), "maxlength": str(MAX_LENGTH)}
