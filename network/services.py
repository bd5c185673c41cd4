"""The directory's rules: proposing, claiming, editing, reviewing, keeping entries current.

Each function is one transaction. Rows whose state a rule depends on are locked first
(select_for_update) and re-checked; database constraints back every invariant. Mails are
queued in the same transaction (network.emails → the outbox).
"""

import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import emails
from .exceptions import DirectoryError
from .models import (
    Association,
    AssociationChange,
    Category,
    ChangeRequest,
    Claim,
    Interest,
    Invitation,
    Municipality,
    Opportunity,
    Representative,
)

Source = AssociationChange.Source

# Shown and saved at once; anything else a representative may change waits for the office.
DESCRIPTIVE_FIELDS = (
    "description",
    "street",
    "postal_code",
    "meeting_place",
    "meeting_times",
    "contact_name",
    "email",
    "phone",
    "website",
    "seeks_volunteers",
    "latitude",
    "longitude",
)
REVIEWED_FIELDS = ("name", "categories", "municipality")

CLAIM_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from a mail
CLAIM_CODE_LENGTH = 8
CLAIM_CODE_MAX_ATTEMPTS = 5
CLAIM_CODE_VALID = timedelta(days=7)
INVITATION_VALID = timedelta(days=14)
FRESHNESS_SALT = "network.freshness"


@dataclass(frozen=True)
class EntryData:
    """What a person may set on an entry (never status, verification or representatives)."""

    name: str
    description: str
    municipality: Municipality
    categories: list[Category]
    street: str = ""
    postal_code: str = ""
    meeting_place: str = ""
    meeting_times: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    seeks_volunteers: bool = False
    latitude: float | None = None
    longitude: float | None = None


# --- Search vectors ---------------------------------------------------------------------------


def refresh_search_vector(*, association_ids: list[int]) -> None:
    """Name (weight A) above description (B), municipality and categories (C); German.

    One UPDATE for any number of entries (an import, the demo data, the search benchmark),
    not one per entry."""
    if connection.vendor != "postgresql" or not association_ids:
        return
    municipality = Municipality.objects.filter(pk=OuterRef("municipality_id")).values("name")
    categories = (
        Category.objects.filter(associations=OuterRef("pk"))
        .order_by()
        .values("associations")
        .annotate(names=StringAgg("name", " ", order_by=("order", "name")))
        .values("names")
    )
    text = TextField()
    context = Concat(
        Subquery(municipality, output_field=text),
        Value(" ", output_field=text),
        Coalesce(Subquery(categories), Value("", output_field=text)),
        output_field=text,
    )
    Association.objects.filter(pk__in=association_ids).update(
        search_vector=SearchVector("name", weight="A", config="german")
        + SearchVector("description", weight="B", config="german")
        + SearchVector(context, weight="C", config="german")
    )


def refresh_opportunity_search_vector(*, opportunity: Opportunity) -> None:
    if connection.vendor != "postgresql":
        return
    Opportunity.objects.filter(pk=opportunity.pk).update(
        search_vector=SearchVector(Value(opportunity.title), weight="A", config="german")
        + SearchVector(Value(opportunity.description), weight="B", config="german")
        + SearchVector(Value(opportunity.association.name), weight="C", config="german")
    )


# --- History ----------------------------------------------------------------------------------


def shown_value(value) -> str:
    """A value as the history shows it (a set of names sorted, None empty)."""
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(v) for v in value))
    if value is None:
        return ""
    return str(value)


def _record(association, user, source: str, changes: dict[str, tuple]) -> None:
    """One history row per changed field: who, when, old → new."""
    now = timezone.now()
    AssociationChange.objects.bulk_create(
        AssociationChange(
            association=association,
            changed_by=user,
            source=source,
            changed_at=now,
            field=field,
            old_value=shown_value(old),
            new_value=shown_value(new),
        )
        for field, (old, new) in changes.items()
    )


def _apply(association: Association, values: dict, categories=None) -> dict[str, tuple]:
    """Set the values that differ; returns {field: (old, new)} (categories by name)."""
    changed = {}
    for field, value in values.items():
        old = getattr(association, field)
        if old != value:
            changed[field] = (old, value)
            setattr(association, field, value)
    if changed:
        association.save(update_fields=[*changed, "updated_at"])
    if categories is not None:
        old_names = {c.name for c in association.categories.all()}
        new_names = {c.name for c in categories}
        if old_names != new_names:
            association.categories.set(categories)
            changed["categories"] = (old_names, new_names)
    return changed


