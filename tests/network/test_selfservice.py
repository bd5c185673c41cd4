"""Self-service for associations: propose, claim (with the mailed code), edit, representatives,
invitations, "still current", "Mein Verein" – with access for every role, IDOR and mass
assignment."""

import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mailings.models import Email
from network import services
from network.models import (
    Association,
    AssociationChange,
    ChangeRequest,
    Claim,
    Invitation,
    Representative,
)
from tests.factories import StaffFactory, UserFactory
from tests.network.factories import (
    AssociationFactory,
    MunicipalityFactory,
    OpportunityFactory,
    RepresentativeFactory,
    category,
)
from tests.network.selfservice import (
    claim_code_from_mail,
    club,
    entry_post,
    mails,
    tolerate_missing_admin_pages,
    vernetzung_staff,
)
from tests.race import run_together

LOGIN = reverse("account_login")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    tolerate_missing_admin_pages(monkeypatch)


@pytest.fixture
def association(db):
    return club(name="TSV Beispielhausen")


@pytest.fixture
def representative(association):
    return RepresentativeFactory(association=association).user


def _proposal(municipality, **changes):
    data = {
        "name": "Shantychor Windstärke 7",
        "description": "Wir singen Seemannslieder.",
        "categories": [str(category("kultur-musik").pk)],
        "municipality": str(municipality.pk),
        "email": "kontakt@shantychor.de",
        "website": "shantychor.de",
    }
    data.update(changes)
    return data


# --- Propose ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_proposal_waits_unpublished_for_the_office_and_the_proposer_is_thanked(client, user):
    town = MunicipalityFactory(name="Nortorf")
    client.force_login(user)
    response = client.post(reverse("network:propose"), _proposal(town))
    proposal = Association.objects.get(name="Shantychor Windstärke 7")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('network:propose')}?vorschlag={proposal.pk}"
    assert proposal.status == Association.Status.PROPOSED
    assert proposal.created_by == user
    assert proposal.website == "https://shantychor.de"
    assert list(proposal.categories.all()) == [category("kultur-musik")]
    assert not proposal.representatives.exists()  # only once the office approves
    assert len(mails("proposal_to_office")) == 1
    assert len(mails("proposal_received")) == 1
    thanks = client.get(response["Location"]).content.decode()
    assert "Vielen Dank" in thanks
    assert "Shantychor Windstärke 7" in thanks


@pytest.mark.django_db
def test_the_thank_you_page_shows_only_my_own_proposal(client, user, other_user):
    theirs = AssociationFactory(status=Association.Status.PROPOSED, created_by=other_user)
    client.force_login(user)
    for value in (str(theirs.pk), "abc", "-1", "9" * 30):
        page = client.get(reverse("network:propose"), {"vorschlag": value})
        assert page.status_code == 200
        assert theirs.name not in page.content.decode()
        assert 'name="description"' in page.content.decode()  # the form, not a thank-you


@pytest.mark.django_db
def test_the_proposal_form_groups_municipalities_by_amt(client, user):
    MunicipalityFactory(name="Hohn", amt__name="Hohner Harde")
    client.force_login(user)
    page = client.get(reverse("network:propose")).content.decode()
    assert '<optgroup label="Amt Hohner Harde">' in page
    assert 'type="checkbox" class="kern-form-check__checkbox" name="categories"' in page


