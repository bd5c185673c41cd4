"""What the law asks the imprint, privacy notice and accessibility statement to name comes from
the staff-editable site configuration, with Schleswig-Holstein's details as defaults."""

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from portal.models import Page, SiteConfiguration
from portal.staff_groups import REDAKTION
from tests.factories import StaffFactory
from tests.helpers import log_in_with_second_factor

LEGAL_FIELDS = [
    "content_responsible",
    "dpo_name",
    "dpo_address",
    "dpo_email",
    "conciliation_name",
    "conciliation_address",
    "conciliation_phone",
    "conciliation_email",
    "conciliation_url",
]
page_texts = importlib.import_module("portal.migrations.0006_legal_page_texts")
first_texts = importlib.import_module("portal.migrations.0002_default_content")


def _html(client, slug, language=None):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("page", args=[slug])).content.decode()


def _h2_texts(html):
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    ]


def _block(html, block_id):
    return html.split(f'id="{block_id}"', 1)[1].split("</section>", 1)[0]


def _configure(**values):
    config = SiteConfiguration.objects.get(id=1)
    for name, value in values.items():
        setattr(config, name, value)
    config.save()  # as admin does: the cached configuration is renewed


@pytest.mark.django_db
def test_the_configuration_starts_with_the_county_and_state_defaults():
    config = SiteConfiguration.load()
    for name in LEGAL_FIELDS:
        assert getattr(config, name) == settings.COUNTY_DEFAULTS[name], name
    assert config.content_responsible == "Landrat des Kreises Rendsburg-Eckernförde"
    assert config.conciliation_name.startswith("Schlichtungsstelle nach dem Landesbehinderten")
    assert config.conciliation_address == "Karolinenweg 1, 24105 Kiel"
    assert config.conciliation_phone == "0431 988-1272"
    assert config.conciliation_email == "schlichtung@landtag.ltsh.de"
    assert config.conciliation_url == "https://www.inklusion.sh/lb-und-aufgaben/schlichtungsstelle/"
    # No guessed e-mail address for the data protection officer: the county's address instead.
    assert config.dpo_email == ""
    assert config.dpo_address == "Kaiserstraße 8, 24768 Rendsburg"


@pytest.mark.django_db
def test_imprint_names_the_person_responsible_from_the_configuration(client):
    _configure(content_responsible="Landrätin Erika Beispiel")
    html = _html(client, "impressum")
    assert "Verantwortlich für den Inhalt" in _h2_texts(html)
    assert _h2_texts(html).count("Verantwortlich für den Inhalt") == 1
    assert "Landrätin Erika Beispiel" in html
    assert "§ 18 Abs. 2" in html
    assert "Kaiserstraße 8<br>24768 Rendsburg" in _block(html, "legal-responsible")
    assert "Die Leitung von" not in html  # the first default text named someone else


@pytest.mark.django_db
def test_privacy_notice_names_the_data_protection_officer_from_the_configuration(client):
    _configure(dpo_name="Frau Dr. Datenschutz", dpo_address="", dpo_email="")
    html = _html(client, "datenschutz")
    assert "Datenschutzbeauftragte" in _h2_texts(html)
    assert "Frau Dr. Datenschutz" in html
    # without an address of their own: the county's, never an invented e-mail address
    assert "Kaiserstraße 8, 24768 Rendsburg" in html
    assert "mailto:datenschutz" not in html

    _configure(dpo_address="Postfach 905, 24758 Rendsburg", dpo_email="dsb@kreis.example")
    html = _html(client, "datenschutz")
    assert "Postfach 905, 24758 Rendsburg" in html
    assert 'href="mailto:dsb@kreis.example"' in html