@contextmanager
def _files_kept_only_on_success():
    """Files written inside the block are deleted again if it fails: a logo saved in a
    transaction that is rolled back would stay in storage with no row pointing to it."""
    written = []
    try:
        yield written
    except BaseException:
        for field_file in written:
            field_file.storage.delete(field_file.name)
        raise


def _locked(queryset, pk):
    """The row, locked until commit. Whoever comes second waits here, then re-checks the
    state the first one left (the decisions below rely on this; the race tests switch it off)."""
    return queryset.select_for_update(of=("self",)).get(pk=pk)


# --- Proposing and publishing -----------------------------------------------------------------


def unique_slug(name: str, municipality: Municipality) -> str:
    base = slugify(f"{name} {municipality.name}")[:200] or "verein"
    slug, number = base, 2
    while Association.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def propose_association(*, user, data: EntryData, logo=None) -> Association:
    """A logged-in person proposes a new entry; it stays unpublished until staff approve.
    `logo` is an already checked and re-encoded image (network.logos.process_logo)."""
    with _files_kept_only_on_success() as written, transaction.atomic():
        association = Association(
            **_entry_values(data),
            name=data.name,
            municipality=data.municipality,
            slug=unique_slug(data.name, data.municipality),
            status=Association.Status.PROPOSED,
            created_by=user,
        )
        if logo is not None:
            association.logo.save("logo.webp", logo, save=False)
            written.append(association.logo)
        association.save()
        association.categories.set(data.categories)
        _record(association, user, Source.REPRESENTATIVE, {"proposed": ("", data.name)})
        refresh_search_vector(association_ids=[association.pk])
        emails.proposal_received(association)
    return association


def approve_proposal(*, association: Association, staff) -> Association:
    """Publish a proposed entry; the proposer becomes its representative."""
    with transaction.atomic():
        association = _locked(Association.objects.all(), association.pk)
        if association.status != Association.Status.PROPOSED:
            raise DirectoryError(_("This proposal has already been decided."))
        association.status = Association.Status.PUBLISHED
        association.last_confirmed_at = timezone.now()
        association.save(update_fields=["status", "last_confirmed_at", "updated_at"])
        if association.created_by_id:
            Representative.objects.get_or_create(
                association=association, user_id=association.created_by_id
            )
        _record(association, staff, Source.STAFF, {"status": ("proposed", "published")})
        emails.proposal_decided(association, approved=True)
    return association


def reject_proposal(*, association: Association, staff, reason: str) -> Association:
    """Refuse a proposal; the proposer hears why, and the reason stays in the history."""
    with transaction.atomic():
        association = _locked(Association.objects.all(), association.pk)
        if association.status != Association.Status.PROPOSED:
            raise DirectoryError(_("This proposal has already been decided."))
        association.status = Association.Status.REJECTED
        association.save(update_fields=["status", "updated_at"])
        _record(
            association,
            staff,
            Source.STAFF,
            {"status": ("proposed", "rejected"), "reason": ("", reason)},
        )
        emails.proposal_decided(association, approved=False, reason=reason)
    return association


def hide(*, association: Association, staff) -> bool:
    """Take a published entry off the public list; False if it was not published."""
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        if association.status != Association.Status.PUBLISHED:
            return False
        association.status = Association.Status.HIDDEN
        association.hidden_reason = Association.HiddenReason.STAFF
        association.save(update_fields=["status", "hidden_reason", "updated_at"])
        _record(association, staff, Source.STAFF, {"status": ("published", "hidden")})
    return True


def unhide(*, association: Association, staff) -> bool:
    """Publish a hidden entry again (the office vouches for it: it counts as confirmed).
    An entry merged into another stays hidden; False if nothing changed."""
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        if (
            association.status != Association.Status.HIDDEN
            or association.hidden_reason == Association.HiddenReason.MERGED
        ):
            return False
        association.status = Association.Status.PUBLISHED
        association.hidden_reason = ""
        association.last_confirmed_at = timezone.now()
        # Without this, an entry hidden as stale would be hidden again by the next run.
        association.confirmation_requested_at = None
        association.save(
            update_fields=[
                "status",
                "hidden_reason",
                "last_confirmed_at",
                "confirmation_requested_at",
                "updated_at",
            ]
        )
        _record(association, staff, Source.STAFF, {"status": ("hidden", "published")})
    return True


