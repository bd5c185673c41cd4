"""Self-service for associations: propose a new entry, ask to represent one (with the code
mailed to its address), edit it, manage its representatives, accept an invitation, confirm
it is still current.

Thin views: they parse the request and call one service (network.services). Pages about
one association answer 404 to anyone who does not represent it, so nothing leaks.
"""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..exceptions import DirectoryError
from ..forms.entries import (
    ClaimCodeForm,
    ClaimForm,
    EditForm,
    InviteForm,
    ProposeForm,
    StepDownForm,
)
from ..models import Association, Category, ChangeRequest, Claim, Municipality

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger number in a URL is simply "not found"


def too_many_message() -> str:
    return _("You have done this several times in a short while. Please try again later.")


def represented(request, slug: str) -> Association:
    """The association at this address if the person represents it; 404 for anyone else."""
    return get_object_or_404(
        Association.objects.select_related("municipality").filter(
            representatives__user=request.user
        ),
        slug=slug,
    )


def _posted(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _own_proposal(request) -> Association | None:
    value = request.GET.get("vorschlag", "")
    if not value.isdigit() or int(value) > MAX_ID:
        return None
    return Association.objects.filter(
        pk=int(value), created_by=request.user, status=Association.Status.PROPOSED
    ).first()


# --- Propose ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def propose(request):
    proposal = _own_proposal(request) if request.method == "GET" else None
    if proposal:
        return render(request, "network/propose.html", {"proposal": proposal})
    form = ProposeForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="network_proposal", user=request.user):
            form.add_error(None, too_many_message())
        else:
            association = services.propose_association(
                user=request.user, data=form.entry_data(), logo=form.cleaned_data["logo"]
            )
            return redirect(f"{reverse('network:propose')}?vorschlag={association.pk}")
    return render(request, "network/propose.html", {"form": form})


