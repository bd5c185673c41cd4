"""Decisions taken twice at the same moment, against PostgreSQL: threads released together on a
barrier, each on its own connection. Each test has a negative control that switches off the
real guard (the row lock, the partial unique constraint) and shows the race then does harm."""

import threading

import pytest
from django.db import connection

from mailings.models import Email
from network import services
from network.exceptions import DirectoryError
from network.models import Association, Claim, Representative
from tests.factories import StaffFactory, UserFactory
from tests.network.factories import AssociationFactory, MunicipalityFactory, RepresentativeFactory
from tests.race import run_together

race = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def two_staff(db):
    return StaffFactory(), StaffFactory()


def _without_the_lock(monkeypatch):
    """The negative controls' broken lock: each racer reads the row unlocked and waits until
    the other has read it too, so both see it undecided (the race, every time)."""
    both_read = threading.Barrier(2)

    def read_unlocked(queryset, pk):
        row = queryset.get(pk=pk)
        both_read.wait(timeout=10)
        return row

    monkeypatch.setattr(services, "_locked", read_unlocked)


def _mails(prefix: str) -> int:
    return Email.objects.filter(key__startswith=prefix).count()


def _decided_once(errors) -> bool:
    return len(errors) == 1 and isinstance(errors[0], DirectoryError)


# --- Change requests --------------------------------------------------------------------------


def _change_request():
    representative = UserFactory()
    entry = AssociationFactory(name="TSV Hohn")
    RepresentativeFactory(association=entry, user=representative)
    return services.update_entry(
        association=entry,
        user=representative,
        data=services.EntryData(
            name="TSV Hohn von 1907",
            description=entry.description,
            municipality=MunicipalityFactory(name="Elsdorf"),
            categories=[],
        ),
    )["pending"]


def _approve_change_twice(change, two_staff):
    return run_together(
        *(
            lambda staff=staff: services.approve_change_request(change_request=change, staff=staff)
            for staff in two_staff
        )
    )


@race
def test_two_staff_approving_one_change_request_apply_it_once_with_one_mail(two_staff):
    change = _change_request()
    _results, errors = _approve_change_twice(change, two_staff)
    assert _decided_once(errors)
    entry = Association.objects.get(pk=change.association_id)
    assert entry.name == "TSV Hohn von 1907"
    assert entry.history.filter(source="staff", field="name").count() == 1
    assert _mails(f"network:change:{change.pk}:change_approved") == 1


@race
def test_negative_control_without_the_lock_a_change_request_is_approved_twice(
    two_staff, monkeypatch
):
    change = _change_request()
    _without_the_lock(monkeypatch)
    results, errors = _approve_change_twice(change, two_staff)
    assert errors == []  # both "approved" it: the test above would have failed
    assert all(result is not None for result in results)


# --- Claims -----------------------------------------------------------------------------------


def _claim():
    return services.claim_association(user=UserFactory(), association=AssociationFactory())


def _representative_rows(claim) -> int:
    return claim.association.history.filter(field="representative").count()


@race
def test_two_staff_approving_one_claim_make_one_representative_once_with_one_mail(two_staff):
    claim = _claim()
    _results, errors = run_together(
        *(
            lambda staff=staff: services.approve_claim(claim=claim, staff=staff)
            for staff in two_staff
        )
    )
    assert _decided_once(errors)
    assert (
        Representative.objects.filter(association=claim.association, user=claim.user).count() == 1
    )
    assert _representative_rows(claim) == 1
    assert _mails(f"network:claim:{claim.pk}:claim_confirmed") == 1


@race
def test_negative_control_without_the_lock_a_claim_is_approved_twice(two_staff, monkeypatch):
    claim = _claim()
    _without_the_lock(monkeypatch)
    _results, errors = run_together(
        *(
            lambda staff=staff: services.approve_claim(claim=claim, staff=staff)
            for staff in two_staff
        )
    )
    assert errors == []
    assert _representative_rows(claim) == 2  # recorded twice


