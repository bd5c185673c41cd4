"""The directory's rules (network/services.py), each against PostgreSQL: proposing, claiming,
representing, editing, reviewing, merging, opportunities and interest, search vectors."""

import re
from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchVector
from django.core.files.base import ContentFile
from django.db.models import Value
from django.utils import timezone

from mailings.models import Email
from network import services
from network.exceptions import DirectoryError
from network.models import (
    Association,
    ChangeRequest,
    Claim,
    Invitation,
    Opportunity,
    Representative,
)
from network.selectors import Filters, search_associations
from portal.models import SiteConfiguration
from tests.factories import UserFactory
from tests.network.factories import (
    AssociationFactory,
    MunicipalityFactory,
    OpportunityFactory,
    RepresentativeFactory,
    category,
)


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office(db):
    return SiteConfiguration.load().email


def _keys(prefix: str) -> list[str]:
    return sorted(Email.objects.filter(key__startswith=prefix).values_list("key", flat=True))


def _data(association=None, **values) -> services.EntryData:
    base = {
        "name": association.name if association else "Gemischter Chor Hohn",
        "description": association.description if association else "Wir singen.",
        "municipality": association.municipality if association else MunicipalityFactory(),
        "categories": list(association.categories.all()) if association else [],
    }
    return services.EntryData(**(base | values))


def _history(association) -> list[tuple]:
    return list(
        association.history.order_by("id").values_list("field", "old_value", "new_value", "source")
    )


# --- Proposals --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_proposal_waits_unpublished_and_both_sides_get_a_mail(user, office):
    proposal = services.propose_association(
        user=user, data=_data(categories=[category("kultur-musik")])
    )
    assert proposal.status == Association.Status.PROPOSED
    assert proposal.created_by == user
    assert not Representative.objects.filter(association=proposal).exists()
    assert _history(proposal) == [("proposed", "", "Gemischter Chor Hohn", "representative")]
    assert _keys(f"network:proposal:{proposal.pk}") == [
        f"network:proposal:{proposal.pk}:ack",
        f"network:proposal:{proposal.pk}:office",
    ]
    assert Email.objects.get(key=f"network:proposal:{proposal.pk}:office").to == office
    assert not search_associations(Filters(q="Chor")).exists()  # not public


@pytest.mark.django_db
def test_approving_a_proposal_publishes_it_and_makes_the_proposer_representative(user, staff):
    proposal = services.propose_association(user=user, data=_data())
    services.approve_proposal(association=proposal, staff=staff)
    proposal.refresh_from_db()
    assert proposal.status == Association.Status.PUBLISHED
    assert proposal.last_confirmed_at is not None
    assert Representative.objects.filter(association=proposal, user=user).exists()
    assert _history(proposal)[-1] == ("status", "proposed", "published", "staff")
    assert _keys(f"network:proposal:{proposal.pk}:proposal_approved") == [
        f"network:proposal:{proposal.pk}:proposal_approved"
    ]


@pytest.mark.django_db
def test_rejecting_a_proposal_keeps_the_reason_and_mails_it(user, staff):
    proposal = services.propose_association(user=user, data=_data())
    services.reject_proposal(association=proposal, staff=staff, reason="Gibt es schon.")
    proposal.refresh_from_db()
    assert proposal.status == Association.Status.REJECTED
    assert _history(proposal)[-2:] == [
        ("status", "proposed", "rejected", "staff"),
        ("reason", "", "Gibt es schon.", "staff"),
    ]
    mail = Email.objects.get(key=f"network:proposal:{proposal.pk}:proposal_rejected")
    assert "Gibt es schon." in mail.body_text


@pytest.mark.django_db
@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_proposal_is_decided_once(user, staff, first):
    proposal = services.propose_association(user=user, data=_data())
    decide = {
        "approve": lambda: services.approve_proposal(association=proposal, staff=staff),
        "reject": lambda: services.reject_proposal(association=proposal, staff=staff, reason="x"),
    }
    decide[first]()
    for second in decide.values():
        with pytest.raises(DirectoryError, match=r"already been decided|bereits entschieden"):
            second()


@pytest.mark.django_db
def test_a_proposal_whose_proposer_left_is_approved_without_a_mail(user, staff):
    proposal = services.propose_association(user=user, data=_data())
    user.delete()
    proposal.refresh_from_db()
    services.approve_proposal(association=proposal, staff=staff)
    assert not Representative.objects.filter(association=proposal).exists()
    assert not _keys(f"network:proposal:{proposal.pk}:proposal_approved")


