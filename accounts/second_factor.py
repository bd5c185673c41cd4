"""The second factor is checked per session, not per account.

A session that logged in with the password before the account had TOTP has not passed it;
allauth records how this session authenticated, and admin asks for what is missing.
"""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator

from .services import end_other_sessions


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_second_factor(request) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    """The session that set up the factor proved it with a code; all others must log in anew."""
    if authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type="totp")
    end_other_sessions(user=user, keep_session_key=request.session.session_key)


def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    end_other_sessions(user=user, keep_session_key=request.session.session_key)
