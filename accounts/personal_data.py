"""The account's own parts of the export and the erasure: profile, sessions, admin history,
e-mails sent to or on behalf of the person."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Q

from mailings.models import Email
from mailings.services import ERASED_ADDRESS, cancel_unsent

from . import admin_log
from .models import Session, User
from .registry import PersonalDataPart, register_personal_data


def _iso(value):
    return value.isoformat() if value else None


def _verified_addresses(user) -> list[str]:
    # Never merely claimed, unverified addresses: they may belong to someone else.
    addresses = set(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    return sorted(addresses | {user.email})


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
        # Open logins (browsers), never their keys.
        "sessions": [
            {"expires_at": _iso(expires)}
            for expires in Session.objects.filter(user=user)
            .order_by("expire_date")
            .values_list("expire_date", flat=True)
        ],
    }


def erase_profile(user) -> None:
    user.delete()  # cascades to e-mail addresses, second factors and sessions


def _admin_history(user) -> Q:
    addresses = EmailAddress.objects.filter(user=user).values_list("pk", flat=True)
    factors = Authenticator.objects.filter(user=user).values_list("pk", flat=True)
    return (
        admin_log.entries_about(User, [user.pk])
        | admin_log.entries_about(EmailAddress, list(addresses))
        | admin_log.entries_about(Authenticator, list(factors))
        | admin_log.entries_naming(_verified_addresses(user))
    )


def export_admin_history(user) -> list[dict]:
    return admin_log.export(_admin_history(user))


def erase_admin_history(user) -> None:
    admin_log.anonymise(_admin_history(user))


def _mails(user):
    # Mails tied to the account, sent to one of its verified addresses, or sent on the
    # person's behalf with one as Reply-To (e.g. a barrier report).
    condition = Q(recipient_user=user)
    for address in _verified_addresses(user):
        condition |= Q(to__iexact=address) | Q(**{"headers__Reply-To__iexact": address})
    return Email.objects.filter(condition)


def export_emails(user) -> list[dict]:
    return [
        {
            "subject": e.subject,
            "to": e.to,
            "reply_to": e.headers.get("Reply-To", ""),
            "status": e.status,
            "created_at": _iso(e.created_at),
            "sent_at": _iso(e.sent_at),
            "text": e.body_text,
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
register_personal_data(
    PersonalDataPart("admin_history", export_admin_history, erase_admin_history, order=5)
)
register_personal_data(PersonalDataPart("emails", export_emails, erase_emails, order=10))
