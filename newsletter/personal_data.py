"""The newsletter's part of a person's data: the subscriptions of the account or of its
verified addresses, with the consent evidence; erasure deletes them (queued issue mails to
them are cancelled; the outbox part erases the mails themselves)."""

from allauth.account.models import EmailAddress
from django.db.models import Q

from portal.registry import PersonalDataPart, register_personal_data

from . import services
from .models import Subscription


def _iso(value):
    return value.isoformat() if value else None


def subscriptions_of(user):
    # Never merely claimed, unverified addresses: they may belong to someone else.
    verified = EmailAddress.objects.filter(user=user, verified=True)
    addresses = set(verified.values_list("email", flat=True)) | {user.email}
    condition = Q(user=user)
    for address in addresses:
        condition |= Q(email__iexact=address)
    return Subscription.objects.filter(condition)


def export(user) -> list[dict]:
    return [
        {
            "email": s.email,
            "segments": [segment.name for segment in s.segments.all()],
            "amt": s.amt.name if s.amt_id else None,
            "signed_up_at": _iso(s.created_at),
            "confirmation_sent_at": _iso(s.confirmation_sent_at),
            "confirmed_at": _iso(s.confirmed_at),
            "consent_text_version": s.consent_text_version,
            "privacy_notice_version": s.privacy_notice_version,
            "ip_address": s.ip_address,
            "unsubscribed_at": _iso(s.unsubscribed_at),
        }
        for s in subscriptions_of(user)
        .select_related("amt")
        .prefetch_related("segments")
        .order_by("created_at")
    ]


def erase(user) -> None:
    services.erase_subscriptions(subscriptions=list(subscriptions_of(user)))


# Before the outbox (10): queued issue mails are cancelled here, then erased there.
register_personal_data(PersonalDataPart("newsletter", export, erase, order=70))