# --- Representing an entry --------------------------------------------------------------------


def is_representative(*, user, association: Association) -> bool:
    return (
        user.is_authenticated
        and Representative.objects.filter(association=association, user=user).exists()
    )


def claim_association(*, user, association: Association, message: str = "") -> Claim:
    """Ask to represent an entry. The office decides; if the entry publishes an e-mail
    address, a one-time code goes there and confirms the claim at once."""
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        if association.status != Association.Status.PUBLISHED:
            raise DirectoryError(_("This entry cannot be claimed."))
        if Representative.objects.filter(association=association, user=user).exists():
            raise DirectoryError(_("You already represent this association."))
        try:
            with transaction.atomic():
                claim = Claim.objects.create(association=association, user=user, message=message)
        except IntegrityError:
            raise DirectoryError(
                _("You have already asked to represent this association; please wait.")
            ) from None
        emails.claim_to_office(claim)
        if association.email:
            _send_claim_code(claim)
    return claim


def _claim_code_hash(claim: Claim, code: str) -> str:
    return salted_hmac("network.claim-code", f"{claim.pk}:{code.upper()}").hexdigest()


def _send_claim_code(claim: Claim) -> None:
    code = "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _ in range(CLAIM_CODE_LENGTH))
    claim.code_hash = _claim_code_hash(claim, code)
    claim.code_sent_at = timezone.now()
    claim.code_attempts = 0
    claim.save(update_fields=["code_hash", "code_sent_at", "code_attempts"])
    emails.claim_code(claim, code)


def claim_code_usable(claim: Claim) -> bool:
    """A code was sent for this open request and may still be entered."""
    return (
        claim.status == Claim.Status.PENDING
        and bool(claim.code_hash)
        and claim.code_attempts < CLAIM_CODE_MAX_ATTEMPTS
        and timezone.now() - claim.code_sent_at <= CLAIM_CODE_VALID
    )


