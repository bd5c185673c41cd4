"""The "Mein Verein" section of Mein Konto: the associations a person represents, with
their pages, and what they are still waiting for (requests to represent, proposals)."""

from portal.registry import AccountSection, register_account_section

from . import services
from .models import Association, Claim
from .selectors import associations_of


def context(user) -> dict:
    claims = list(
        Claim.objects.filter(user=user, status=Claim.Status.PENDING)
        .select_related("association")
        .order_by("-created_at")
    )
    for claim in claims:
        claim.code_usable = services.claim_code_usable(claim)
    return {
        "associations": list(associations_of(user).order_by("name")),
        "claims": claims,
        "proposals": list(
            Association.objects.filter(
                created_by=user, status=Association.Status.PROPOSED
            ).order_by("-created_at")
        ),
    }


register_account_section(
    AccountSection("network", "network/account_section.html", context, order=50)
)