# --- Hiding -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hide_and_unhide_change_only_what_they_may(staff):
    entry = AssociationFactory()
    assert services.hide(association=entry, staff=staff) is True
    assert services.hide(association=entry, staff=staff) is False  # hidden already
    entry.refresh_from_db()
    assert (entry.status, entry.hidden_reason) == ("hidden", "staff")
    assert not search_associations(Filters()).filter(pk=entry.pk).exists()
    assert services.unhide(association=entry, staff=staff) is True
    assert services.unhide(association=entry, staff=staff) is False
    entry.refresh_from_db()
    assert (entry.status, entry.hidden_reason) == ("published", "")
    assert [row[:3] for row in _history(entry)] == [
        ("status", "published", "hidden"),
        ("status", "hidden", "published"),
    ]


@pytest.mark.django_db
def test_a_proposal_is_not_hidden_and_a_merged_entry_is_not_shown_again(user, staff):
    proposal = services.propose_association(user=user, data=_data())
    assert services.hide(association=proposal, staff=staff) is False
    merged = AssociationFactory(status="hidden", hidden_reason="merged")
    assert services.unhide(association=merged, staff=staff) is False
    merged.refresh_from_db()
    assert merged.status == "hidden"


@pytest.mark.django_db
def test_showing_a_stale_entry_again_ends_the_open_confirmation_request(staff, settings):
    asked = timezone.now() - timedelta(days=settings.NETWORK_CONFIRMATION_GRACE_DAYS + 1)
    entry = AssociationFactory(
        status="hidden", hidden_reason="stale", confirmation_requested_at=asked
    )
    services.unhide(association=entry, staff=staff)
    services.hide_stale_entries()
    entry.refresh_from_db()
    assert (entry.status, entry.confirmation_requested_at) == ("published", None)


# --- Claims -----------------------------------------------------------------------------------


def _code_from_mail(claim) -> str:
    mail = Email.objects.get(key__startswith=f"network:claim:{claim.pk}:code:")
    return re.search(r"\b[A-Z2-9]{8}\b", mail.body_text).group(0)


@pytest.mark.django_db
def test_a_claim_tells_the_office_and_sends_a_code_to_the_entry_address(user, office):
    entry = AssociationFactory(email="vorstand@tsv.de")
    claim = services.claim_association(user=user, association=entry, message="Ich bin Vorsitz.")
    assert claim.status == Claim.Status.PENDING
    assert Email.objects.get(key=f"network:claim:{claim.pk}:office").to == office
    code_mail = Email.objects.get(key__startswith=f"network:claim:{claim.pk}:code:")
    assert (code_mail.to, code_mail.sensitive) == ("vorstand@tsv.de", True)
    assert claim.code_hash
    assert _code_from_mail(claim) not in claim.code_hash


@pytest.mark.django_db
def test_an_entry_without_address_gets_no_code_only_the_office_decides(user):
    claim = services.claim_association(user=user, association=AssociationFactory(email=""))
    assert not claim.code_hash
    assert not _keys(f"network:claim:{claim.pk}:code")
    with pytest.raises(DirectoryError):
        services.confirm_claim_with_code(claim=claim, user=user, code="ABCDEFGH")


@pytest.mark.django_db
def test_only_published_entries_are_claimed_and_never_twice_or_by_representatives(user):
    with pytest.raises(DirectoryError):
        services.claim_association(user=user, association=AssociationFactory(status="hidden"))
    entry = AssociationFactory()
    services.claim_association(user=user, association=entry)
    with pytest.raises(DirectoryError, match=r"already asked|bereits"):
        services.claim_association(user=user, association=entry)
    representative = RepresentativeFactory(association=entry).user
    with pytest.raises(DirectoryError):
        services.claim_association(user=representative, association=entry)
    assert Claim.objects.filter(association=entry).count() == 1


@pytest.mark.django_db
def test_the_right_code_in_any_case_makes_the_claimant_representative(user):
    entry = AssociationFactory(email="vorstand@tsv.de")
    claim = services.claim_association(user=user, association=entry)
    services.confirm_claim_with_code(
        claim=claim, user=user, code=f" {_code_from_mail(claim).lower()} "
    )
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by, claim.code_hash) == ("confirmed", None, "")
    assert Representative.objects.filter(association=entry, user=user).exists()
    assert _history(entry)[-1][0::3] == ("representative", "representative")
    assert _keys(f"network:claim:{claim.pk}:claim_confirmed")