def confirm_claim_with_code(*, claim: Claim, user, code: str) -> Claim:
    """The code from the association's mailbox proves the claimant may speak for it."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("association").get(pk=claim.pk)
        if claim.user_id != user.pk or claim.status != Claim.Status.PENDING or not claim.code_hash:
            raise DirectoryError(_("This request cannot be confirmed with a code."))
        if (
            claim.code_attempts >= CLAIM_CODE_MAX_ATTEMPTS
            or timezone.now() - claim.code_sent_at > CLAIM_CODE_VALID
        ):
            raise DirectoryError(
                _("The code is no longer valid. The office will look at your request.")
            )
        correct = constant_time_compare(_claim_code_hash(claim, code.strip()), claim.code_hash)
        if correct:
            return _confirm(claim, decided_by=None)
        claim.code_attempts += 1  # counted (and committed) before the person hears "wrong"
        claim.save(update_fields=["code_attempts"])
    left = CLAIM_CODE_MAX_ATTEMPTS - claim.code_attempts
    raise DirectoryError(
        _("The code is not correct. You can try %(left)d more times.") % {"left": left}
        if left
        else _("The code is not correct. The office will look at your request.")
    )


def _confirm(claim: Claim, *, decided_by) -> Claim:
    claim.status = Claim.Status.CONFIRMED
    claim.decided_by = decided_by
    claim.decided_at = timezone.now()
    claim.code_hash = ""
    claim.save(update_fields=["status", "decided_by", "decided_at", "code_hash"])
    Representative.objects.get_or_create(association=claim.association, user=claim.user)
    _record(
        claim.association,
        decided_by or claim.user,
        Source.STAFF if decided_by else Source.REPRESENTATIVE,
        {"representative": ("", claim.user.get_full_name() or claim.user.email)},
    )
    emails.claim_decided(claim)
    return claim


def approve_claim(*, claim: Claim, staff) -> Claim:
    """Staff confirm a request to represent: the person becomes a representative."""
    with transaction.atomic():
        claim = _locked(Claim.objects.select_related("association", "user"), claim.pk)
        if claim.status != Claim.Status.PENDING:
            raise DirectoryError(_("This request has already been decided."))
        return _confirm(claim, decided_by=staff)


def reject_claim(*, claim: Claim, staff, reason: str) -> Claim:
    """Staff refuse a request to represent; the person hears why."""
    with transaction.atomic():
        claim = _locked(Claim.objects.select_related("association", "user"), claim.pk)
        if claim.status != Claim.Status.PENDING:
            raise DirectoryError(_("This request has already been decided."))
        _reject_claim(claim, staff=staff, reason=reason)
    return claim


def _reject_claim(claim: Claim, *, staff, reason: str) -> None:
    claim.status = Claim.Status.REJECTED
    claim.decided_by, claim.decided_at, claim.reason = staff, timezone.now(), reason
    claim.code_hash = ""
    claim.save(update_fields=["status", "decided_by", "decided_at", "reason", "code_hash"])
    emails.claim_decided(claim)


def invite_representative(*, association: Association, inviter, email: str) -> Invitation:
    """A representative invites a co-representative; the link in the mail is valid 14 days."""
    with transaction.atomic():
        _require_representative(association, inviter)
        if Representative.objects.filter(
            association=association, user__email__iexact=email
        ).exists():
            raise DirectoryError(_("This person already represents the association."))
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            association=association,
            email=email,
            token_hash=_token_hash(token),
            invited_by=inviter,
            expires_at=timezone.now() + INVITATION_VALID,
        )
        emails.invitation(invitation, token)
    return invitation


def _token_hash(token: str) -> str:
    return salted_hmac("network.invitation", token).hexdigest()


def find_invitation(token: str) -> Invitation | None:
    """The open, unexpired invitation the link belongs to, or None."""
    return (
        Invitation.objects.select_related("association")
        .filter(
            token_hash=_token_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .first()
    )


def accept_invitation(*, token: str, user) -> Association:
    """The logged-in person holding the link becomes a representative; the link is used up."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token_hash=_token_hash(token))
            .select_related("association")
            .first()
        )
        if (
            invitation is None
            or invitation.accepted_at is not None
            or invitation.expires_at <= timezone.now()
        ):
            raise DirectoryError(_("This invitation is no longer valid."))
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        association = invitation.association
        _representative, created = Representative.objects.get_or_create(
            association=association, user=user
        )
        if created:
            _record(
                association,
                user,
                Source.REPRESENTATIVE,
                {"representative": ("", user.get_full_name() or user.email)},
            )
    return association


def step_down(*, association: Association, user) -> bool:
    """A representative leaves; the last one leaving leaves the entry with the office.
    Returns True if nobody represents the entry any more."""
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        deleted, _per_model = Representative.objects.filter(
            association=association, user=user
        ).delete()
        if not deleted:
            raise DirectoryError(_("You do not represent this association."))
        _record(
            association,
            user,
            Source.REPRESENTATIVE,
            {"representative": (user.get_full_name() or user.email, "")},
        )
        if Representative.objects.filter(association=association).exists():
            return False
        emails.last_representative_left(association)
    return True


def _require_representative(association: Association, user) -> None:
    if not Representative.objects.filter(association=association, user=user).exists():
        raise DirectoryError(_("You do not represent this association."))


# --- Editing ----------------------------------------------------------------------------------


def _entry_values(data: EntryData) -> dict:
    return {field: getattr(data, field) for field in DESCRIPTIVE_FIELDS}


def update_entry(*, association: Association, user, data: EntryData, logo=None) -> dict:
    """A representative's edit: descriptive fields are live at once; name, categories,
    municipality and logo wait for the office as one change request.

    Returns {"applied": [fields], "pending": ChangeRequest or None}.
    """
    with _files_kept_only_on_success() as written, transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        _require_representative(association, user)
        applied = _apply(association, _entry_values(data))
        if applied:
            _record(association, user, Source.REPRESENTATIVE, applied)
        proposed = {}
        if data.name != association.name:
            proposed["name"] = data.name
        if data.municipality.pk != association.municipality_id:
            proposed["municipality"] = data.municipality.pk
        category_ids = sorted(c.pk for c in data.categories)
        if category_ids != sorted(association.categories.values_list("pk", flat=True)):
            proposed["categories"] = category_ids
        pending = None
        if proposed or logo is not None:
            pending = ChangeRequest(association=association, requested_by=user, changes=proposed)
            if logo is not None:
                pending.logo.save("logo.webp", logo, save=False)
                written.append(pending.logo)
            pending.save()
            emails.change_request_to_office(pending)
        refresh_search_vector(association_ids=[association.pk])
    return {"applied": list(applied), "pending": pending}


