"""Real browser: a representative edits the entry (description live at once, name after the
office approves), a volunteer sends "Interesse melden", and every self-service page – with form
errors, empty results and the link pages – passes axe-core at 320 px and desktop width without
horizontal scrolling."""

import re

import pytest
from django.urls import reverse

from mailings.models import Email
from network import services
from network.models import Association, ChangeRequest, Claim, Invitation
from tests.e2e.conftest import DESKTOP, NARROW
from tests.factories import PASSWORD, UserFactory
from tests.network.factories import (
    AssociationFactory,
    MunicipalityFactory,
    OpportunityFactory,
    RepresentativeFactory,
    category,
)
from tests.network.selfservice import tolerate_missing_admin_pages, vernetzung_staff


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    tolerate_missing_admin_pages(monkeypatch)


def _log_in(page, live_server, user):
    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + reverse("account_overview"))


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def check(page, assert_accessible):
    """axe-core and no horizontal scrolling, at desktop width and at 320 px, for the page as
    it is now (a form with errors stays as it is: only the window changes)."""

    def run(label):
        assert page.locator("h1").count() == 1, label
        for viewport in (DESKTOP, NARROW):
            page.set_viewport_size(viewport)
            assert _no_horizontal_scroll(page), f"{label} at {viewport['width']} px"
            assert_accessible(page, f"{label} at {viewport['width']} px")
        page.set_viewport_size(DESKTOP)

    return run


def _submit(page):
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.fixture
def association(transactional_db):
    town = MunicipalityFactory(name="Westensee", amt__name="Achterwehr")
    return AssociationFactory(
        name="Heimatverein Westensee",
        slug="heimatverein-westensee",
        municipality=town,
        email="vorstand@heimatverein-westensee.de",
        categories=[category("heimat")],
    )


def test_a_representative_edits_the_description_at_once_and_the_name_after_review(
    page, live_server, association, check
):
    representative = RepresentativeFactory(association=association).user
    _log_in(page, live_server, representative)
    page.goto(live_server.url + reverse("network:edit", args=[association.slug]))
    check("edit")
    page.fill("textarea[name=description]", "Wir pflegen Plattdeutsch und Boßeln.")
    _submit(page)
    assert page.get_by_text("Ihre Änderungen sind veröffentlicht.").is_visible()
    association.refresh_from_db()
    assert association.description == "Wir pflegen Plattdeutsch und Boßeln."

    page.fill("input[name=name]", "Heimat- und Kulturverein Westensee")
    _submit(page)
    assert page.get_by_role("heading", name="Wartet auf die Prüfung durch das Büro").is_visible()
    check("edit with a pending change")
    association.refresh_from_db()
    assert association.name == "Heimatverein Westensee"

    services.approve_change_request(
        change_request=ChangeRequest.objects.get(), staff=vernetzung_staff()
    )
    page.reload()
    assert page.locator("h1").inner_text() == "Heimat- und Kulturverein Westensee bearbeiten"
    assert page.get_by_text("Wartet auf die Prüfung").count() == 0

    page.fill("textarea[name=description]", "")
    page.fill("input[name=postal_code]", "24A")
    _submit(page)
    page.locator("#error-summary").wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    check("edit with errors")


def test_a_volunteer_expresses_interest_and_the_representative_gets_the_mail(
    page, live_server, association, check
):
    representative = RepresentativeFactory(association=association).user
    opportunity = OpportunityFactory(
        association=association,
        title="Plattdeutsch-Lesepat:in",
        category=category("heimat"),
        hours_per_month=4,
    )
    volunteer = UserFactory(first_name="Vera", last_name="Freiwillig")
    page.goto(live_server.url + reverse("network:opportunities"))
    check("opportunity list")
    page.fill("input[name=q]", "Lesepat")
    page.select_option("select[name=category]", "heimat")
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    assert "category=heimat" in page.url
    check("opportunity list filtered")
    page.get_by_role("link", name="Plattdeutsch-Lesepat:in").click()
    check("opportunity detail")
    page.get_by_role("link", name="Interesse melden").click()
    page.wait_for_url(re.compile(r"/konto/login/"))
    page.fill("input[name=login]", volunteer.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + reverse("network:interest", args=[opportunity.pk]))
    check("interest form")
    _submit(page)
    page.locator("#error-summary").wait_for()
    check("interest form with errors")
    page.fill("textarea[name=message]", "Ich lese gern vor und habe mittwochs Zeit.")
    _submit(page)
    assert page.get_by_text("Ihre Nachricht ist unterwegs").is_visible()
    mail = Email.objects.get(template="emails/network/interest")
    assert mail.to == representative.email
    assert mail.reply_to == volunteer.email