@pytest.mark.django_db
def test_wrong_codes_are_counted_and_the_fifth_ends_the_code(user):
    claim = services.claim_association(user=user, association=AssociationFactory(email="a@b.de"))
    code = _code_from_mail(claim)
    for left in (4, 3, 2, 1):
        with pytest.raises(DirectoryError, match=str(left)):
            services.confirm_claim_with_code(claim=claim, user=user, code="XXXXXXXX")
    with pytest.raises(DirectoryError):
        services.confirm_claim_with_code(claim=claim, user=user, code="XXXXXXXX")
    claim.refresh_from_db()
    assert claim.code_attempts == 5
    with pytest.raises(DirectoryError):  # even the right code now: the office decides
        services.confirm_claim_with_code(claim=claim, user=user, code=code)
    assert claim.status == Claim.Status.PENDING


@pytest.mark.django_db
def test_an_old_code_and_someone_elses_code_do_not_confirm(user, other_user):
    claim = services.claim_association(user=user, association=AssociationFactory(email="a@b.de"))
    code = _code_from_mail(claim)
    with pytest.raises(DirectoryError):
        services.confirm_claim_with_code(claim=claim, user=other_user, code=code)
    Claim.objects.filter(pk=claim.pk).update(code_sent_at=timezone.now() - timedelta(days=8))
    with pytest.raises(DirectoryError):
        services.confirm_claim_with_code(claim=claim, user=user, code=code)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


@pytest.mark.django_db
def test_staff_approve_or_reject_a_claim_once_with_a_mail_either_way(user, other_user, staff):
    entry = AssociationFactory()
    approved = services.claim_association(user=user, association=entry)
    rejected = services.claim_association(user=other_user, association=entry)
    services.approve_claim(claim=approved, staff=staff)
    services.reject_claim(claim=rejected, staff=staff, reason="Nicht bekannt.")
    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert (approved.status, approved.decided_by) == ("confirmed", staff)
    assert (rejected.status, rejected.reason) == ("rejected", "Nicht bekannt.")
    assert list(
        Representative.objects.filter(association=entry).values_list("user", flat=True)
    ) == [user.pk]
    assert _keys(f"network:claim:{approved.pk}:claim_confirmed")
    assert (
        "Nicht bekannt."
        in Email.objects.get(key__endswith=f"{rejected.pk}:claim_rejected").body_text
    )
    for decide in (
        lambda: services.approve_claim(claim=rejected, staff=staff),
        lambda: services.reject_claim(claim=approved, staff=staff, reason="x"),
    ):
        with pytest.raises(DirectoryError):
            decide()


# --- Representatives and invitations ----------------------------------------------------------


@pytest.mark.django_db
def test_a_representative_invites_and_the_link_works_once_within_14_days(user, other_user):
    entry = AssociationFactory()
    RepresentativeFactory(association=entry, user=user)
    invitation = services.invite_representative(
        association=entry, inviter=user, email="neu@beispiel.de"
    )
    mail = Email.objects.get(key=f"network:invitation:{invitation.pk}")
    token = re.search(r"/vereine/einladung/([^/\s]+)/", mail.body_text).group(1)
    assert invitation.token_hash != token
    assert services.find_invitation(token) == invitation
    services.accept_invitation(token=token, user=other_user)
    assert Representative.objects.filter(association=entry, user=other_user).exists()
    assert services.find_invitation(token) is None
    with pytest.raises(DirectoryError):
        services.accept_invitation(token=token, user=UserFactory())
    assert _history(entry)[-1][0] == "representative"


@pytest.mark.django_db
def test_an_expired_invitation_and_an_invitation_by_a_stranger_do_nothing(user, other_user):
    entry = AssociationFactory()
    with pytest.raises(DirectoryError):
        services.invite_representative(association=entry, inviter=user, email="x@beispiel.de")
    RepresentativeFactory(association=entry, user=user)
    invitation = services.invite_representative(
        association=entry, inviter=user, email="x@beispiel.de"
    )
    token = re.search(
        r"/vereine/einladung/([^/\s]+)/",
        Email.objects.get(key=f"network:invitation:{invitation.pk}").body_text,
    ).group(1)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(DirectoryError):
        services.accept_invitation(token=token, user=other_user)
    assert not Representative.objects.filter(user=other_user).exists()


