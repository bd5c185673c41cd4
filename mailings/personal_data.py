"""The outbox's part of a person's data: mails sent to them or on their behalf."""

from allauth.account.models import EmailAddress
from django.db.models import Q

from portal.registry import PersonalDataPart, register_personal_data

from .models import Email
from .services import ERASED_ADDRESS, cancel_unsent


def _verified_addresses(user) -> set[str]:
    # Never merely claimed, unverified addresses: they may belong to someone else.
    verified = EmailAddress.objects.filter(user=user, verified=True)
    return set(verified.values_list("email", flat=True)) | {user.email}


def mails_of(user):
    """Mails tied to the account, or to or on behalf of one of its verified addresses."""
    condition = Q(recipient_user=user)
    for address in _verified_addresses(user):
        condition |= Q(to__iexact=address) | Q(reply_to__iexact=address)
    return Email.objects.filter(condition)


def export(user) -> list[dict]:
    return [
        {
            "subject": e.subject,
            "to": e.to,
            "reply_to": e.reply_to,
            "status": e.status,
            "created_at": e.created_at.isoformat(),
            "sent_at": e.sent_at.isoformat() if e.sent_at else None,
            "text": e.body_text,
        }
        for e in mails_of(user).order_by("created_at")
    ]


def erase(user) -> None:
    # The office keeps that a message went out (delivery statistics), not to whom or what;
    # what has not gone out yet is not sent at all.
    mails = mails_of(user)
    cancel_unsent(emails=mails)
    mails.update(
        to=ERASED_ADDRESS,
        reply_to="",
        recipient_user=None,
        subject="–",
        body_text="",
        body_html="",
        headers={},
        attachments=[],
        last_error="",
    )


register_personal_data(PersonalDataPart("emails", export, erase, order=10))
