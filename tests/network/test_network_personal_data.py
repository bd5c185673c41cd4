"""The directory's part of "Meine Daten": the export holds a person's representations, requests
(with messages), proposals, interest messages and the changes they made; deleting the account
deletes requests and interest, keeps their edits in the history without their name and keeps
the associations they proposed."""

import json

import pytest
from django.urls import reverse

from accounts import services as account_services
from network import services
from network.models import (
    Association,
    AssociationChange,
    ChangeRequest,
    Claim,
    Interest,
    Invitation,
    Representative,
)
from tests.factories import UserFactory
from tests.network.factories import AssociationFactory, OpportunityFactory, RepresentativeFactory
from tests.network.selfservice import club, mails, tolerate_missing_admin_pages


@pytest.fixture(autouse=True)
def _fast(settings, monkeypatch, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tolerate_missing_admin_pages(monkeypatch)


def _data(association, **changes):
    values = {
        "name": association.name,
        "description": association.description,
        "municipality": association.municipality,
        "categories": list(association.categories.all()),
    }
    values.update(changes)
    return services.EntryData(**values)


@pytest.fixture
def person(db):
    """A representative who edited, claimed, proposed, invited and expressed interest."""
    person = UserFactory(first_name="Hanne", last_name="Heimat")
    home = club(name="Heimatbund Haale")
    services.claim_association(user=person, association=home)
    claim = Claim.objects.get(user=person)
    services.approve_claim(claim=claim, staff=UserFactory(is_staff=True))
    services.update_entry(
        association=home,
        user=person,
        data=_data(home, description="Wir pflegen Plattdeutsch.", name="Heimatbund Haale e. V."),
    )
    services.invite_representative(association=home, inviter=person, email="nachbar@beispiel.de")
    waiting = club(name="Landfrauen Luhnstedt", email="")
    services.claim_association(user=person, association=waiting, message="Ich bin Kassiererin.")
    services.propose_association(
        user=person,
        data=services.EntryData(
            name="Boßelfreunde Bargstedt",
            description="Boßeln im Winter.",
            municipality=home.municipality,
            categories=list(home.categories.all()),
        ),
    )
    elsewhere = club(name="Tafel Nortorf")
    RepresentativeFactory(association=elsewhere)
    services.express_interest(
        opportunity=OpportunityFactory(association=elsewhere, title="Lebensmittel sortieren"),
        user=person,
        message="Ich könnte samstags helfen.",
    )
    return person


@pytest.mark.django_db
def test_the_export_holds_what_the_directory_knows_about_me_and_nothing_of_others(client, person):
    other = UserFactory(first_name="Oskar", last_name="Anderwelt")
    services.claim_association(user=other, association=club(name="Fremd"), message="Geheim")
    client.force_login(person)
    data = json.loads(client.get(reverse("account_export")).content)["network"]
    assert [r["association"] for r in data["representations"]] == ["Heimatbund Haale"]
    requests = data["requests_to_represent"]
    assert {(c["association"], c["message"], c["status"]) for c in requests} == {
        ("Heimatbund Haale", "", "confirmed"),
        ("Landfrauen Luhnstedt", "Ich bin Kassiererin.", "pending"),
    }
    assert [p["association"] for p in data["proposals"]] == ["Boßelfreunde Bargstedt"]
    assert data["change_requests"][0]["changes"] == {"name": "Heimatbund Haale e. V."}
    assert data["interests"] == [
        {
            "opportunity": "Lebensmittel sortieren",
            "association": "Tafel Nortorf",
            "message": "Ich könnte samstags helfen.",
            "sent_at": data["interests"][0]["sent_at"],
        }
    ]
    assert [i["email"] for i in data["invitations"]] == ["nachbar@beispiel.de"]
    made = {(c["field"], c["after"]) for c in data["changes_made"]}
    assert ("description", "Wir pflegen Plattdeutsch.") in made
    assert ("proposed", "Boßelfreunde Bargstedt") in made
    raw = json.dumps(data, ensure_ascii=False)
    assert "Oskar" not in raw
    assert "Geheim" not in raw


@pytest.mark.django_db
def test_erasure_keeps_the_history_without_my_name_and_deletes_requests_and_interest(person):
    home = Association.objects.get(name="Heimatbund Haale")
    proposal = Association.objects.get(name="Boßelfreunde Bargstedt")
    colleague = RepresentativeFactory(association=club(name="Nachbarverein")).user
    services.step_down(association=colleague.representations.get().association, user=colleague)
    history_before = AssociationChange.objects.count()

    account_services.delete_account(user=person)

    assert not Claim.objects.filter(message="Ich bin Kassiererin.").exists()
    assert not Claim.objects.filter(association__name="Heimatbund Haale").exists()
    assert not Interest.objects.exists()
    assert not Invitation.objects.filter(invited_by__isnull=False).exists()
    assert not Representative.objects.filter(association=home).exists()
    # the edits stay, without the person
    description = AssociationChange.objects.get(association=home, field="description")
    assert description.changed_by is None
    assert description.new_value == "Wir pflegen Plattdeutsch."
    assert AssociationChange.objects.count() == history_before + 1  # + stepping down
    names = ("Hanne Heimat", person.email)
    for change in AssociationChange.objects.filter(association__in=[home, proposal]):
        assert change.old_value not in names
        assert change.new_value not in names
    left = AssociationChange.objects.filter(association=home, field="representative")
    assert {(c.old_value, c.new_value) for c in left} == {("", "–"), ("–", "")}
    # the proposal keeps the association, without its proposer
    proposal.refresh_from_db()
    assert proposal.created_by is None
    assert ChangeRequest.objects.get().requested_by is None
    # the office hears that nobody represents the entry now
    assert [m.template for m in mails("last_representative_left")] == [
        "emails/network/last_representative_left"
    ] * 2
    # someone else's history keeps their name
    assert AssociationChange.objects.filter(old_value=colleague.get_full_name()).exists()


@pytest.mark.django_db
def test_an_invitation_addressed_to_me_is_erased_with_my_account():
    inviter = RepresentativeFactory(association=AssociationFactory()).user
    invited = UserFactory(email="eingeladen@beispiel.de")
    services.invite_representative(
        association=inviter.representations.get().association,
        inviter=inviter,
        email="Eingeladen@Beispiel.de",
    )
    account_services.delete_account(user=invited)
    assert not Invitation.objects.exists()
