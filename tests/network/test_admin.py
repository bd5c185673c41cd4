"""The directory in admin: who sees what, moderation through the services, staff edits in the
history, merge, CSV export and import pages, and lists whose queries do not grow."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from mailings.models import Email
from network import services
from network.models import (
    Association,
    AssociationChange,
    Claim,
    Invitation,
    Representative,
)
from network.selectors import Filters, search_associations
from portal.staff_groups import BERATUNG, REDAKTION, VERNETZUNG
from tests.factories import StaffFactory, UserFactory
from tests.helpers import log_in_with_second_factor
from tests.network.factories import (
    AssociationFactory,
    MunicipalityFactory,
    OpportunityFactory,
    RepresentativeFactory,
    category,
)

ADMIN = "/admin/network/"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    # Dozens of accounts per test: hashing each with the real hasher would take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _staff_in(*groups):
    staff = StaffFactory()
    for name in groups:
        staff.groups.add(Group.objects.get(name=name))
    return staff


@pytest.fixture
def networker(client):
    staff = _staff_in(VERNETZUNG)
    log_in_with_second_factor(client, staff)
    return staff


@pytest.fixture
def directory(db):
    """One of everything the directory's admin shows."""
    volunteer, proposer, claimant = UserFactory(), UserFactory(), UserFactory()
    entry = AssociationFactory(name="TSV Hohn", email="info@tsv-hohn.de")
    representative = RepresentativeFactory(association=entry).user
    proposal = services.propose_association(
        user=proposer,
        data=services.EntryData(
            name="Neuer Chor",
            description="Wir singen.",
            municipality=entry.municipality,
            categories=[category("kultur-musik")],
        ),
    )
    claim = services.claim_association(
        user=claimant, association=entry, message="Ich bin Kassenwart."
    )
    change = services.update_entry(
        association=entry,
        user=representative,
        data=services.EntryData(
            name="TSV Hohn von 1907",
            description=entry.description,
            municipality=entry.municipality,
            categories=[category("sport")],
        ),
    )["pending"]
    invitation = services.invite_representative(
        association=entry, inviter=representative, email="neu@beispiel.de"
    )
    opportunity = OpportunityFactory(association=entry)
    interest = services.express_interest(
        opportunity=opportunity, user=volunteer, message="Ich helfe gern beim Sportfest."
    )
    return {
        "entry": entry,
        "representative": representative,
        "proposal": proposal,
        "claim": claim,
        "change": change,
        "invitation": invitation,
        "opportunity": opportunity,
        "interest": interest,
    }


def _pages(directory) -> list[str]:
    """Every page of the directory's admin that holds data (not the add pages admin refuses)."""
    d = directory
    return [
        f"{ADMIN}association/",
        f"{ADMIN}association/add/",
        f"{ADMIN}association/{d['entry'].pk}/change/",
        f"{ADMIN}association/moderation/",
        f"{ADMIN}association/import/",
        f"{ADMIN}association/export/",
        f"{ADMIN}category/",
        f"{ADMIN}category/add/",
        f"{ADMIN}representative/",
        f"{ADMIN}representative/add/",
        f"{ADMIN}claim/",
        f"{ADMIN}claim/{d['claim'].pk}/change/",
        f"{ADMIN}changerequest/",
        f"{ADMIN}changerequest/{d['change'].pk}/change/",
        f"{ADMIN}associationchange/",
        f"{ADMIN}invitation/",
        f"{ADMIN}invitation/{d['invitation'].pk}/change/",
        f"{ADMIN}opportunity/",
        f"{ADMIN}opportunity/add/",
        f"{ADMIN}opportunity/{d['opportunity'].pk}/change/",
        f"{ADMIN}interest/",
        f"{ADMIN}interest/{d['interest'].pk}/change/",
    ]


def _mails(key_start: str) -> list[Email]:
    return list(Email.objects.filter(key__startswith=key_start))


# --- Who sees what ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_vernetzung_reaches_every_page_of_the_directory(client, networker, directory):
    for page in _pages(directory):
        assert client.get(page).status_code == 200, page