@pytest.mark.django_db
def test_the_last_representative_stepping_down_leaves_the_entry_with_the_office(user, other_user):
    entry = AssociationFactory()
    RepresentativeFactory(association=entry, user=user)
    RepresentativeFactory(association=entry, user=other_user)
    services.step_down(association=entry, user=user)
    assert not _keys(f"network:orphaned:{entry.pk}")
    services.step_down(association=entry, user=other_user)
    entry.refresh_from_db()
    assert entry.status == Association.Status.PUBLISHED  # not deleted, not hidden
    assert len(_keys(f"network:orphaned:{entry.pk}")) == 1
    with pytest.raises(DirectoryError):
        services.step_down(association=entry, user=user)


@pytest.mark.django_db
def test_is_representative_only_for_the_persons_own_entries(user):
    mine, other = AssociationFactory(), AssociationFactory()
    RepresentativeFactory(association=mine, user=user)
    assert services.is_representative(user=user, association=mine)
    assert not services.is_representative(user=user, association=other)


# --- Editing and change requests --------------------------------------------------------------


@pytest.fixture
def represented(user):
    entry = AssociationFactory(name="TSV Hohn", categories=[category("sport")])
    RepresentativeFactory(association=entry, user=user)
    return entry


@pytest.mark.django_db
def test_descriptive_fields_are_live_at_once_and_recorded(user, represented):
    result = services.update_entry(
        association=represented,
        user=user,
        data=_data(represented, description="Turnen und Tischtennis.", phone="04335 1"),
    )
    assert sorted(result["applied"]) == ["description", "phone"]
    assert result["pending"] is None
    represented.refresh_from_db()
    assert represented.description == "Turnen und Tischtennis."
    assert ("phone", "", "04335 1", "representative") in _history(represented)
    assert [a.pk for a in search_associations(Filters(q="Tischtennis"))] == [represented.pk]


@pytest.mark.django_db
def test_name_categories_municipality_and_logo_wait_as_one_change_request(user, represented):
    place = MunicipalityFactory(name="Elsdorf")
    result = services.update_entry(
        association=represented,
        user=user,
        data=_data(represented, name="TSV Elsdorf", municipality=place, categories=[]),
        logo=ContentFile(b"RIFF0000WEBP"),
    )
    change = result["pending"]
    assert change.changes == {"name": "TSV Elsdorf", "municipality": place.pk, "categories": []}
    assert change.logo
    represented.refresh_from_db()
    assert represented.name == "TSV Hohn"
    assert represented.municipality != place
    assert [c.slug for c in represented.categories.all()] == ["sport"]
    assert not represented.logo
    assert _keys(f"network:change:{change.pk}:office")


@pytest.mark.django_db
def test_only_a_representative_edits(other_user, represented):
    with pytest.raises(DirectoryError):
        services.update_entry(
            association=represented, user=other_user, data=_data(represented, description="x")
        )
    represented.refresh_from_db()
    assert represented.description == "Ein Verein im Kreis."


@pytest.mark.django_db
def test_approving_a_change_request_applies_it_records_it_and_mails(user, staff, represented):
    place = MunicipalityFactory(name="Elsdorf")
    change = services.update_entry(
        association=represented,
        user=user,
        data=_data(
            represented,
            name="TSV Elsdorf",
            municipality=place,
            categories=[category("kultur-musik")],
        ),
        logo=ContentFile(b"RIFF0000WEBP"),
    )["pending"]
    services.approve_change_request(change_request=change, staff=staff)
    represented.refresh_from_db()
    assert (represented.name, represented.municipality) == ("TSV Elsdorf", place)
    assert [c.slug for c in represented.categories.all()] == ["kultur-musik"]
    assert represented.logo.name == change.logo.name
    fields = [row[0] for row in _history(represented) if row[3] == "staff"]
    assert sorted(fields) == ["categories", "logo", "municipality", "name"]
    assert [a.pk for a in search_associations(Filters(q="Elsdorf"))] == [represented.pk]
    assert _keys(f"network:change:{change.pk}:change_approved")
    with pytest.raises(DirectoryError):
        services.approve_change_request(change_request=change, staff=staff)