@pytest.mark.django_db
def test_accessibility_statement_names_the_conciliation_body_from_the_configuration(client):
    html = _html(client, "barrierefreiheit")
    block = _block(html, "schlichtungsverfahren")
    assert "Schlichtungsstelle nach dem Landesbehindertengleichstellungsgesetz (LBGG)" in block
    assert "Karolinenweg 1, 24105 Kiel" in block
    assert 'href="tel:04319881272"' in block
    assert 'href="mailto:schlichtung@landtag.ltsh.de"' in block
    assert 'href="https://www.inklusion.sh/lb-und-aufgaben/schlichtungsstelle/"' in block

    _configure(
        conciliation_name="Schlichtungsstelle Musterland",
        conciliation_address="Musterweg 1, 12345 Musterstadt",
        conciliation_phone="",
        conciliation_email="schlichtung@musterland.example",
        conciliation_url="https://schlichtung.musterland.example/",
    )
    block = _block(_html(client, "barrierefreiheit"), "schlichtungsverfahren")
    assert "Schlichtungsstelle Musterland" in block
    assert "Musterweg 1, 12345 Musterstadt" in block
    assert "tel:" not in block  # an empty detail is left out, not shown empty
    assert 'href="mailto:schlichtung@musterland.example"' in block
    assert 'href="https://schlichtung.musterland.example/"' in block


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "block_id"),
    [("impressum", "legal-responsible"), ("datenschutz", "legal-dpo")],
)
def test_each_legal_block_is_shown_only_on_its_own_page(client, slug, block_id):
    for other in Page.Slug.values:
        assert (f'id="{block_id}"' in _html(client, other)) == (other == slug), other
    assert ('id="legal-conciliation"' in _html(client, slug)) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"), [("de", "Barriere melden"), ("en", "Report a barrier")]
)
def test_accessibility_statement_has_one_report_a_barrier_heading(client, language, heading):
    html = _html(client, "barrierefreiheit", language)
    headings = _h2_texts(html)
    assert headings.count(heading) == 1, headings
    assert len(headings) == len(set(headings)), headings
    # the text points to the form; the form keeps its address
    assert 'id="barriere-melden"' in html
    assert f'action="{reverse("barrier_report")}"' in html


@pytest.mark.django_db
def test_staff_edit_the_legal_details_in_admin_and_the_pages_show_them(client):
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name=REDAKTION))
    log_in_with_second_factor(client, editor)
    url = reverse("admin:portal_siteconfiguration_change", args=[1])
    form_page = client.get(url).content.decode()
    for legend in ("Impressum", "Datenschutzbeauftragte", "Schlichtungsstelle"):
        assert legend in form_page
    config = SiteConfiguration.load()
    data = {
        field.name: getattr(config, field.name)
        for field in SiteConfiguration._meta.fields
        if field.name not in ("id", "logo")
    }
    data.update(
        content_responsible="Landrätin Erika Beispiel",
        dpo_email="dsb@kreis.example",
        conciliation_phone="0431 000-0",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert "Landrätin Erika Beispiel" in _html(client, "impressum")
    assert 'href="mailto:dsb@kreis.example"' in _html(client, "datenschutz")
    assert "0431 000-0" in _html(client, "barrierefreiheit")


@pytest.mark.django_db
def test_staff_cannot_empty_the_names_the_law_asks_for(client):
    from django.core.exceptions import ValidationError

    config = SiteConfiguration.load()
    config.content_responsible = ""
    config.conciliation_name = ""
    config.dpo_name = ""
    with pytest.raises(ValidationError) as error:
        config.full_clean(validate_unique=False, validate_constraints=False)
    assert {"content_responsible", "conciliation_name", "dpo_name"} <= set(error.value.message_dict)


def _first_default(slug, field):
    values = {key: settings.COUNTY_DEFAULTS[key] for key in page_texts.VALUE_KEYS}
    return first_texts.PAGES[slug][field].format(**values)


@pytest.mark.django_db
def test_text_migration_updates_pages_that_still_have_the_first_default_text():
    Page.objects.filter(slug="impressum").update(body=_first_default("impressum", "body"))
    Page.objects.filter(slug="barrierefreiheit").update(
        body_en=_first_default("barrierefreiheit", "body_en")
    )
    page_texts.forward(apps, None)
    imprint = Page.objects.get(slug="impressum")
    assert "Verantwortlich für den Inhalt" not in imprint.body
    assert "## Haftung für Links" in imprint.body
    accessibility = Page.objects.get(slug="barrierefreiheit")
    assert "## Report a barrier" not in accessibility.body_en
    assert "## Feedback and contact" in accessibility.body_en


@pytest.mark.django_db
def test_text_migration_leaves_pages_staff_have_edited_alone():
    edited = _first_default("barrierefreiheit", "body") + "\n\nVon der Redaktion ergänzt."
    Page.objects.filter(slug="barrierefreiheit").update(body=edited)
    page_texts.forward(apps, None)
    assert Page.objects.get(slug="barrierefreiheit").body == edited


@pytest.mark.django_db
def test_text_migration_is_reversible():
    page_texts.backward(apps, None)
    assert Page.objects.get(slug="impressum").body == _first_default("impressum", "body")
    page_texts.forward(apps, None)
    assert "Verantwortlich für den Inhalt" not in Page.objects.get(slug="impressum").body
