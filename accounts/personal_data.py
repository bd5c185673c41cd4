"""The account's own parts of the export and the erasure: profile, logins, e-mails sent."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Q

from mailings.models import Email
from mailings.services import ERASED_ADDRESS, cancel_unsent

from .registry import PersonalDataPart, register_personal_data


def _iso(value):
    return value.isoformat() if value else None


def export_profile(user) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": user.language,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "privacy_consent_at": _iso(user.privacy_consent_at),
        "privacy_consent_version": user.privacy_consent_version,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        # Which second factors exist, never their secrets.
        "second_factors": [
            {"type": a.type, "created_at": _iso(a.created_at), "last_used_at": _iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("id")
        ],
    }


def erase_profile(user) -> None:
    user.delete()  # cascades to e-mail addresses, second factors and sessions' owner rows


def _mails(user):
    # Mails tied to the account, sent to its (verified) login address, or sent on the person's
    # behalf with it as Reply-To (e.g. a barrier report); never merely claimed, unverified
    # addresses, which may belong to someone else.
    return Email.objects.filter(
        Q(recipient_user=user)
        | Q(to__iexact=user.email)
        | Q(**{"headers__Reply-To__iexact": user.email})
    )


def export_emails(user) -> list[dict]:
    return [
        {
            "subject": e.subject,
            "to": e.to,
            "status": e.status,
            "created_at": _iso(e.created_at),
            "sent_at": _iso(e.sent_at),
        }
        for e in _mails(user).order_by("created_at")
    ]


def erase_emails(user) -> None:
    # The office keeps that a message went out (delivery statistics), not to whom or what;
    # what has not gone out yet is not sent at all.
    mails = _mails(user)
    cancel_unsent(emails=mails)
    mails.update(
        to=ERASED_ADDRESS,
        recipient_user=None,
        subject="–",
        body_text="",
        body_html="",
        headers={},
        last_error="",
    )


register_personal_data(PersonalDataPart("account", export_profile, erase_profile, order=0))
register_personal_data(PersonalDataPart("emails", export_emails, erase_emails, order=10))