def approve_change_request(*, change_request: ChangeRequest, staff) -> ChangeRequest:
    """Apply the waiting changes to the live entry (recorded as the requester's, approved)."""
    with transaction.atomic():
        change_request = _locked(
            ChangeRequest.objects.select_related("association", "requested_by"),
            change_request.pk,
        )
        if change_request.status != ChangeRequest.Status.PENDING:
            raise DirectoryError(_("This change request has already been decided."))
        association = Association.objects.select_for_update().get(pk=change_request.association_id)
        changes = change_request.changes
        values = {}
        if "name" in changes:
            values["name"] = changes["name"]
        if "municipality" in changes:
            values["municipality"] = Municipality.objects.filter(pk=changes["municipality"]).first()
            if values["municipality"] is None:
                raise DirectoryError(
                    _("The proposed municipality no longer exists; please reject the request.")
                )
        categories = None
        if "categories" in changes:
            categories = list(Category.objects.filter(pk__in=changes["categories"]))
        applied = _apply(association, values, categories)
        if change_request.logo:
            old_logo = association.logo.name
            association.logo.name = change_request.logo.name
            association.save(update_fields=["logo", "updated_at"])
            applied["logo"] = (old_logo, association.logo.name)
        if applied:
            _record(association, staff, Source.STAFF, applied)
        change_request.status = ChangeRequest.Status.APPROVED
        change_request.decided_by, change_request.decided_at = staff, timezone.now()
        change_request.save(update_fields=["status", "decided_by", "decided_at"])
        refresh_search_vector(association_ids=[association.pk])
        emails.change_request_decided(change_request)
    return change_request


def reject_change_request(*, change_request: ChangeRequest, staff, reason: str) -> ChangeRequest:
    """Staff refuse a change request; the live entry stays as it is, the requester hears why."""
    with transaction.atomic():
        change_request = _locked(
            ChangeRequest.objects.select_related("association", "requested_by"),
            change_request.pk,
        )
        if change_request.status != ChangeRequest.Status.PENDING:
            raise DirectoryError(_("This change request has already been decided."))
        _reject_change_request(change_request, staff=staff, reason=reason)
    return change_request


def _reject_change_request(change_request: ChangeRequest, *, staff, reason: str) -> None:
    change_request.status = ChangeRequest.Status.REJECTED
    change_request.decided_by = staff
    change_request.decided_at = timezone.now()
    change_request.reason = reason
    change_request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    emails.change_request_decided(change_request)


MERGEABLE = (Association.Status.PUBLISHED, Association.Status.HIDDEN)


def merge_associations(*, survivor: Association, duplicate: Association, staff) -> Association:
    """Two entries for one association: representatives, opportunities, open invitations and
    history move to the survivor; the duplicate is hidden as merged. Its open claims and change
    requests are refused with a mail (they were about an entry that no longer shows)."""
    if survivor.pk == duplicate.pk:
        raise DirectoryError(_("Choose two different entries to merge."))
    with transaction.atomic():
        # Locked in primary-key order, so two merges of the same pair cannot deadlock.
        locked = {
            a.pk: a
            for a in Association.objects.select_for_update()
            .filter(pk__in=[survivor.pk, duplicate.pk])
            .order_by("pk")
        }
        survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
        for entry in (survivor, duplicate):
            if entry.hidden_reason == Association.HiddenReason.MERGED:
                raise DirectoryError(
                    _("%(name)s has already been merged into another entry.") % {"name": entry}
                )
            if entry.status not in MERGEABLE:
                raise DirectoryError(
                    _("%(name)s is a proposal: approve or reject it instead of merging.")
                    % {"name": entry}
                )
        existing = set(survivor.representatives.values_list("user_id", flat=True))
        duplicate.representatives.exclude(user_id__in=existing).update(association=survivor)
        duplicate.representatives.all().delete()
        moved_opportunities = list(duplicate.opportunities.values_list("pk", flat=True))
        duplicate.opportunities.update(association=survivor)
        duplicate.invitations.filter(accepted_at__isnull=True).update(association=survivor)
        duplicate.history.update(association=survivor)
        reason = _("The entry was merged into %(name)s.") % {"name": survivor.name}
        for claim in duplicate.claims.filter(status=Claim.Status.PENDING).select_related(
            "association", "user"
        ):
            _reject_claim(claim, staff=staff, reason=reason)
        for change_request in duplicate.change_requests.filter(
            status=ChangeRequest.Status.PENDING
        ).select_related("association", "requested_by"):
            _reject_change_request(change_request, staff=staff, reason=reason)
        duplicate.status = Association.Status.HIDDEN
        duplicate.hidden_reason = Association.HiddenReason.MERGED
        duplicate.save(update_fields=["status", "hidden_reason", "updated_at"])
        _record(
            survivor, staff, Source.MERGE, {"merged": ("", f"{duplicate.name} ({duplicate.pk})")}
        )
        _record(
            duplicate,
            staff,
            Source.MERGE,
            {"merged_into": ("", f"{survivor.name} ({survivor.pk})")},
        )
        for opportunity in Opportunity.objects.filter(pk__in=moved_opportunities).select_related(
            "association"
        ):
            refresh_opportunity_search_vector(opportunity=opportunity)
    return survivor


