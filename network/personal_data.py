"""The directory's part of a person's data: export and erasure (Mein Konto).

Erasure keeps what the directory needs without the person: their edits stay in the history
of the entry without their name (changed_by is set to NULL with the account; their name or
address written into "representative" entries becomes "–"), proposals they made keep the
association (created_by NULL). Their requests to represent and their "Interesse melden"
messages are deleted; they step down from every association first, so the office hears when
an entry is left without representatives.
"""

from django.db import transaction
from django.db.models import Q

from portal.registry import PersonalDataPart, register_personal_data

from . import services
from .models import (
    Association,
    AssociationChange,
    ChangeRequest,
    Claim,
    Interest,
    Invitation,
    Opportunity,
    Representative,
)

ERASED = "–"


def _iso(value):
    return value.isoformat() if value else None


def _names(user) -> set[str]:
    return {value for value in (user.get_full_name(), user.email) if value}


def export(user) -> dict:
    return {
        "representations": [
            {"association": r.association.name, "since": _iso(r.created_at)}
            for r in Representative.objects.filter(user=user)
            .select_related("association")
            .order_by("created_at")
        ],
        "requests_to_represent": [
            {
                "association": c.association.name,
                "message": c.message,
                "status": c.status,
                "asked_at": _iso(c.created_at),
                "decided_at": _iso(c.decided_at),
                "reason": c.reason,
            }
            for c in Claim.objects.filter(user=user)
            .select_related("association")
            .order_by("created_at")
        ],
        "proposals": [
            {"association": a.name, "status": a.status, "proposed_at": _iso(a.created_at)}
            for a in Association.objects.filter(created_by=user).order_by("created_at")
        ],
        "change_requests": [
            {
                "association": r.association.name,
                "changes": r.changes,
                "new_logo": bool(r.logo),
                "status": r.status,
                "requested_at": _iso(r.created_at),
            }
            for r in ChangeRequest.objects.filter(requested_by=user)
            .select_related("association")
            .order_by("created_at")
        ],
        "interests": [
            {
                "opportunity": i.opportunity.title,
                "association": i.opportunity.association.name,
                "message": i.message,
                "sent_at": _iso(i.created_at),
            }
            for i in Interest.objects.filter(user=user)
            .select_related("opportunity__association")
            .order_by("created_at")
        ],
        "opportunities_posted": [
            {"title": o.title, "association": o.association.name, "created_at": _iso(o.created_at)}
            for o in Opportunity.objects.filter(created_by=user)
            .select_related("association")
            .order_by("created_at")
        ],
        "invitations": [
            {
                "association": i.association.name,
                "email": i.email,
                "invited_by_me": i.invited_by_id == user.pk,
                "invited_at": _iso(i.created_at),
                "accepted_at": _iso(i.accepted_at),
            }
            for i in _invitations(user).select_related("association").order_by("created_at")
        ],
        "changes_made": [
            {
                "association": c.association.name,
                "field": c.field,
                "before": c.old_value,
                "after": c.new_value,
                "changed_at": _iso(c.changed_at),
            }
            for c in AssociationChange.objects.filter(changed_by=user)
            .select_related("association")
            .order_by("changed_at", "pk")
        ],
    }


def _invitations(user):
    return Invitation.objects.filter(Q(invited_by=user) | Q(email__iexact=user.email))


def erase(user) -> None:
    for representation in Representative.objects.filter(user=user).select_related("association"):
        services.step_down(association=representation.association, user=user)
    with transaction.atomic():
        # Entries that may name the person: their own, and those of associations they had
        # to do with (a staff decision on their request names them too).
        associations = set(
            AssociationChange.objects.filter(changed_by=user).values_list(
                "association_id", flat=True
            )
        ) | set(Claim.objects.filter(user=user).values_list("association_id", flat=True))
        names = _names(user)
        for side in ("old_value", "new_value"):
            AssociationChange.objects.filter(
                field="representative",
                association__in=associations,
                **{f"{side}__in": names},
            ).update(**{side: ERASED})
        Claim.objects.filter(user=user).delete()
        Interest.objects.filter(user=user).delete()
        # Invitations to their address name them; those they sent keep nothing of them.
        Invitation.objects.filter(email__iexact=user.email).delete()


register_personal_data(PersonalDataPart("network", export, erase, order=50))
