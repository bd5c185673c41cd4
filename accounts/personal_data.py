"""The account's own parts of the export and the erasure: profile, logins, admin history."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from portal import admin_log
from portal.registry import PersonalDataPart, register_personal_data

from .models import Session, User


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


def _admin_history(user):
    addresses = list(EmailAddress.objects.filter(user=user).values_list("pk", "email"))
    factors = Authenticator.objects.filter(user=user).values_list("pk", flat=True)
    return (
        admin_log.entries_about(User, [user.pk])
        | admin_log.entries_about(EmailAddress, [pk for pk, _email in addresses])
        | admin_log.entries_about(Authenticator, list(factors))
        | admin_log.entries_naming([user.email, *(email for _pk, email in addresses)])
    )


def export_admin_history(user) -> list[dict]:
    return admin_log.export(_admin_history(user))


def erase_admin_history(user) -> None:
    admin_log.anonymise(_admin_history(user))


register_personal_data(PersonalDataPart("account", export_profile, erase_profile, order=0))
register_personal_data(
    PersonalDataPart("admin_history", export_admin_history, erase_admin_history, order=5)
)