# --- Staff edits ------------------------------------------------------------------------------


def record_staff_edit(
    *,
    association: Association,
    staff,
    changes: list[tuple[str, object, object]],
    created: bool = False,
) -> None:
    """An edit in admin (already saved) joins the history as the office's, one row per
    (field, old, new), and the entry is found by what it now says."""
    with transaction.atomic():
        if created:
            changes = [("created", "", association.name), *changes]
        now = timezone.now()
        AssociationChange.objects.bulk_create(
            AssociationChange(
                association=association,
                changed_by=staff,
                source=Source.STAFF,
                changed_at=now,
                field=field,
                old_value=shown_value(old),
                new_value=shown_value(new),
            )
            for field, old, new in changes
        )
        refresh_search_vector(association_ids=[association.pk])


# --- Keeping entries current ------------------------------------------------------------------


def confirmation_token(association: Association) -> str:
    """A signed, single-purpose link value; it dies with the next confirmation."""
    stamp = association.last_confirmed_at.isoformat() if association.last_confirmed_at else ""
    return signing.dumps({"a": association.pk, "c": stamp}, salt=FRESHNESS_SALT, compress=True)


def association_for_confirmation(token: str) -> Association | None:
    try:
        data = signing.loads(
            token, salt=FRESHNESS_SALT, max_age=settings.NETWORK_CONFIRMATION_LINK_DAYS * 86400
        )
    except signing.BadSignature:
        return None
    association = Association.objects.filter(pk=data.get("a")).first()
    if association is None:
        return None
    stamp = association.last_confirmed_at.isoformat() if association.last_confirmed_at else ""
    return association if stamp == data.get("c") else None


def confirm_current(
    *, association: Association, user=None, source: str = Source.REPRESENTATIVE
) -> Association:
    """The entry is still current: a representative (or the signed link, or the office with
    source=STAFF) says so. An entry hidden for want of this confirmation is shown again."""
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        now = timezone.now()
        values = {"last_confirmed_at": now, "confirmation_requested_at": None}
        changes = {"confirmed": ("", now.date())}
        if (
            association.status == Association.Status.HIDDEN
            and association.hidden_reason == Association.HiddenReason.STALE
        ):
            values |= {"status": Association.Status.PUBLISHED, "hidden_reason": ""}
            changes["status"] = ("hidden", "published")
        for field, value in values.items():
            setattr(association, field, value)
        association.save(update_fields=[*values, "updated_at"])
        _record(association, user, source, changes)
    return association


