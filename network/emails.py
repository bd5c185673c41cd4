"""The directory's mails: one function each, called inside the service's transaction.

Keys make every mail idempotent (the outbox sends a key once); links are absolute, because
some of these mails are written by background tasks without a request.
"""

from django.conf import settings

from mailings.services import enqueue
from portal.links import absolute_reverse
from portal.models import SiteConfiguration

from .models import Association, ChangeRequest, Claim, Interest, Invitation

PREFIX = "emails/network/"


def _to_user(user, template: str, key: str, context: dict, **options) -> None:
    enqueue(
        to=user.email,
        template=PREFIX + template,
        context={"person": user.get_short_name(), **context},
        key=key,
        language=user.language,
        recipient_user=user,
        **options,
    )


def _to_office(template: str, key: str, context: dict) -> None:
    enqueue(
        to=SiteConfiguration.load().email,
        template=PREFIX + template,
        context=context,
        key=key,
        language=settings.LANGUAGE_CODE,
    )


def _association_context(association: Association) -> dict:
    return {
        "association": association.name,
        "association_url": absolute_reverse("network:association", association.slug),
    }


def proposal_received(association: Association) -> None:
    context = _association_context(association)
    _to_user(
        association.created_by,
        "proposal_received",
        f"network:proposal:{association.pk}:ack",
        context,
    )
    admin_url = absolute_reverse("admin:network_association_change", association.pk)
    _to_office(
        "proposal_to_office",
        f"network:proposal:{association.pk}:office",
        {**context, "admin_url": admin_url},
    )


def proposal_decided(association: Association, *, approved: bool, reason: str = "") -> None:
    if association.created_by is None:
        return  # the proposer deleted their account meanwhile
    template = "proposal_approved" if approved else "proposal_rejected"
    _to_user(
        association.created_by,
        template,
        f"network:proposal:{association.pk}:{template}",
        {**_association_context(association), "reason": reason},
    )


def claim_code(claim: Claim, code: str) -> None:
    """The code goes to the association's published address: whoever reads it may confirm."""
    association = claim.association
    enqueue(
        to=association.email,
        template=PREFIX + "claim_code",
        context={
            "association": association.name,
            "claimant": claim.user.get_full_name() or claim.user.email,
            "code": code,
            "code_url": absolute_reverse("network:claim_code", claim.pk),
        },
        key=f"network:claim:{claim.pk}:code:{claim.code_sent_at.isoformat()}",
        language=settings.LANGUAGE_CODE,
        sensitive=True,
    )


def claim_to_office(claim: Claim) -> None:
    _to_office(
        "claim_to_office",
        f"network:claim:{claim.pk}:office",
        {
            **_association_context(claim.association),
            "claimant": claim.user.get_full_name() or claim.user.email,
            "message": claim.message,
            "admin_url": absolute_reverse("admin:network_claim_change", claim.pk),
        },
    )


def claim_decided(claim: Claim) -> None:
    template = "claim_confirmed" if claim.status == Claim.Status.CONFIRMED else "claim_rejected"
    _to_user(
        claim.user,
        template,
        f"network:claim:{claim.pk}:{template}",
        {
            **_association_context(claim.association),
            "reason": claim.reason,
            "edit_url": absolute_reverse("network:edit", claim.association.slug),
        },
    )


def change_request_to_office(change_request: ChangeRequest) -> None:
    _to_office(
        "change_request_to_office",
        f"network:change:{change_request.pk}:office",
        {
            **_association_context(change_request.association),
            "admin_url": absolute_reverse("admin:network_changerequest_change", change_request.pk),
        },
    )


def change_request_decided(change_request: ChangeRequest) -> None:
    if change_request.requested_by is None:
        return
    approved = change_request.status == ChangeRequest.Status.APPROVED
    template = "change_approved" if approved else "change_rejected"
    _to_user(
        change_request.requested_by,
        template,
        f"network:change:{change_request.pk}:{template}",
        {**_association_context(change_request.association), "reason": change_request.reason},
    )


def invitation(invitation: Invitation, token: str) -> None:
    inviter = invitation.invited_by
    enqueue(
        to=invitation.email,
        template=PREFIX + "invitation",
        context={
            "association": invitation.association.name,
            "inviter": inviter.get_full_name() if inviter else "",
            "accept_url": absolute_reverse("network:invitation", token),
            "valid_until": invitation.expires_at,
        },
        key=f"network:invitation:{invitation.pk}",
        language=settings.LANGUAGE_CODE,
        sensitive=True,
    )


def last_representative_left(association: Association) -> None:
    _to_office(
        "last_representative_left",
        f"network:orphaned:{association.pk}:{association.updated_at.isoformat()}",
        {
            **_association_context(association),
            "admin_url": absolute_reverse("admin:network_association_change", association.pk),
        },
    )


def confirmation_request(association: Association, user, token: str) -> None:
    _to_user(
        user,
        "confirmation_request",
        f"network:freshness:{association.pk}:{association.confirmation_requested_at.date()}:{user.pk}",
        {
            **_association_context(association),
            "confirm_url": absolute_reverse("network:confirm_current", token),
            "edit_url": absolute_reverse("network:edit", association.slug),
        },
        sensitive=True,
    )


def stale_entries_hidden(associations: list[Association], day) -> None:
    _to_office(
        "stale_entries_hidden",
        f"network:stale:{day.isoformat()}",
        {
            "entries": [
                {
                    "name": a.name,
                    "admin_url": absolute_reverse("admin:network_association_change", a.pk),
                }
                for a in associations
            ]
        },
    )


def interest(interest: Interest, representatives: list) -> None:
    """To each representative: who is interested, their address and message (shared by this
    act of the volunteer); a copy to the volunteer."""
    opportunity = interest.opportunity
    volunteer = interest.user
    context = {
        "opportunity": opportunity.title,
        "association": opportunity.association.name,
        "volunteer_name": volunteer.get_full_name() or volunteer.email,
        "volunteer_email": volunteer.email,
        "message": interest.message,
        "opportunity_url": absolute_reverse("network:opportunity", opportunity.pk),
    }
    for user in representatives:
        _to_user(
            user,
            "interest",
            f"network:interest:{interest.pk}:to:{user.pk}",
            context,
            reply_to=volunteer.email,
        )
    _to_user(volunteer, "interest_copy", f"network:interest:{interest.pk}:copy", context)