@pytest.mark.django_db
@pytest.mark.parametrize("group", [None, BERATUNG, REDAKTION])
def test_staff_without_vernetzung_get_403_on_every_page(client, directory, group):
    log_in_with_second_factor(client, _staff_in(*([group] if group else [])))
    # Beratung links cases to associations: it may read the entries (list and page), nothing
    # else; the representatives on an entry's page stay hidden (no permission for them).
    readable = (
        {f"{ADMIN}association/", f"{ADMIN}association/{directory['entry'].pk}/change/"}
        if group == BERATUNG
        else set()
    )
    for page in _pages(directory):
        expected = 200 if page in readable else 403
        assert client.get(page).status_code == expected, page
    if readable:
        html = client.get(f"{ADMIN}association/{directory['entry'].pk}/change/").content
        assert directory["representative"].email.encode() not in html
    else:
        # The app's index page does not exist for them (Django answers 404): nothing leaks.
        assert client.get(ADMIN).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("group", [BERATUNG, REDAKTION])
def test_other_staff_never_see_interests_or_claims_personal_data(client, directory, group):
    log_in_with_second_factor(client, _staff_in(group))
    for page in (
        f"{ADMIN}interest/{directory['interest'].pk}/change/",
        f"{ADMIN}claim/{directory['claim'].pk}/change/",
    ):
        response = client.get(page)
        assert response.status_code == 403
        assert b"Sportfest" not in response.content
        assert b"Kassenwart" not in response.content


@pytest.mark.django_db
def test_vernetzung_cannot_add_or_change_what_services_write(client, networker, directory):
    for page in (
        f"{ADMIN}claim/add/",
        f"{ADMIN}changerequest/add/",
        f"{ADMIN}associationchange/add/",
        f"{ADMIN}invitation/add/",
        f"{ADMIN}interest/add/",
    ):
        assert client.get(page).status_code == 403, page
    history = AssociationChange.objects.filter(association=directory["entry"]).first()
    response = client.post(
        f"{ADMIN}associationchange/{history.pk}/change/", {"new_value": "gefälscht"}
    )
    assert response.status_code == 403
    assert client.post(f"{ADMIN}associationchange/{history.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_an_invitation_never_shows_its_token(client, networker, directory):
    invitation = Invitation.objects.get(pk=directory["invitation"].pk)
    html = client.get(f"{ADMIN}invitation/{invitation.pk}/change/").content.decode()
    assert "neu@beispiel.de" in html
    assert invitation.token_hash not in html


@pytest.mark.django_db
def test_the_app_index_links_to_the_moderation_page(client, networker, directory):
    html = client.get(ADMIN).content.decode()
    assert f'href="{ADMIN}association/moderation/"' in html


# --- Moderation -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_moderation_page_lists_the_three_queues_with_counts_and_links(
    client, networker, directory
):
    response = client.get(f"{ADMIN}association/moderation/")
    queues = {q["title"]: q for q in response.context["queues"]}
    assert [q["count"] for q in response.context["queues"]] == [1, 1, 1]
    html = response.content.decode()
    assert f"{ADMIN}association/{directory['proposal'].pk}/change/" in html
    assert f"{ADMIN}claim/{directory['claim'].pk}/change/" in html
    assert f"{ADMIN}changerequest/{directory['change'].pk}/change/" in html
    assert f"{ADMIN}claim/?status__exact=pending" in html
    assert len(queues) == 3