def _approve_and_reject_at_once(claim, two_staff):
    approver, rejecter = two_staff
    return run_together(
        lambda: services.approve_claim(claim=claim, staff=approver),
        lambda: services.reject_claim(claim=claim, staff=rejecter, reason="Unbekannt."),
    )


@race
def test_approve_and_reject_at_once_one_decision_wins_and_the_state_matches_it(two_staff):
    claim = _claim()
    _results, errors = _approve_and_reject_at_once(claim, two_staff)
    assert _decided_once(errors)
    claim.refresh_from_db()
    represented = Representative.objects.filter(association=claim.association).exists()
    assert represented == (claim.status == Claim.Status.CONFIRMED)
    mails = Email.objects.filter(key__startswith=f"network:claim:{claim.pk}:claim_")
    assert [m.key.rsplit(":", 1)[1] for m in mails] == [f"claim_{claim.status}"]


@race
def test_negative_control_without_the_lock_approve_and_reject_both_happen(two_staff, monkeypatch):
    claim = _claim()
    _without_the_lock(monkeypatch)
    _results, errors = _approve_and_reject_at_once(claim, two_staff)
    assert errors == []
    assert _mails(f"network:claim:{claim.pk}:claim_") == 2  # told yes and no


# --- Proposals --------------------------------------------------------------------------------


def _proposal():
    return services.propose_association(
        user=UserFactory(),
        data=services.EntryData(
            name="Neuer Chor",
            description="Wir singen.",
            municipality=MunicipalityFactory(),
            categories=[],
        ),
    )


def _approve_proposal_twice(proposal, two_staff):
    return run_together(
        *(
            lambda staff=staff: services.approve_proposal(association=proposal, staff=staff)
            for staff in two_staff
        )
    )


@race
def test_two_staff_approving_one_proposal_publish_it_once_with_one_mail(two_staff):
    proposal = _proposal()
    _results, errors = _approve_proposal_twice(proposal, two_staff)
    assert _decided_once(errors)
    assert proposal.history.filter(field="status", new_value="published").count() == 1
    assert Representative.objects.filter(association=proposal).count() == 1
    assert _mails(f"network:proposal:{proposal.pk}:proposal_approved") == 1


@race
def test_negative_control_without_the_lock_a_proposal_is_approved_twice(two_staff, monkeypatch):
    proposal = _proposal()
    _without_the_lock(monkeypatch)
    _results, errors = _approve_proposal_twice(proposal, two_staff)
    assert errors == []
    assert proposal.history.filter(field="status", new_value="published").count() == 2


# --- Two claims by one person -----------------------------------------------------------------


def _claim_twice_at_once():
    person, entry = UserFactory(), AssociationFactory(email="vorstand@tsv-hohn.de")
    _results, errors = run_together(
        lambda: services.claim_association(user=person, association=entry, message="eins"),
        lambda: services.claim_association(user=person, association=entry, message="zwei"),
    )
    return entry, errors


@race
def test_two_claims_by_one_person_at_once_leave_one_pending_claim():
    entry, errors = _claim_twice_at_once()
    assert _decided_once(errors)
    assert Claim.objects.filter(association=entry, status=Claim.Status.PENDING).count() == 1
    assert _mails("network:claim:") == 2  # to the office, and the code to the entry's address


@pytest.fixture
def without_the_one_pending_claim_constraint(transactional_db):
    constraint = next(
        c for c in Claim._meta.constraints if c.name == "claim_one_pending_per_person"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(Claim, constraint)
    try:
        yield
    finally:
        Claim.objects.all().delete()  # the constraint could not come back over duplicates
        with connection.schema_editor() as editor:
            editor.add_constraint(Claim, constraint)


@race
def test_negative_control_without_the_constraint_one_person_has_two_pending_claims(
    without_the_one_pending_claim_constraint,
):
    entry, errors = _claim_twice_at_once()
    assert errors == []
    assert Claim.objects.filter(association=entry, status=Claim.Status.PENDING).count() == 2
