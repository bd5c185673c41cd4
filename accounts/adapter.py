"""allauth adapter: its mails go through the outbox; sign-up records the privacy consent; a
fresh login counts as recent proof of identity; messages say how long a rate limit lasts and
whether a verification mail really went out; a login speaks the person's language."""

import time
import uuid

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.signup import prevent_enumeration
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import get_language

from mailings.services import enqueue
from portal.addresses import validate_email_address
from portal.language import preferred_language

from .ratelimits import minutes_until_allowed, too_many_failed_logins_message
from .services import record_privacy_consent
from .verification import note_mail_sent, remember_outcome

# What allauth's own re-authentication accepts: the password or a code from the second factor.
PROOFS = {"password", "mfa"}


def proved_identity_recently(request) -> bool:
    """This session's person typed their password (or a code) less than
    ACCOUNT_REAUTHENTICATION_TIMEOUT seconds ago: allauth's records of how the session logged in.
    A session that never did (e.g. one made by force_login) has no record and does not count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    moments = [
        record.get("at", 0)
        for record in get_authentication_records(request, user)
        if record.get("method") in PROOFS
    ]
    return bool(moments) and time.time() - max(moments) < account_settings.REAUTHENTICATION_TIMEOUT


class AccountAdapter(DefaultAccountAdapter):
    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth (65.x) asks for the password again before sensitive changes such as setting
        up a second factor, and counts only an explicit re-entry, not the login itself: a staff
        member was asked for the password twice within seconds. The password (or code) typed at
        login within the same window proves the same, so it counts too; older logins are asked."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not proved_identity_recently(self.request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = context.get("request") or self.request
        ctx = {"email": email, "current_site": get_current_site(request), **context}
        user = context.get("user")
        language = getattr(user, "language", None) or get_language()
        name = template_prefix.rsplit("/", 1)[-1]
        # Each allauth send is its own message (a new link or code), hence a fresh key.
        enqueue(
            to=email,
            template=template_prefix,
            context=ctx,
            key=f"account:{name}:{uuid.uuid4().hex}",
            language=language,
            recipient_user=user if getattr(user, "pk", None) else None,
            sensitive=True,  # verification links, reset links, codes
        )
        note_mail_sent(request, template_prefix)

    def respond_email_verification_sent(self, request, user):
        remember_outcome(request)  # so the page can say whether a mail really went out
        return super().respond_email_verification_sent(request, user)

    def login(self, request, user) -> None:
        """The login request began anonymous, in German: from here on (its "logged in" message
        included) speak the person's language, unless they chose one with the switch."""
        super().login(request, user)
        translation.activate(preferred_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def pre_authenticate(self, request, **credentials) -> None:
        """allauth refuses a login after too many failures ("login_failed": 5 per 5 minutes for
        an address, 10 a minute from one address) with "try again later"; say how long."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code != "too_many_login_attempts":
                raise
            key = self._get_login_attempts_cache_key(request, **credentials)
            minutes = minutes_until_allowed(request, action="login_failed", key=key)
            raise ValidationError(
                too_many_failed_logins_message(minutes), code="too_many_login_attempts"
            ) from error

    def clean_email(self, email: str) -> str:
        """Sign-up, "add e-mail" and password reset: the portal's address rule and length."""
        email = super().clean_email(email)
        validate_email_address(email)
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = preferred_language(request)  # the language they signed up in
        record_privacy_consent(user=user)
        if commit:
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError as exc:
                # Two sign-ups with one address at the same moment: the database lets one
                # through. The other gets what any sign-up with a taken address gets (no
                # enumeration): allauth's "account already exists" mail and the same page.
                response = prevent_enumeration(request, email=user.email)
                raise ImmediateHttpResponse(response) from exc
        return user