# --- Claim ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, slug):
    association = get_object_or_404(Association, slug=slug, status=Association.Status.PUBLISHED)
    if services.is_representative(user=request.user, association=association):
        return render(request, "network/claim.html", {"association": association, "already": True})
    pending = Claim.objects.filter(
        association=association, user=request.user, status=Claim.Status.PENDING
    ).first()
    form = ClaimForm(request.POST if request.method == "POST" and pending is None else None)
    if form.is_bound and form.is_valid():
        if not ratelimit.consume(request, action="network_claim", user=request.user):
            form.add_error(None, too_many_message())
        else:
            try:
                new_claim = services.claim_association(
                    user=request.user,
                    association=association,
                    message=form.cleaned_data["message"],
                )
            except DirectoryError as error:
                form.add_error(None, error.message)
            else:
                if new_claim.code_hash:
                    messages.success(
                        request,
                        _(
                            "We have sent a code to the association's public e-mail address. "
                            "Enter it here as soon as you have it."
                        ),
                    )
                    return redirect("network:claim_code", new_claim.pk)
                messages.success(
                    request, _("Thank you! The office will check your request and write to you.")
                )
                return redirect("network:claim", association.slug)
    return render(
        request,
        "network/claim.html",
        {
            "association": association,
            "form": form,
            "pending": pending,
            "code_usable": pending is not None and services.claim_code_usable(pending),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_code(request, claim_id):
    if claim_id > MAX_ID:
        raise Http404
    # Only the person who asked sees their request; anyone else's id is "not found".
    claim = get_object_or_404(
        Claim.objects.select_related("association"), pk=claim_id, user=request.user
    )
    usable = services.claim_code_usable(claim)
    form = ClaimCodeForm(request.POST if request.method == "POST" and usable else None)
    if form.is_bound and form.is_valid():
        try:
            services.confirm_claim_with_code(
                claim=claim, user=request.user, code=form.cleaned_data["code"]
            )
        except DirectoryError as error:
            form.add_error("code", error.message)
            claim.refresh_from_db()
            usable = services.claim_code_usable(claim)
        else:
            messages.success(
                request,
                _("Confirmed: you now represent %(name)s.") % {"name": claim.association.name},
            )
            return redirect("network:edit", claim.association.slug)
    return render(
        request, "network/claim_code.html", {"claim": claim, "form": form, "usable": usable}
    )


# --- Edit -------------------------------------------------------------------------------------


def _pending_changes(association: Association) -> list[dict]:
    """The waiting change requests, readable: name, municipality, categories, logo."""
    pending = list(
        ChangeRequest.objects.filter(
            association=association, status=ChangeRequest.Status.PENDING
        ).order_by("created_at")
    )
    municipality_ids = {r.changes["municipality"] for r in pending if "municipality" in r.changes}
    category_ids = {pk for r in pending for pk in r.changes.get("categories", [])}
    municipalities = (
        dict(Municipality.objects.filter(pk__in=municipality_ids).values_list("pk", "name"))
        if municipality_ids
        else {}
    )
    categories = (
        {c.pk: c.localized_name() for c in Category.objects.filter(pk__in=category_ids)}
        if category_ids
        else {}
    )
    described = []
    for request in pending:
        changes = request.changes
        items = []
        if "name" in changes:
            items.append((_("Name"), changes["name"]))
        if "municipality" in changes:
            items.append((_("Municipality"), municipalities.get(changes["municipality"], "–")))
        if "categories" in changes:
            names = sorted(categories.get(pk, "–") for pk in changes["categories"])
            items.append((_("Categories"), ", ".join(names)))
        described.append({"request": request, "items": items, "logo": request.logo})
    return described


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    association = represented(request, slug)
    if request.method == "POST" and "confirm_current" in request.POST:
        services.confirm_current(association=association, user=request.user)
        messages.success(request, _("Thank you! The entry is confirmed as current."))
        return redirect("network:edit", association.slug)
    form = EditForm(*_posted(request), association=association)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.update_entry(
                association=association,
                user=request.user,
                data=form.entry_data(),
                logo=form.cleaned_data["logo"],
            )
        except DirectoryError as error:
            form.add_error(None, error.message)
        else:
            if result["applied"]:
                messages.success(request, _("Your changes are published."))
            if result["pending"]:
                messages.info(
                    request,
                    _(
                        "Changes to the name, categories, municipality or logo wait for the "
                        "office's review; until then the entry shows the previous ones."
                    ),
                )
            if not result["applied"] and not result["pending"]:
                messages.info(request, _("Nothing was changed."))
            return redirect("network:edit", association.slug)
    today = timezone.localdate()
    opportunities = list(association.opportunities.order_by("-created_at"))
    for opportunity in opportunities:
        opportunity.is_open = opportunity.ends_on is None or opportunity.ends_on >= today
    return render(
        request,
        "network/edit.html",
        {
            "association": association,
            "form": form,
            "pending": _pending_changes(association),
            "opportunities": opportunities,
        },
    )


# --- Representatives --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def representatives(request, slug):
    association = represented(request, slug)
    action = request.POST.get("action") if request.method == "POST" else None
    invite_form = InviteForm(request.POST if action == "invite" else None)
    step_down_form = StepDownForm(request.POST if action == "step_down" else None)
    if invite_form.is_bound and invite_form.is_valid():
        email = invite_form.cleaned_data["email"]
        if not ratelimit.consume(request, action="network_invitation", user=request.user):
            invite_form.add_error(None, too_many_message())
        else:
            try:
                services.invite_representative(
                    association=association, inviter=request.user, email=email
                )
            except DirectoryError as error:
                invite_form.add_error("email", error.message)
            else:
                messages.success(
                    request, _("We have sent an invitation to %(email)s.") % {"email": email}
                )
                return redirect("network:representatives", association.slug)
    if step_down_form.is_bound and step_down_form.is_valid():
        try:
            last = services.step_down(association=association, user=request.user)
        except DirectoryError:
            raise Http404 from None  # stepped down meanwhile (another tab)
        if last:
            messages.success(
                request,
                _(
                    "You no longer represent %(name)s. Nobody represents it now: the office "
                    "looks after the entry."
                )
                % {"name": association.name},
            )
        else:
            messages.success(
                request, _("You no longer represent %(name)s.") % {"name": association.name}
            )
        return redirect("account_overview")
    return render(
        request,
        "network/representatives.html",
        {
            "association": association,
            "representatives": association.representatives.select_related("user").order_by(
                "created_at", "pk"
            ),
            "invitations": association.invitations.filter(
                accepted_at__isnull=True, expires_at__gt=timezone.now()
            ).order_by("created_at", "pk"),
            "invite_form": invite_form,
            "step_down_form": step_down_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    # Unknown, used and expired links look the same: nothing tells which links exist.
    found = services.find_invitation(token)
    if found is None:
        return render(request, "network/invitation.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            association = services.accept_invitation(token=token, user=request.user)
        except DirectoryError:
            return render(request, "network/invitation.html", {"invalid": True}, status=404)
        messages.success(
            request, _("Welcome! You now represent %(name)s.") % {"name": association.name}
        )
        return redirect("network:edit", association.slug)
    return render(
        request,
        "network/invitation.html",
        {
            "invitation": found,
            "other_address": found.email.lower() != request.user.email.lower(),
            "already": services.is_representative(user=request.user, association=found.association),
        },
    )


# --- Still current ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def confirm_current(request, token):
    """The signed link from the yearly mail. GET only shows a button: mail scanners that open
    links must not confirm anything; the POST confirms (no login needed)."""
    association = services.association_for_confirmation(token)
    if association is None:
        return render(request, "network/confirm_current.html", {"invalid": True}, status=404)
    if request.method == "POST":
        association = services.confirm_current(
            association=association,
            user=request.user if request.user.is_authenticated else None,
        )
        return render(
            request, "network/confirm_current.html", {"association": association, "done": True}
        )
    return render(request, "network/confirm_current.html", {"association": association})