@pytest.mark.django_db
def test_rejecting_a_change_request_leaves_the_entry_and_mails_the_reason(user, staff, represented):
    change = services.update_entry(
        association=represented, user=user, data=_data(represented, name="Anders")
    )["pending"]
    services.reject_change_request(change_request=change, staff=staff, reason="Name passt nicht.")
    represented.refresh_from_db()
    change.refresh_from_db()
    assert represented.name == "TSV Hohn"
    assert (change.status, change.decided_by) == ("rejected", staff)
    mail = Email.objects.get(key=f"network:change:{change.pk}:change_rejected")
    assert "Name passt nicht." in mail.body_text
    with pytest.raises(DirectoryError):
        services.reject_change_request(change_request=change, staff=staff, reason="x")


@pytest.mark.django_db
def test_a_change_to_a_municipality_deleted_meanwhile_is_a_clear_error(user, staff, represented):
    place = MunicipalityFactory(name="Weg")
    change = services.update_entry(
        association=represented, user=user, data=_data(represented, municipality=place)
    )["pending"]
    place.delete()
    with pytest.raises(DirectoryError, match=r"no longer exists|nicht mehr"):
        services.approve_change_request(change_request=change, staff=staff)
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.PENDING


@pytest.mark.django_db
def test_a_staff_edit_is_recorded_as_the_office_and_refreshes_the_search(staff):
    entry = AssociationFactory(name="Alt")
    Association.objects.filter(pk=entry.pk).update(name="Ringreiter")
    services.record_staff_edit(
        association=entry, staff=staff, changes=[("name", "Alt", "Ringreiter")], created=True
    )
    assert _history(entry) == [
        ("created", "", "Alt", "staff"),
        ("name", "Alt", "Ringreiter", "staff"),
    ]
    assert [a.pk for a in search_associations(Filters(q="Ringreiter"))] == [entry.pk]


# --- Merging ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_merge_moves_people_opportunities_invitations_history_and_refuses_open_requests(staff):
    survivor = AssociationFactory(name="TSV Hohn")
    duplicate = AssociationFactory(name="TSV Hohn e.V.")
    both, only_duplicate = UserFactory(), UserFactory()
    for entry in (survivor, duplicate):
        RepresentativeFactory(association=entry, user=both)
    RepresentativeFactory(association=duplicate, user=only_duplicate)
    opportunity = OpportunityFactory(association=duplicate, title="Trainer:in gesucht")
    invitation = services.invite_representative(
        association=duplicate, inviter=both, email="neu@beispiel.de"
    )
    claimant = UserFactory()
    claim = services.claim_association(user=claimant, association=duplicate)
    change = services.update_entry(
        association=duplicate, user=both, data=_data(duplicate, name="Neu")
    )["pending"]
    services.record_staff_edit(association=duplicate, staff=staff, changes=[("phone", "", "1")])
    services.merge_associations(survivor=survivor, duplicate=duplicate, staff=staff)

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.hidden_reason) == ("hidden", "merged")
    assert set(survivor.representatives.values_list("user", flat=True)) == {
        both.pk,
        only_duplicate.pk,
    }
    assert not duplicate.representatives.exists()
    assert Opportunity.objects.get(pk=opportunity.pk).association == survivor
    assert Invitation.objects.get(pk=invitation.pk).association == survivor
    assert survivor.history.filter(field="phone").exists()  # the duplicate's history moved
    assert survivor.history.filter(source="merge", field="merged").exists()
    claim.refresh_from_db()
    change.refresh_from_db()
    assert (claim.status, claim.decided_by) == ("rejected", staff)
    assert "TSV Hohn" in claim.reason
    assert (change.status, change.decided_by) == ("rejected", staff)
    assert _keys(f"network:claim:{claim.pk}:claim_rejected")
    assert _keys(f"network:change:{change.pk}:change_rejected")
    assert [a.pk for a in search_associations(Filters(q="TSV"))] == [survivor.pk]


@pytest.mark.django_db
def test_merge_refuses_one_entry_twice_a_merged_entry_and_a_proposal(user, staff):
    entry, other = AssociationFactory(), AssociationFactory()
    with pytest.raises(DirectoryError):
        services.merge_associations(survivor=entry, duplicate=entry, staff=staff)
    services.merge_associations(survivor=entry, duplicate=other, staff=staff)
    with pytest.raises(DirectoryError, match=r"already been merged|bereits"):
        services.merge_associations(survivor=entry, duplicate=other, staff=staff)
    with pytest.raises(DirectoryError, match=r"already been merged|bereits"):
        services.merge_associations(survivor=other, duplicate=AssociationFactory(), staff=staff)
    proposal = services.propose_association(user=user, data=_data())
    with pytest.raises(DirectoryError, match=r"proposal|Vorschlag"):
        services.merge_associations(survivor=entry, duplicate=proposal, staff=staff)