def request_confirmations() -> int:
    """Yearly: representatives of entries not confirmed for a while are asked (once)."""
    due_before = timezone.now() - timedelta(days=settings.NETWORK_CONFIRMATION_INTERVAL_DAYS)
    asked = 0
    # An entry never confirmed (imported, made by the office) counts from its creation.
    candidates = (
        Association.objects.filter(
            status=Association.Status.PUBLISHED, confirmation_requested_at__isnull=True
        )
        .filter(
            Q(last_confirmed_at__lt=due_before)
            | Q(last_confirmed_at__isnull=True, created_at__lt=due_before)
        )
        .values_list("pk", flat=True)
    )
    for pk in candidates.iterator():
        with transaction.atomic():
            association = (
                Association.objects.select_for_update()
                .filter(pk=pk, confirmation_requested_at__isnull=True)
                .first()
            )
            if association is None:
                continue  # another run took it
            association.confirmation_requested_at = timezone.now()
            association.save(update_fields=["confirmation_requested_at"])
            token = confirmation_token(association)
            for representative in association.representatives.select_related("user"):
                emails.confirmation_request(association, representative.user, token)
            asked += 1
    return asked


def hide_stale_entries() -> list[Association]:
    """Entries asked and not confirmed within the grace period leave the public list.

    The office hears of them in one mail a day: each run sends the digest of every earlier
    day (up to a week back, should beat have been down) with entries hidden on it. A digest of
    today would miss what the runs later today hide; the outbox key sends each day's once."""
    grace = timedelta(days=settings.NETWORK_CONFIRMATION_GRACE_DAYS)
    with transaction.atomic():
        stale = list(
            Association.objects.select_for_update(skip_locked=True).filter(
                status=Association.Status.PUBLISHED,
                confirmation_requested_at__lt=timezone.now() - grace,
            )
        )
        for association in stale:
            association.status = Association.Status.HIDDEN
            association.hidden_reason = Association.HiddenReason.STALE
            association.save(update_fields=["status", "hidden_reason", "updated_at"])
            _record(association, None, Source.SYSTEM, {"status": ("published", "hidden")})
        _send_stale_digests()
    return stale


STALE_DIGEST_DAYS = 7


def _send_stale_digests() -> None:
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    hidden = (
        AssociationChange.objects.filter(
            source=Source.SYSTEM,
            field="status",
            new_value="hidden",
            changed_at__gte=datetime.combine(
                today - timedelta(days=STALE_DIGEST_DAYS), time.min, tzinfo=zone
            ),
            changed_at__lt=datetime.combine(today, time.min, tzinfo=zone),
        )
        .select_related("association")
        .order_by("changed_at", "pk")
    )
    by_day: dict = {}
    for change in hidden:
        day = timezone.localdate(change.changed_at)
        by_day.setdefault(day, {})[change.association_id] = change.association
    for day, associations in sorted(by_day.items()):
        emails.stale_entries_hidden(list(associations.values()), day)


# --- Opportunities ----------------------------------------------------------------------------


def save_opportunity(*, association: Association, user, opportunity: Opportunity) -> Opportunity:
    """Create or change an opportunity of an association the person represents."""
    with transaction.atomic():
        _require_representative(association, user)
        opportunity.association = association
        if opportunity.pk is None:
            opportunity.created_by = user
        opportunity.save()
        refresh_opportunity_search_vector(opportunity=opportunity)
    return opportunity


def end_opportunity(*, opportunity: Opportunity, user) -> None:
    """Take an opportunity off the list (it ends today)."""
    with transaction.atomic():
        _require_representative(opportunity.association, user)
        today = timezone.localdate()
        opportunity.ends_on = today
        if opportunity.starts_on and opportunity.starts_on > today:
            opportunity.starts_on = today
        opportunity.save(update_fields=["ends_on", "starts_on", "updated_at"])


def express_interest(*, opportunity: Opportunity, user, message: str) -> Interest:
    """The volunteer shares their name, address and message with the representatives."""
    with transaction.atomic():
        opportunity = Opportunity.objects.select_related("association").get(pk=opportunity.pk)
        if not is_open(opportunity):
            raise DirectoryError(_("This opportunity is no longer open."))
        representatives = [
            r.user for r in opportunity.association.representatives.select_related("user")
        ]
        if not representatives:
            raise DirectoryError(
                _("Nobody can answer for this association right now. Please contact the office.")
            )
        interest = Interest.objects.create(opportunity=opportunity, user=user, message=message)
        emails.interest(interest, representatives)
    return interest


def is_open(opportunity: Opportunity) -> bool:
    today = timezone.localdate()
    return opportunity.association.status == Association.Status.PUBLISHED and (
        opportunity.ends_on is None or opportunity.ends_on >= today
    )