def test_an_empty_search_result_suggests_what_to_loosen(page, live_server, association, check):
    OpportunityFactory(association=association, title="Boßeln", category=category("heimat"))
    page.goto(live_server.url + reverse("network:opportunities") + "?q=Boßeln&category=sport")
    assert page.get_by_text("Kein offenes Angebot passt zu Ihrer Suche.").is_visible()
    check("opportunity list, empty")
    page.get_by_role("link", name="in allen Kategorien").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Boßeln").is_visible()


def test_proposing_claiming_and_the_code_pages_are_accessible(
    page, live_server, association, check, mailoutbox
):
    person = UserFactory()
    _log_in(page, live_server, person)
    page.goto(live_server.url + reverse("network:propose"))
    check("propose")
    _submit(page)
    page.locator("#error-summary").wait_for()
    check("propose with errors")
    page.fill("input[name=name]", "Boßelfreunde Westensee")
    page.fill("textarea[name=description]", "Boßeln im Winter.")
    page.locator("label", has_text="Heimat, Brauchtum & Plattdeutsch").click()
    page.select_option("select[name=municipality]", label="Westensee")
    _submit(page)
    assert page.get_by_role(
        "heading", name="Vielen Dank – das Büro prüft Ihren Vorschlag"
    ).is_visible()
    check("proposal thanks")
    assert Association.objects.get(name="Boßelfreunde Westensee").status == "proposed"

    page.goto(live_server.url + reverse("network:claim", args=[association.slug]))
    check("claim")
    page.fill("textarea[name=message]", "Ich bin Schriftführerin.")
    _submit(page)
    claim = Claim.objects.get()
    page.wait_for_url(live_server.url + reverse("network:claim_code", args=[claim.pk]))
    check("claim code")
    page.fill("input[name=code]", "FALSCH00")
    _submit(page)
    page.locator("#error-summary").wait_for()
    check("claim code with errors")
    code = re.search(r"^\s+([A-Z2-9]{8})\s*$", mailoutbox[-1].body, re.MULTILINE).group(1)
    page.fill("input[name=code]", code)
    _submit(page)
    page.wait_for_url(live_server.url + reverse("network:edit", args=[association.slug]))
    page.goto(live_server.url + reverse("account_overview"))
    assert page.get_by_role("heading", name="Mein Verein").is_visible()
    check("account with my association")


def test_representatives_invitation_and_confirmation_pages_are_accessible(
    page, live_server, association, check, mailoutbox
):
    representative = RepresentativeFactory(association=association).user
    _log_in(page, live_server, representative)
    page.goto(live_server.url + reverse("network:representatives", args=[association.slug]))
    check("representatives")
    page.fill("input[name='invite-email']", "kein-mail")
    page.locator("main form button[type=submit]").first.click()
    page.locator("#error-summary").wait_for()
    check("representatives with errors")
    page.fill("input[name='invite-email']", "neu@beispiel.de")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert Invitation.objects.count() == 1
    invitation_path = re.search(r"/vereine/einladung/[^/\s]+/", mailoutbox[-1].body).group(0)

    page.goto(live_server.url + reverse("network:opportunity_create", args=[association.slug]))
    check("opportunity form")
    _submit(page)
    page.locator("#error-summary").wait_for()
    check("opportunity form with errors")
    page.fill("input[name=title]", "Kuchen für das Dorffest")
    page.fill("textarea[name=description]", "Backen Sie einen Kuchen für unser Dorffest.")
    page.locator("label", has_text="einmalig").click()
    _submit(page)
    page.wait_for_url(re.compile(r"/engagement/\d+/bearbeiten/"))
    assert page.get_by_text("Das Angebot ist veröffentlicht.").is_visible()
    check("opportunity edit")

    page.goto(live_server.url + reverse("network:confirm_current", args=["kaputt"]))
    check("confirmation link invalid")
    token = services.confirmation_token(association)
    page.goto(live_server.url + reverse("network:confirm_current", args=[token]))
    check("confirmation link")
    _submit(page)
    assert page.get_by_role("heading", name="Vielen Dank!").is_visible()
    check("confirmation done")

    page.context.clear_cookies()
    _log_in(page, live_server, UserFactory())
    page.goto(live_server.url + invitation_path)
    check("invitation")
    _submit(page)
    page.wait_for_url(live_server.url + reverse("network:edit", args=[association.slug]))
    page.goto(live_server.url + invitation_path)
    assert page.get_by_role("heading", name="Diese Einladung ist nicht mehr gültig").is_visible()
    check("invitation used")