# --- Opportunities and interest ---------------------------------------------------------------


@pytest.mark.django_db
def test_only_representatives_post_and_end_opportunities(user, other_user, represented):
    opportunity = Opportunity(
        title="Kassenprüfer:in",
        description="Einmal im Jahr.",
        commitment=Opportunity.Commitment.ONE_OFF,
        municipality=represented.municipality,
        starts_on=timezone.localdate() + timedelta(days=10),
    )
    with pytest.raises(DirectoryError):
        services.save_opportunity(association=represented, user=other_user, opportunity=opportunity)
    services.save_opportunity(association=represented, user=user, opportunity=opportunity)
    assert (opportunity.association, opportunity.created_by) == (represented, user)
    assert services.is_open(opportunity)
    with pytest.raises(DirectoryError):
        services.end_opportunity(opportunity=opportunity, user=other_user)
    services.end_opportunity(opportunity=opportunity, user=user)
    opportunity.refresh_from_db()
    today = timezone.localdate()
    assert (opportunity.starts_on, opportunity.ends_on) == (today, today)
    assert services.is_open(opportunity)  # open until the end of today
    Opportunity.objects.filter(pk=opportunity.pk).update(
        starts_on=None, ends_on=today - timedelta(days=1)
    )
    opportunity.refresh_from_db()
    assert not services.is_open(opportunity)


@pytest.mark.django_db
def test_interest_goes_to_every_representative_with_a_copy_to_the_volunteer(user, represented):
    second = RepresentativeFactory(association=represented).user
    volunteer = UserFactory()
    opportunity = OpportunityFactory(association=represented)
    interest = services.express_interest(
        opportunity=opportunity, user=volunteer, message="Ich kann samstags."
    )
    keys = _keys(f"network:interest:{interest.pk}")
    assert keys == sorted(
        [
            f"network:interest:{interest.pk}:copy",
            f"network:interest:{interest.pk}:to:{user.pk}",
            f"network:interest:{interest.pk}:to:{second.pk}",
        ]
    )
    to_representative = Email.objects.get(key=f"network:interest:{interest.pk}:to:{user.pk}")
    assert to_representative.reply_to == volunteer.email
    assert "Ich kann samstags." in to_representative.body_text


@pytest.mark.django_db
def test_no_interest_in_a_closed_opportunity_or_one_nobody_answers(user, represented):
    ended = OpportunityFactory(
        association=represented, ends_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(DirectoryError):
        services.express_interest(opportunity=ended, user=UserFactory(), message="x")
    unanswered = OpportunityFactory(association=AssociationFactory())
    with pytest.raises(DirectoryError):
        services.express_interest(opportunity=unanswered, user=UserFactory(), message="x")
    hidden = OpportunityFactory(association=AssociationFactory(status="hidden"))
    assert not services.is_open(hidden)


# --- Search vectors ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_bulk_search_vector_equals_the_one_built_entry_by_entry():
    entries = [
        AssociationFactory(
            name="Jugendfeuerwehr Hohn",
            description="Übungen montags.",
            categories=[category("feuerwehr"), category("kinder-jugend")],
        ),
        AssociationFactory(name="Chor", description="Singen."),
    ]
    services.refresh_search_vector(association_ids=[e.pk for e in entries])
    for entry in entries:
        context = " ".join([entry.municipality.name, *(c.name for c in entry.categories.all())])
        expected = (
            Association.objects.filter(pk=entry.pk)
            .annotate(
                expected=SearchVector(Value(entry.name), weight="A", config="german")
                + SearchVector(Value(entry.description), weight="B", config="german")
                + SearchVector(Value(context), weight="C", config="german")
            )
            .values_list("expected", "search_vector")
            .get()
        )
        assert expected[0] == expected[1]


@pytest.mark.django_db
def test_the_search_vector_of_any_number_of_entries_is_one_query(django_assert_num_queries):
    entries = AssociationFactory.create_batch(30)
    with django_assert_num_queries(1):
        services.refresh_search_vector(association_ids=[e.pk for e in entries])
    with django_assert_num_queries(0):
        services.refresh_search_vector(association_ids=[])