@pytest.mark.django_db
def test_an_incomplete_proposal_shows_the_errors_and_stores_nothing(client, user):
    client.force_login(user)
    response = client.post(
        reverse("network:propose"),
        {"name": "", "description": "", "municipality": "999999999999999999999", "email": "x"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert "Bitte wählen Sie mindestens eine Kategorie." in page
    assert not Association.objects.exists()
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_posting_staff_only_fields_with_a_proposal_has_no_effect(client, user, other_user):
    town = MunicipalityFactory()
    client.force_login(user)
    client.post(
        reverse("network:propose"),
        _proposal(
            town,
            status="published",
            verified="on",
            slug="gekapert",
            register_number="VR 1 KI",
            created_by=str(other_user.pk),
            last_confirmed_at="2030-01-01T00:00",
            representatives=str(other_user.pk),
            hidden_reason="stale",
            latitude="54.1",
            longitude="9.9",
        ),
    )
    proposal = Association.objects.get()
    assert proposal.status == Association.Status.PROPOSED
    assert proposal.verified is False
    assert proposal.slug != "gekapert"
    assert proposal.register_number == ""
    assert proposal.created_by == user
    assert proposal.last_confirmed_at is None
    assert proposal.latitude is None
    assert not proposal.representatives.exists()


@pytest.mark.django_db
def test_proposals_are_rate_limited_per_person(client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "network_proposal": "2/d/user"}
    town = MunicipalityFactory()
    client.force_login(user)
    for number in range(3):
        response = client.post(reverse("network:propose"), _proposal(town, name=f"Verein {number}"))
    assert Association.objects.count() == 2
    assert response.status_code == 200
    assert "Bitte versuchen Sie es später noch einmal" in response.content.decode()


# --- Claim ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_claiming_an_entry_with_a_public_address_mails_a_code_and_leads_to_the_code_form(
    client, user, association
):
    client.force_login(user)
    response = client.post(
        reverse("network:claim", args=[association.slug]), {"message": "Ich bin Kassenwart."}
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:claim_code", args=[claim.pk])
    assert claim.message == "Ich bin Kassenwart."
    (code_mail,) = mails("claim_code")
    assert code_mail.to == association.email
    assert len(mails("claim_to_office")) == 1
    form = client.get(response["Location"]).content.decode()
    assert 'name="code"' in form


@pytest.mark.django_db
def test_the_right_code_makes_the_claimant_a_representative(client, user, association):
    client.force_login(user)
    client.post(reverse("network:claim", args=[association.slug]), {"message": ""})
    claim = Claim.objects.get()
    response = client.post(
        reverse("network:claim_code", args=[claim.pk]), {"code": claim_code_from_mail().lower()}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("network:edit", args=[association.slug])
    assert Representative.objects.filter(association=association, user=user).exists()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CONFIRMED


@pytest.mark.django_db
def test_a_wrong_code_says_how_many_tries_are_left_then_hands_over_to_the_office(
    client, user, association
):
    client.force_login(user)
    client.post(reverse("network:claim", args=[association.slug]), {"message": ""})
    claim = Claim.objects.get()
    url = reverse("network:claim_code", args=[claim.pk])
    first = client.post(url, {"code": "FALSCH00"}).content.decode()
    assert "Sie können es noch 4-mal versuchen." in first
    for _attempt in range(4):
        last = client.post(url, {"code": "FALSCH00"})
    assert last.status_code == 200
    page = last.content.decode()
    assert "Das Büro prüft Ihre Anfrage" in page
    assert 'name="code"' not in page  # no form to guess on
    assert not Representative.objects.filter(user=user).exists()
    # even the right code no longer works
    client.post(url, {"code": claim_code_from_mail()})
    assert not Representative.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_an_expired_code_is_refused_with_a_friendly_page(client, user, association):
    client.force_login(user)
    client.post(reverse("network:claim", args=[association.slug]), {"message": ""})
    code = claim_code_from_mail()
    Claim.objects.update(code_sent_at=timezone.now() - timedelta(days=8))
    response = client.post(
        reverse("network:claim_code", args=[Claim.objects.get().pk]), {"code": code}
    )
    assert response.status_code == 200
    assert "kann kein Code mehr eingegeben werden" in response.content.decode()
    assert not Representative.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_an_entry_without_public_address_is_claimed_for_the_office_to_decide(client, user):
    association = club(email="")
    client.force_login(user)
    response = client.post(reverse("network:claim", args=[association.slug]), {"message": ""})
    assert response["Location"] == reverse("network:claim", args=[association.slug])
    assert mails("claim_code") == []
    page = client.get(response["Location"]).content.decode()
    assert "Das Büro prüft Ihre Anfrage" in page
    assert 'name="message"' not in page
    client.post(reverse("network:claim", args=[association.slug]), {"message": "nochmal"})
    assert Claim.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["proposed", "hidden", "rejected"])
def test_only_published_entries_can_be_claimed(client, user, status):
    association = club(status=status)
    client.force_login(user)
    url = reverse("network:claim", args=[association.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"message": ""}).status_code == 404
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_claims_are_rate_limited_per_person(client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "network_claim": "2/h/user"}
    client.force_login(user)
    for _number in range(3):
        response = client.post(reverse("network:claim", args=[club().slug]), {"message": ""})
    assert Claim.objects.count() == 2
    assert response.status_code == 200
    assert len(mails("claim_code")) == 2


@pytest.mark.django_db
def test_someone_elses_claim_code_page_is_not_found(client, user, other_user, association):
    claim = services.claim_association(user=other_user, association=association)
    client.force_login(user)
    url = reverse("network:claim_code", args=[claim.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"code": claim_code_from_mail()}).status_code == 404
    assert not Representative.objects.exists()
    huge = reverse("network:claim_code", args=[2**70])
    assert client.get(huge).status_code == 404


# --- Edit -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_descriptive_change_is_live_at_once_and_recorded(client, association, representative):
    client.force_login(representative)
    response = client.post(
        reverse("network:edit", args=[association.slug]),
        entry_post(association, description="Neu: Boule am Mittwoch.", meeting_times="Mi 18 h"),
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.description == "Neu: Boule am Mittwoch."
    assert association.meeting_times == "Mi 18 h"
    assert not ChangeRequest.objects.exists()
    change = AssociationChange.objects.get(field="description")
    assert change.changed_by == representative
    assert change.new_value == "Neu: Boule am Mittwoch."
    assert change.old_value == "Ein Verein im Kreis."


@pytest.mark.django_db
def test_a_new_name_waits_for_review_and_the_page_says_so(client, association, representative):
    client.force_login(representative)
    client.post(
        reverse("network:edit", args=[association.slug]),
        entry_post(association, name="TSV Beispielhausen von 1908"),
    )
    association.refresh_from_db()
    assert association.name == "TSV Beispielhausen"
    pending = ChangeRequest.objects.get()
    assert pending.changes == {"name": "TSV Beispielhausen von 1908"}
    page = client.get(reverse("network:edit", args=[association.slug])).content.decode()
    assert "Wartet auf die Prüfung durch das Büro" in page
    assert "TSV Beispielhausen von 1908" in page
    services.approve_change_request(change_request=pending, staff=vernetzung_staff())
    association.refresh_from_db()
    assert association.name == "TSV Beispielhausen von 1908"
    page = client.get(reverse("network:edit", args=[association.slug])).content.decode()
    assert "Wartet auf die Prüfung" not in page


@pytest.mark.django_db
def test_a_new_municipality_and_categories_are_shown_as_waiting(
    client, association, representative
):
    elsewhere = MunicipalityFactory(name="Fockbek")
    client.force_login(representative)
    client.post(
        reverse("network:edit", args=[association.slug]),
        entry_post(
            association,
            municipality=str(elsewhere.pk),
            categories=[str(category("soziales").pk), str(category("sport").pk)],
        ),
    )
    page = client.get(reverse("network:edit", args=[association.slug])).content.decode()
    assert "Fockbek" in page
    assert "Soziales, Sport &amp; Bewegung" in page
    association.refresh_from_db()
    assert association.municipality != elsewhere


@pytest.mark.django_db
def test_posting_staff_only_fields_when_editing_has_no_effect(
    client, association, representative, other_user
):
    before = Association.objects.values().get(pk=association.pk)
    client.force_login(representative)
    response = client.post(
        reverse("network:edit", args=[association.slug]),
        entry_post(
            association,
            status="hidden",
            hidden_reason="staff",
            verified="on",
            slug="gekapert",
            register_number="VR 99 KI",
            last_confirmed_at="2099-01-01T00:00",
            confirmation_requested_at="2099-01-01T00:00",
            created_by=str(other_user.pk),
            representatives=str(other_user.pk),
            logo="logos/fremd.webp",
            search_vector="x",
        ),
    )
    assert response.status_code == 302
    after = Association.objects.values().get(pk=association.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert list(association.representatives.values_list("user", flat=True)) == [representative.pk]
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_a_precise_point_needs_both_coordinates(client, association, representative):
    client.force_login(representative)
    url = reverse("network:edit", args=[association.slug])
    response = client.post(url, entry_post(association, latitude="54.31"))
    assert response.status_code == 200
    assert "Bitte geben Sie Breiten- und Längengrad an oder keinen von beiden." in (
        response.content.decode()
    )
    for latitude, longitude in (("154.31", "9.6"), ("nan", "inf"), ("1e400", "9")):
        response = client.post(url, entry_post(association, latitude=latitude, longitude=longitude))
        assert response.status_code == 200
        assert 'id="error-summary"' in response.content.decode()
    client.post(url, entry_post(association, latitude="54.31", longitude="9.6"))
    association.refresh_from_db()
    assert association.coordinates() == (54.31, 9.6, True)


@pytest.mark.django_db
def test_the_current_button_on_the_edit_page_confirms_the_entry(
    client, association, representative
):
    client.force_login(representative)
    response = client.post(
        reverse("network:edit", args=[association.slug]), {"confirm_current": "1"}
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.last_confirmed_at is not None
    assert AssociationChange.objects.filter(field="confirmed", changed_by=representative).exists()


# --- Representatives and invitations ----------------------------------------------------------


@pytest.mark.django_db
def test_the_representatives_page_lists_them_and_invites_by_mail(
    client, association, representative
):
    colleague = RepresentativeFactory(association=association).user
    client.force_login(representative)
    url = reverse("network:representatives", args=[association.slug])
    page = client.get(url).content.decode()
    assert colleague.get_full_name() in page
    response = client.post(url, {"action": "invite", "invite-email": "neu@beispiel.de"})
    assert response.status_code == 302
    (mail,) = mails("invitation")
    assert mail.to == "neu@beispiel.de"
    assert "neu@beispiel.de" in client.get(url).content.decode()  # open invitations


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address", ['"x\x0bY"@beispiel.de', "a@b@c.de", "kein-mail", "x@beispiel.de\nBcc: y@z.de"]
)
def test_an_invitation_to_an_address_the_outbox_cannot_take_is_refused(
    client, association, representative, address
):
    client.force_login(representative)
    response = client.post(
        reverse("network:representatives", args=[association.slug]),
        {"action": "invite", "invite-email": address},
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert not Invitation.objects.exists()
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_inviting_someone_who_already_represents_the_association_is_refused(
    client, association, representative
):
    colleague = RepresentativeFactory(association=association).user
    client.force_login(representative)
    response = client.post(
        reverse("network:representatives", args=[association.slug]),
        {"action": "invite", "invite-email": colleague.email.upper()},
    )
    assert "vertritt den Verein bereits" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_an_invitation_link_works_once_after_a_button_press(client, association, other_user):
    inviter = RepresentativeFactory(association=association).user
    services.invite_representative(association=association, inviter=inviter, email="x@y.de")
    token = _token_from_invitation_mail()
    url = reverse("network:invitation", args=[token])
    client.force_login(other_user)
    page = client.get(url)
    assert page.status_code == 200
    assert not Representative.objects.filter(user=other_user).exists()  # a GET changes nothing
    response = client.post(url)
    assert response["Location"] == reverse("network:edit", args=[association.slug])
    assert Representative.objects.filter(association=association, user=other_user).exists()
    again = client.post(url)
    assert again.status_code == 404
    assert "Diese Einladung ist nicht mehr gültig" in again.content.decode()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_expired_and_made_up_invitation_links_show_a_friendly_page(client, association, other_user):
    inviter = RepresentativeFactory(association=association).user
    services.invite_representative(association=association, inviter=inviter, email="x@y.de")
    token = _token_from_invitation_mail()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(other_user)
    for candidate in (token, "ausgedacht", "x" * 3000, "%00"):
        response = client.post(reverse("network:invitation", args=[candidate]))
        assert response.status_code == 404
        assert "Diese Einladung ist nicht mehr gültig" in response.content.decode()
    assert not Representative.objects.filter(user=other_user).exists()


def _token_from_invitation_mail() -> str:
    (mail,) = mails("invitation")
    marker = "/vereine/einladung/"
    start = mail.body_text.index(marker) + len(marker)
    return mail.body_text[start:].split("/", 1)[0]


@pytest.mark.django_db
def test_stepping_down_needs_a_confirmation(client, association, representative):
    client.force_login(representative)
    url = reverse("network:representatives", args=[association.slug])
    response = client.post(url, {"action": "step_down"})
    assert response.status_code == 200
    assert "Bitte bestätigen Sie" in response.content.decode()
    assert Representative.objects.filter(user=representative).exists()


@pytest.mark.django_db
def test_the_last_representative_stepping_down_leaves_the_entry_with_the_office(
    client, association, representative
):
    client.force_login(representative)
    response = client.post(
        reverse("network:representatives", args=[association.slug]),
        {"action": "step_down", "step_down-confirm": "on"},
    )
    assert response["Location"] == reverse("account_overview")
    assert not Representative.objects.exists()
    association.refresh_from_db()
    assert association.status == Association.Status.PUBLISHED  # kept, not deleted
    assert len(mails("last_representative_left")) == 1
    assert client.get(reverse("network:edit", args=[association.slug])).status_code == 404


@pytest.mark.django_db
def test_a_co_representative_stepping_down_does_not_alarm_the_office(
    client, association, representative
):
    RepresentativeFactory(association=association)
    client.force_login(representative)
    client.post(
        reverse("network:representatives", args=[association.slug]),
        {"action": "step_down", "step_down-confirm": "on"},
    )
    assert association.representatives.count() == 1
    assert mails("last_representative_left") == []


# --- Still current (the signed link) ----------------------------------------------------------


@pytest.mark.django_db
def test_the_confirmation_link_confirms_only_on_the_button(client, association):
    association.last_confirmed_at = timezone.now() - timedelta(days=400)
    association.status = Association.Status.HIDDEN
    association.hidden_reason = Association.HiddenReason.STALE
    association.save()
    url = reverse("network:confirm_current", args=[services.confirmation_token(association)])
    page = client.get(url)  # a mail scanner opening the link
    assert page.status_code == 200
    association.refresh_from_db()
    assert association.last_confirmed_at < timezone.now() - timedelta(days=399)
    done = client.post(url)
    assert done.status_code == 200
    assert "Vielen Dank" in done.content.decode()
    association.refresh_from_db()
    assert association.last_confirmed_at > timezone.now() - timedelta(minutes=1)
    assert association.status == Association.Status.PUBLISHED
    used = client.post(url)  # the link dies with the confirmation
    assert used.status_code == 404
    assert "Dieser Link ist nicht mehr gültig" in used.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["kaputt", "a:b:c", "x" * 2000])
def test_a_broken_confirmation_link_shows_a_friendly_page(client, token):
    response = client.get(reverse("network:confirm_current", args=[token]))
    assert response.status_code == 404
    assert "Dieser Link ist nicht mehr gültig" in response.content.decode()


# --- "Mein Verein" ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_association_section_lists_what_i_represent_and_what_i_wait_for(
    client, association, representative
):
    waiting = club(name="Landfrauen Hohn", email="")
    services.claim_association(user=representative, association=waiting)
    proposal = AssociationFactory(
        name="Boule-Freunde", status=Association.Status.PROPOSED, created_by=representative
    )
    club(name="Fremder Verein")
    client.force_login(representative)
    page = client.get(reverse("account_overview")).content.decode()
    assert "Mein Verein" in page
    assert reverse("network:edit", args=[association.slug]) in page
    assert reverse("network:representatives", args=[association.slug]) in page
    assert reverse("network:opportunity_create", args=[association.slug]) in page
    assert "Landfrauen Hohn" in page
    assert proposal.name in page
    assert "Fremder Verein" not in page


@pytest.mark.django_db
def test_my_association_section_keeps_its_queries_whatever_i_represent(
    client, django_assert_num_queries
):
    """The section costs three queries (representations, claims, proposals) however many
    rows there are; the account page's other queries stay as they are."""
    person = UserFactory()
    client.force_login(person)
    client.get(reverse("account_overview"))  # warm up (session, site configuration)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("account_overview"))
    for _number in range(5):
        RepresentativeFactory(user=person)
        services.claim_association(user=person, association=club(email=""))
        AssociationFactory(status=Association.Status.PROPOSED, created_by=person)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("account_overview"))


# --- Access: every view, every role -----------------------------------------------------------


ROLES = ["anonymous", "volunteer", "representative", "other_representative", "staff", "vernetzung"]


@pytest.fixture
def world(db):
    association = club(name="Schützengilde Hohn")
    representative = RepresentativeFactory(association=association).user
    other_representative = RepresentativeFactory().user
    volunteer = UserFactory()
    opportunity = OpportunityFactory(association=association)
    claimant = UserFactory()
    claim = services.claim_association(user=claimant, association=association)
    users = {
        "anonymous": None,
        "volunteer": volunteer,
        "representative": representative,
        "other_representative": other_representative,
        "staff": StaffFactory(),
        "vernetzung": vernetzung_staff(),
    }
    return {
        "association": association,
        "opportunity": opportunity,
        "claim": claim,
        "claimant": claimant,
        "users": users,
    }


REPRESENTATIVE_ONLY = {
    "anonymous": "login",
    "volunteer": 404,
    "representative": 200,
    "other_representative": 404,
    "staff": 404,
    "vernetzung": 404,
}
ANY_LOGGED_IN = dict.fromkeys(ROLES, 200) | {"anonymous": "login"}
PUBLIC = dict.fromkeys(ROLES, 200)

PAGES = {
    "propose": (lambda w: reverse("network:propose"), ANY_LOGGED_IN),
    "claim": (lambda w: reverse("network:claim", args=[w["association"].slug]), ANY_LOGGED_IN),
    "claim_code": (
        lambda w: reverse("network:claim_code", args=[w["claim"].pk]),
        dict.fromkeys(ROLES, 404) | {"anonymous": "login"},  # the claimant's own: see below
    ),
    "edit": (lambda w: reverse("network:edit", args=[w["association"].slug]), REPRESENTATIVE_ONLY),
    "representatives": (
        lambda w: reverse("network:representatives", args=[w["association"].slug]),
        REPRESENTATIVE_ONLY,
    ),
    "opportunity_create": (
        lambda w: reverse("network:opportunity_create", args=[w["association"].slug]),
        REPRESENTATIVE_ONLY,
    ),
    "opportunity_edit": (
        lambda w: reverse("network:opportunity_edit", args=[w["opportunity"].pk]),
        REPRESENTATIVE_ONLY,
    ),
    "opportunities": (lambda w: reverse("network:opportunities"), PUBLIC),
    "opportunity": (lambda w: reverse("network:opportunity", args=[w["opportunity"].pk]), PUBLIC),
    "interest": (
        lambda w: reverse("network:interest", args=[w["opportunity"].pk]),
        ANY_LOGGED_IN,
    ),
    "confirm_current": (
        lambda w: reverse(
            "network:confirm_current", args=[services.confirmation_token(w["association"])]
        ),
        PUBLIC,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_answers_each_role_as_it_should(client, world, page, role):
    url_of, expected = PAGES[page]
    url = url_of(world)
    user = world["users"][role]
    if user:
        client.force_login(user)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if expected[role] == "login":
            assert response.status_code == 302, method
            assert response["Location"].startswith(f"{LOGIN}?next=")
        elif method == "get" or expected[role] == 404:
            assert response.status_code == expected[role], method


@pytest.mark.django_db
def test_the_claimant_sees_their_own_code_page(client, world):
    client.force_login(world["claimant"])
    assert client.get(reverse("network:claim_code", args=[world["claim"].pk])).status_code == 200


@pytest.mark.django_db
def test_a_representative_of_another_association_cannot_change_this_one(client, world):
    association = world["association"]
    intruder = world["users"]["other_representative"]
    client.force_login(intruder)
    responses = [
        client.post(
            reverse("network:edit", args=[association.slug]),
            entry_post(association, description="Übernommen!"),
        ),
        client.post(
            reverse("network:representatives", args=[association.slug]),
            {"action": "invite", "invite-email": "komplize@beispiel.de"},
        ),
        client.post(
            reverse("network:representatives", args=[association.slug]),
            {"action": "step_down", "step_down-confirm": "on"},
        ),
        client.post(
            reverse("network:opportunity_edit", args=[world["opportunity"].pk]), {"end": "1"}
        ),
        client.post(reverse("network:edit", args=[association.slug]), {"confirm_current": "1"}),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    association.refresh_from_db()
    assert association.description != "Übernommen!"
    assert association.last_confirmed_at is None
    assert not Invitation.objects.exists()
    world["opportunity"].refresh_from_db()
    assert world["opportunity"].ends_on is None


# --- Race: one invitation link, two people ----------------------------------------------------


def _accept(client, url):
    def post():
        return client.post(url).status_code

    return post


def _slow_down_accepting(monkeypatch):
    """Widen the window between reading the invitation and marking it used, so two requests
    overlap there every time (the guard must hold even then)."""
    real_save = Invitation.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.3)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Invitation, "save", slow_save)


def _two_people_with_one_link(monkeypatch, mailoutbox):
    tolerate_missing_admin_pages(monkeypatch)
    association = club(name="Ringreiter Brammer")
    inviter = RepresentativeFactory(association=association).user
    services.invite_representative(association=association, inviter=inviter, email="a@b.de")
    # Committed and sent at once here (the stored text of a mail with a link is dropped).
    (sent,) = mailoutbox
    url = re.search(r"/vereine/einladung/[^/\s]+/", sent.body).group(0)
    clients = []
    for _number in range(2):
        client = Client()
        client.force_login(UserFactory())
        clients.append(client)
    return association, url, clients


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_accepting_one_invitation_at_once_make_exactly_one_representative(
    monkeypatch, settings, mailoutbox
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    association, url, clients = _two_people_with_one_link(monkeypatch, mailoutbox)
    _slow_down_accepting(monkeypatch)
    statuses, errors = run_together(*(_accept(c, url) for c in clients))
    assert errors == []
    assert sorted(statuses) == [302, 404]  # one welcome, one "no longer valid" page
    assert association.representatives.count() == 2  # the inviter and one of the two
    assert Invitation.objects.get().accepted_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_without_the_row_lock_both_become_representatives(
    monkeypatch, settings, mailoutbox
):
    """Shows the test above exercises the race: without select_for_update on the invitation
    both requests see it unused and both become representatives with one link."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    association, url, clients = _two_people_with_one_link(monkeypatch, mailoutbox)
    _slow_down_accepting(monkeypatch)
    monkeypatch.setattr(Invitation.objects, "select_for_update", Invitation.objects.all)
    statuses, errors = run_together(*(_accept(c, url) for c in clients))
    assert errors == []
    assert statuses == [302, 302]
    assert association.representatives.count() == 3


# --- Hostile input and query counts -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostile",
    [
        {"name": "Verein\x00", "description": "a\x00b"},
        {"categories": ["abc", "-1", "9" * 30]},
        {"municipality": ["1", "2"], "postal_code": "2476\x00"},
        {"website": "javascript:alert(1)"},
        {"email": '"x\x0bY"@beispiel.de'},
        {"name": "x" * 5000},
    ],
)
def test_hostile_entry_forms_are_refused_with_messages_not_errors(
    client, association, representative, hostile
):
    client.force_login(representative)
    for url, data in (
        (reverse("network:edit", args=[association.slug]), entry_post(association, **hostile)),
        (reverse("network:propose"), {**entry_post(association), **hostile}),
    ):
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert 'id="error-summary"' in response.content.decode()
    association.refresh_from_db()
    assert association.name == "TSV Beispielhausen"
    assert Association.objects.count() == 1
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_hostile_claims_codes_and_invitations_do_not_break_the_pages(client, user, association):
    client.force_login(user)
    response = client.post(reverse("network:claim", args=[association.slug]), {"message": "\x00"})
    assert response.status_code == 200
    assert not Claim.objects.exists()
    client.post(reverse("network:claim", args=[association.slug]), {"message": "x" * 1000})
    claim = Claim.objects.get()
    for code in ("\x00", "x" * 500, "ÄÖÜ' OR 1=1 --"):
        response = client.post(reverse("network:claim_code", args=[claim.pk]), {"code": code})
        assert response.status_code == 200


def _busy(association, count):
    for number in range(count):
        OpportunityFactory(association=association, title=f"Aufgabe {number}")
        RepresentativeFactory(association=association)
        services.invite_representative(
            association=association,
            inviter=association.representatives.first().user,
            email=f"gast{number}@beispiel.de",
        )


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["edit", "representatives"])
def test_the_representative_pages_keep_their_query_count_whatever_the_entry_holds(
    client, association, representative, page
):
    """However many opportunities, co-representatives and invitations an entry has, its edit
    and representatives pages make the same number of queries."""
    url = reverse(f"network:{page}", args=[association.slug])
    client.force_login(representative)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _busy(association, 8)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