@pytest.mark.django_db
def test_the_moderation_page_needs_the_same_queries_for_few_or_many_waiting(
    client, networker, directory
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{ADMIN}association/moderation/").status_code == 200
        return len(queries)

    few = count()
    for number in range(30):
        services.propose_association(
            user=UserFactory(),
            data=services.EntryData(
                name=f"Vorschlag {number}",
                description="x",
                municipality=directory["entry"].municipality,
                categories=[],
            ),
        )
        services.claim_association(user=UserFactory(), association=directory["entry"])
    assert count() == few


def _action(client, model, action, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    if "post" not in extra:
        data["index"] = "0"
    return client.post(f"{ADMIN}{model}/", data)


@pytest.mark.django_db
def test_approving_a_proposal_publishes_it_and_mails_the_proposer(client, networker, directory):
    proposal = directory["proposal"]
    response = _action(client, "association", "approve_selected", [proposal])
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Association.Status.PUBLISHED
    assert Representative.objects.filter(association=proposal, user=proposal.created_by).exists()
    assert len(_mails(f"network:proposal:{proposal.pk}:proposal_approved")) == 1


@pytest.mark.django_db
def test_rejecting_asks_for_a_reason_first_and_mails_it(client, networker, directory):
    proposal = directory["proposal"]
    page = _action(client, "association", "reject_selected", [proposal])
    assert page.status_code == 200
    assert "Neuer Chor" in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Association.Status.PROPOSED  # nothing decided yet
    empty = _action(client, "association", "reject_selected", [proposal], post="yes", reason=" ")
    assert empty.status_code == 200
    assert empty.context["form"].errors
    done = _action(
        client, "association", "reject_selected", [proposal], post="yes", reason="Gibt es schon."
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Association.Status.REJECTED
    (mail,) = _mails(f"network:proposal:{proposal.pk}:proposal_rejected")
    assert "Gibt es schon." in mail.body_text


@pytest.mark.django_db
def test_claims_are_approved_and_rejected_in_admin_with_a_mail_either_way(
    client, networker, directory
):
    claim = directory["claim"]
    other = services.claim_association(user=UserFactory(), association=directory["entry"])
    _action(client, "claim", "approve_selected", [claim])
    _action(client, "claim", "reject_selected", [other], post="yes", reason="Unbekannt.")
    claim.refresh_from_db()
    other.refresh_from_db()
    assert (claim.status, claim.decided_by) == (Claim.Status.CONFIRMED, networker)
    assert Representative.objects.filter(association=claim.association, user=claim.user).exists()
    assert (other.status, other.reason) == (Claim.Status.REJECTED, "Unbekannt.")
    assert len(_mails(f"network:claim:{claim.pk}:claim_confirmed")) == 1
    assert len(_mails(f"network:claim:{other.pk}:claim_rejected")) == 1


@pytest.mark.django_db
def test_a_decision_taken_already_is_reported_not_taken_again(client, networker, directory):
    claim = directory["claim"]
    services.reject_claim(claim=claim, staff=networker, reason="Schon erledigt.")
    response = _action(client, "claim", "approve_selected", [claim])
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("already been decided" in m or "bereits entschieden" in m for m in messages)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED


@pytest.mark.django_db
def test_the_change_request_page_shows_now_and_proposed_and_approving_applies_it(
    client, networker, directory
):
    change, entry = directory["change"], directory["entry"]
    change.logo.save("logo.webp", ContentFile(b"RIFF0000WEBP"), save=True)
    html = client.get(f"{ADMIN}changerequest/{change.pk}/change/").content.decode()
    assert re.search(r"<td>TSV Hohn</td><td>TSV Hohn von 1907</td>", html)
    assert "Sport &amp; Bewegung" in html
    assert change.logo.url in html
    assert 'name="action" value="approve_selected"' in html  # the decision buttons
    response = _action(
        client,
        "changerequest",
        "approve_selected",
        [change],
        next=f"{ADMIN}changerequest/{change.pk}/change/",
    )
    assert response["Location"] == f"{ADMIN}changerequest/{change.pk}/change/"
    entry.refresh_from_db()
    assert entry.name == "TSV Hohn von 1907"
    assert entry.logo.name == change.logo.name
    assert len(_mails(f"network:change:{change.pk}:change_approved")) == 1
    decided = client.get(f"{ADMIN}changerequest/{change.pk}/change/").content.decode()
    assert 'value="approve_selected"' not in decided


@pytest.mark.django_db
def test_a_foreign_next_address_is_not_followed(client, networker, directory):
    response = _action(
        client, "claim", "approve_selected", [directory["claim"]], next="https://böse.example/"
    )
    assert response["Location"] == f"{ADMIN}claim/"


@pytest.mark.django_db
def test_the_entry_page_shows_what_waits_for_it(client, networker, directory):
    entry = directory["entry"]
    html = client.get(f"{ADMIN}association/{entry.pk}/change/").content.decode()
    assert f"{ADMIN}claim/{directory['claim'].pk}/change/" in html
    assert f"{ADMIN}changerequest/{directory['change'].pk}/change/" in html
    assert f"{ADMIN}associationchange/?association__id__exact={entry.pk}" in html


@pytest.mark.django_db
def test_hide_and_unhide_actions_use_the_services(client, networker, directory):
    entry = directory["entry"]
    _action(client, "association", "hide_selected", [entry])
    entry.refresh_from_db()
    assert (entry.status, entry.hidden_reason) == (Association.Status.HIDDEN, "staff")
    _action(client, "association", "unhide_selected", [entry])
    entry.refresh_from_db()
    assert entry.status == Association.Status.PUBLISHED
    assert list(entry.history.filter(field="status").values_list("new_value", flat=True)) == [
        "published",
        "hidden",
    ]


@pytest.mark.django_db
def test_confirming_in_admin_records_the_office(client, networker, directory):
    entry = directory["entry"]
    _action(client, "association", "confirm_selected", [entry])
    entry.refresh_from_db()
    assert entry.last_confirmed_at is not None
    change = entry.history.get(field="confirmed")
    assert (change.source, change.changed_by) == ("staff", networker)


# --- Merge ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_merge_needs_exactly_two_entries(client, networker, directory):
    response = _action(client, "association", "merge_selected", [directory["entry"]])
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("1" in m and ("exactly two" in m or "genau zwei" in m) for m in messages)


@pytest.mark.django_db
def test_merge_asks_which_entry_stays_then_merges(client, networker, directory):
    entry = directory["entry"]
    duplicate = AssociationFactory(name="TSV Hohn e.V.", municipality=entry.municipality)
    moved = RepresentativeFactory(association=duplicate).user
    page = _action(client, "association", "merge_selected", [entry, duplicate])
    assert page.status_code == 200
    assert f'value="{entry.pk}"' in page.content.decode()
    unchosen = _action(client, "association", "merge_selected", [entry, duplicate], post="yes")
    assert unchosen.status_code == 200
    assert unchosen.context["missing_choice"]
    done = _action(
        client, "association", "merge_selected", [entry, duplicate], post="yes", survivor=entry.pk
    )
    assert done["Location"] == f"{ADMIN}association/{entry.pk}/change/"
    duplicate.refresh_from_db()
    assert duplicate.hidden_reason == Association.HiddenReason.MERGED
    assert Representative.objects.filter(association=entry, user=moved).exists()


# --- Staff edits ------------------------------------------------------------------------------


def _form_data(association, **changes) -> dict:
    data = {
        "name": association.name,
        "description": association.description,
        "categories": [c.pk for c in association.categories.all()] or [category("sport").pk],
        "municipality": association.municipality_id,
        "street": association.street,
        "postal_code": association.postal_code,
        "meeting_place": association.meeting_place,
        "meeting_times": association.meeting_times,
        "contact_name": association.contact_name,
        "email": association.email,
        "phone": association.phone,
        "website": association.website,
        "latitude": "",
        "longitude": "",
        "register_number": association.register_number,
    }
    for prefix, count in (("representatives", 0), ("opportunities", 0), ("history", 0)):
        data |= {
            f"{prefix}-TOTAL_FORMS": count,
            f"{prefix}-INITIAL_FORMS": count,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    return {**data, **changes}


@pytest.mark.django_db
def test_a_staff_edit_is_recorded_field_by_field_and_found_by_search(client, networker):
    entry = AssociationFactory(name="Alter Name", categories=[category("sport")])
    other_place = MunicipalityFactory(name="Osterrönfeld")
    response = client.post(
        f"{ADMIN}association/{entry.pk}/change/",
        _form_data(
            entry,
            name="Ringreiterverein Osterrönfeld",
            municipality=other_place.pk,
            categories=[category("heimat").pk],
            verified="on",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    changes = {
        c.field: (c.old_value, c.new_value)
        for c in entry.history.filter(source=AssociationChange.Source.STAFF, changed_by=networker)
    }
    assert changes == {
        "name": ("Alter Name", "Ringreiterverein Osterrönfeld"),
        "municipality": (entry.municipality.name, "Osterrönfeld"),
        "categories": ("Sport & Bewegung", "Heimat, Brauchtum & Plattdeutsch"),
        "verified": ("False", "True"),
    }
    assert [a.pk for a in search_associations(Filters(q="Ringreiter"))] == [entry.pk]


@pytest.mark.django_db
def test_status_cannot_be_posted_in_the_form(client, networker, directory):
    proposal = directory["proposal"]
    slug = proposal.slug
    response = client.post(
        f"{ADMIN}association/{proposal.pk}/change/",
        _form_data(proposal, status="published", hidden_reason="", slug="gekapert"),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.slug) == (Association.Status.PROPOSED, slug)


@pytest.mark.django_db
def test_an_entry_added_in_admin_is_published_with_an_address_and_history(client, networker):
    place = MunicipalityFactory(name="Jevenstedt")
    template = AssociationFactory(municipality=place)
    data = _form_data(
        template,
        name="Tafel Jevenstedt",
        description="Lebensmittel für alle.",
        categories=[category("soziales").pk],
    )
    template.delete()
    response = client.post(f"{ADMIN}association/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = Association.objects.get(name="Tafel Jevenstedt")
    assert (entry.status, entry.slug) == (
        Association.Status.PUBLISHED,
        "tafel-jevenstedt-jevenstedt",
    )
    assert entry.history.get().field == "created"


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "logo.png"
    return buffer


@pytest.mark.django_db
def test_staff_upload_a_logo_which_is_re_encoded_and_recorded(
    client, networker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    entry = AssociationFactory()
    response = client.post(
        f"{ADMIN}association/{entry.pk}/change/", _form_data(entry, new_logo=_png())
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.logo.name.endswith(".webp")
    assert entry.history.get(field="logo").new_value == entry.logo.name
    html = client.get(f"{ADMIN}association/{entry.pk}/change/").content.decode()
    assert entry.logo.url in html


@pytest.mark.django_db
def test_an_svg_logo_is_refused_with_a_message(client, networker):
    entry = AssociationFactory()
    svg = io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    svg.name = "logo.png"
    response = client.post(
        f"{ADMIN}association/{entry.pk}/change/", _form_data(entry, new_logo=svg)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["new_logo"]
    entry.refresh_from_db()
    assert not entry.logo


@pytest.mark.django_db
def test_staff_name_a_representative_by_address_and_it_is_recorded(client, networker):
    entry = AssociationFactory()
    person = UserFactory(email="kassenwart@beispiel.de")
    data = _form_data(
        entry,
        **{
            "representatives-TOTAL_FORMS": 1,
            "representatives-INITIAL_FORMS": 0,
            "representatives-0-email": "Kassenwart@Beispiel.de",
        },
    )
    response = client.post(f"{ADMIN}association/{entry.pk}/change/", data)
    assert response.status_code == 302
    assert Representative.objects.filter(association=entry, user=person).exists()
    assert entry.history.get(field="representative").new_value == str(person)
    again = client.post(f"{ADMIN}association/{entry.pk}/change/", data)
    assert again.status_code == 200  # named twice: a form error, not a database error
    unknown = data | {"representatives-0-email": "niemand@beispiel.de"}
    assert client.post(f"{ADMIN}association/{entry.pk}/change/", unknown).status_code == 200


@pytest.mark.django_db
def test_removing_a_representative_in_its_own_list_is_recorded(client, networker):
    representative = RepresentativeFactory()
    response = client.post(f"{ADMIN}representative/{representative.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    change = representative.association.history.get(field="representative")
    assert (change.old_value, change.new_value, change.source) == (
        str(representative.user),
        "",
        "staff",
    )


@pytest.mark.django_db
def test_the_entry_page_shows_only_the_newest_history(client, networker):
    entry = AssociationFactory()
    AssociationChange.objects.bulk_create(
        AssociationChange(
            association=entry,
            source="staff",
            field="phone",
            new_value=f"Nummer {n}",
            changed_at=timezone.now() - timedelta(minutes=100 - n),
        )
        for n in range(100)
    )
    response = client.get(f"{ADMIN}association/{entry.pk}/change/")
    html = response.content.decode()
    assert "Nummer 99" in html
    assert "Nummer 79" not in html
    assert "All changes (100)" in html or "Alle Änderungen (100)" in html


# --- Lists whose queries do not grow ----------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_association_list_needs_the_same_queries_for_10_or_500_entries(client, networker):
    # session, user, second factor, permissions ×2, the categories and the Ämter for the
    # filters, counts ×2, the rows with their municipality and number of representatives (one
    # query): 10, for 10 entries as for 500 (the page shows 100)
    def entries(count):
        for association in AssociationFactory.create_batch(count):
            RepresentativeFactory(association=association)

    entries(10)
    client.get(f"{ADMIN}association/")  # warm-up: content types, translations
    assert _queries(client, f"{ADMIN}association/") == 10
    entries(490)
    assert _queries(client, f"{ADMIN}association/") == 10
    unrepresented = client.get(f"{ADMIN}association/?represented=no").context["cl"]
    assert (unrepresented.result_count, unrepresented.full_result_count) == (0, 500)


@pytest.mark.django_db
def test_the_entry_page_needs_the_same_queries_for_few_or_many_rows_around_it(client, networker):
    entry = AssociationFactory()

    def add(count):
        for _ in range(count):
            RepresentativeFactory(association=entry)
            OpportunityFactory(association=entry)
            services.record_staff_edit(
                association=entry, staff=networker, changes=[("phone", "1", "2")]
            )

    add(3)
    client.get(f"{ADMIN}association/{entry.pk}/change/")
    few = _queries(client, f"{ADMIN}association/{entry.pk}/change/")
    add(27)
    assert _queries(client, f"{ADMIN}association/{entry.pk}/change/") == few


# --- Export and import ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_button_exports_the_filtered_list(client, networker, directory):
    hidden = AssociationFactory(name="Versteckt", status=Association.Status.HIDDEN)
    response = client.get(f"{ADMIN}association/export/?status__exact=hidden")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffregister_number;name;")
    assert hidden.name in text
    assert "TSV Hohn" not in text
    html = client.get(f"{ADMIN}association/?status__exact=hidden").content.decode()
    assert f"{ADMIN}association/export/?status__exact=hidden" in html


@pytest.mark.django_db
def test_the_export_action_exports_the_selected_entries(client, networker, directory):
    response = _action(client, "association", "export_selected", [directory["entry"]])
    text = response.content.decode("utf-8")
    assert text.count("\r\n") == 2
    assert "TSV Hohn" in text


def _upload(text: str, name: str = "vereine.csv") -> io.BytesIO:
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


@pytest.mark.django_db
def test_the_import_page_checks_first_and_imports_on_confirmation(client, networker):
    place = MunicipalityFactory(name="Hohn")
    text = "name;gemeinde;categories\nTSV Hohn;Hohn;sport\nChor Hohn;Hohn;kultur-musik\n"
    dry = client.post(f"{ADMIN}association/import/", {"file": _upload(text)})
    assert dry.status_code == 200
    assert [line.label for line in dry.context["report"].created] == [
        "TSV Hohn (Hohn)",
        "Chor Hohn (Hohn)",
    ]
    assert not Association.objects.exists()
    token = dry.context["token"]
    done = client.post(f"{ADMIN}association/import/", {"token": token})
    assert done.status_code == 200
    assert Association.objects.filter(municipality=place).count() == 2
    assert set(AssociationChange.objects.values_list("changed_by", flat=True)) == {networker.pk}
    again = client.post(f"{ADMIN}association/import/", {"token": token}, follow=True)
    assert Association.objects.count() == 2  # a token is used once
    assert again.redirect_chain[-1][0] == f"{ADMIN}association/import/"


@pytest.mark.django_db
def test_the_import_page_shows_the_problems_by_line_and_changes_nothing(client, networker):
    MunicipalityFactory(name="Hohn")
    text = "name;gemeinde\nTSV Hohn;Hohn\nChor;Nirgendwo\n"
    response = client.post(f"{ADMIN}association/import/", {"file": _upload(text)})
    html = response.content.decode()
    assert re.search(r"vereine\.csv: (Line|Zeile) 3:", html)
    assert "token" not in response.context
    assert not Association.objects.exists()


@pytest.mark.django_db
def test_another_person_cannot_import_a_file_someone_else_checked(client, networker):
    MunicipalityFactory(name="Hohn")
    dry = client.post(f"{ADMIN}association/import/", {"file": _upload("name;gemeinde\nA;Hohn\n")})
    other = _staff_in(VERNETZUNG)
    log_in_with_second_factor(client, other)
    client.post(f"{ADMIN}association/import/", {"token": dry.context["token"]})
    assert not Association.objects.exists()


@pytest.mark.django_db
def test_a_hostile_upload_gets_a_message_not_an_error_page(client, networker):
    for content in (b"\x00\xff\xfe", b"", "name;gemeinde\n\x00;\u2028\n".encode()):
        upload = io.BytesIO(content)
        upload.name = "../../etc/passwd"
        response = client.post(f"{ADMIN}association/import/", {"file": upload})
        assert response.status_code == 200
    assert not Association.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["?gibtsnicht=1", "?status__exact=%00", "?o=99", "?q=%27%22%3C%00%25", "?p=-1"],
)
def test_hostile_list_parameters_never_end_in_an_error_page(client, networker, directory, query):
    for page in ("association/export/", "association/", "association/moderation/"):
        assert client.get(f"{ADMIN}{page}{query}").status_code in (200, 302), page
    if query.startswith("?q="):  # a search term with NUL: a message, and the whole list
        assert client.get(f"{ADMIN}association/{query}").status_code == 200
