"""The layout's shared fragments: rendered once per process, never wrong for anyone."""

import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from network.models import Municipality
from portal import models as portal_models
from portal.forms import BarrierReportForm
from portal.models import SiteConfiguration
from portal.templatetags.portal import forget_shared_fragments, shared_form_key


@pytest.mark.django_db
def test_layout_shows_head_header_language_switch_navigation_and_footer(client):
    html = client.get(reverse("home")).content.decode()
    for expected in (
        'rel="stylesheet" href="/static/vendor/kern/kern.min.css"',
        'href="/static/css/portal.css"',
        f'href="{reverse("theme_css")}"',
        'src="/static/js/portal.js" defer',
        'href="#main"',
        "Offizielle Website – Kreis Rendsburg-Eckernförde",
        'class="portal-brand__name">De Kloormokers<',
        f'action="{reverse("set_language")}"',
        'value="de" lang="de" aria-current="true">Deutsch<',
        'value="en" lang="en">English<',
        f'href="{reverse("account_login")}"',
        f'href="{reverse("account_signup")}"',
        'class="portal-footer__address"',
        f'href="{reverse("page", args=["impressum"])}"',
        f'href="{reverse("page", args=["kontakt"])}"',
    ):
        assert expected in html, expected


@pytest.mark.django_db
def test_a_page_from_the_shared_fragments_is_the_page_rendered_afresh(client):
    for path in ("/", "/impressum/", "/barrierefreiheit/", "/konto/login/", "/konto/signup/"):
        fresh = client.get(path).content.decode()
        kept = client.get(path).content.decode()
        forget_shared_fragments()
        again = client.get(path).content.decode()
        # CSRF tokens are masked anew for every response: they are the only difference.
        assert _without_tokens(kept) == _without_tokens(fresh) == _without_tokens(again), path


@pytest.mark.django_db
def test_each_page_marks_itself_in_the_navigation(client):
    login = client.get(reverse("account_login")).content.decode()
    signup = client.get(reverse("account_signup")).content.decode()
    assert f'href="{reverse("account_login")}" aria-current="page"' in login
    assert f'href="{reverse("account_signup")}" aria-current="page"' not in login
    assert f'href="{reverse("account_signup")}" aria-current="page"' in signup
    assert f'href="{reverse("account_login")}" aria-current="page"' not in signup


@pytest.mark.django_db
def test_each_language_gets_its_own_layout(client):
    assert "Zum Inhalt springen" in client.get("/").content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    html = english.get("/").content.decode()
    assert "Skip to content" in html
    assert 'value="en" lang="en" aria-current="true">English<' in html
    assert "Zum Inhalt springen" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_saved_site_configuration_shows_at_once_in_header_footer_and_start_page(client):
    client.get("/")  # the fragments are kept now
    config = SiteConfiguration.objects.get(id=1)
    config.office_name = "Ehrenamtsbüro Nord"
    config.phone = "0431 99 88"
    config.save()
    html = client.get("/").content.decode()
    assert 'class="portal-brand__name">Ehrenamtsbüro Nord<' in html  # header
    assert 'class="portal-footer__name">Ehrenamtsbüro Nord<' in html  # footer
    assert 'class="kern-heading-x-large">Ehrenamtsbüro Nord<' in html  # start page
    assert "0431 99 88" in html


@pytest.mark.django_db
def test_a_staff_edit_of_a_page_shows_at_once(client):
    client.get("/impressum/")
    portal_models.Page.objects.get(slug="impressum").save()  # as admin does: a new timestamp
    page = portal_models.Page.objects.get(slug="impressum")
    page.body = "Ganz neuer Text"
    page.save()
    assert "Ganz neuer Text" in client.get("/impressum/").content.decode()


@pytest.mark.django_db
def test_a_logged_in_person_gets_their_navigation_and_a_fresh_logout_token(client, user):
    Client().get("/")  # a visitor's navigation is kept first
    client.force_login(user)
    first = client.get("/").content.decode()
    second = client.get("/").content.decode()
    assert f'href="{reverse("account_overview")}"' in first
    assert f'action="{reverse("account_logout")}"' in first
    tokens = [_tokens(html) for html in (first, second)]
    assert tokens[0]
    assert tokens[1]
    assert tokens[0] != tokens[1]
    assert f'href="{reverse("account_overview")}"' not in Client().get("/").content.decode()


@pytest.mark.django_db
def test_the_language_switch_returns_to_the_page_it_was_on(client):
    client.get("/impressum/")
    html = client.get("/kontakt/?von=start").content.decode()
    assert 'name="next" value="/kontakt/?von=start"' in html


@pytest.mark.django_db
def test_a_failed_form_is_never_kept_and_never_shown_to_the_next_visitor(client):
    client.get("/barrierefreiheit/")  # the empty form is kept
    failed = client.post(reverse("barrier_report"), {"description": "", "email": "kein-mail"})
    assert 'aria-invalid="true"' in failed.content.decode()
    fresh = Client().get("/barrierefreiheit/").content.decode()
    assert 'aria-invalid="true"' not in fresh
    assert "kein-mail" not in fresh


def test_only_an_unbound_form_without_values_or_database_choices_is_shared():
    class WithChoices(forms.Form):
        place = forms.ModelChoiceField(queryset=Municipality.objects.none())

    assert shared_form_key(BarrierReportForm()) is not None
    assert shared_form_key(BarrierReportForm({"description": "x"})) is None  # bound
    assert shared_form_key(BarrierReportForm(initial={"email": "a@beispiel.de"})) is None
    assert shared_form_key(WithChoices()) is None
    changed = BarrierReportForm()
    changed.fields["name"].widget.attrs["autofocus"] = True
    assert shared_form_key(changed) != shared_form_key(BarrierReportForm())


@pytest.mark.django_db
def test_the_start_page_needs_only_its_sections_queries_once_the_configuration_is_known(
    client, django_assert_num_queries
):
    client.get("/")
    # The site configuration is kept in the process (LOCAL_SECONDS); no session for a visitor.
    # The sections below the pillars change with time and are read on every request: the
    # Infothek's newest news and next deadlines (issue 10), one query each.
    with django_assert_num_queries(2):
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_an_edit_made_elsewhere_shows_within_the_local_seconds(
    monkeypatch, django_assert_num_queries
):
    now = [1000.0]
    monkeypatch.setattr(portal_models.time, "monotonic", lambda: now[0])
    assert SiteConfiguration.load().office_name == "De Kloormokers"
    # Another process saves: the shared cache entry is gone, this process's copy is not.
    SiteConfiguration.objects.filter(id=1).update(office_name="Anderswo")
    portal_models.cache.delete(portal_models.CACHE_KEY)
    with django_assert_num_queries(0):
        assert SiteConfiguration.load().office_name == "De Kloormokers"
    now[0] += portal_models.LOCAL_SECONDS + 1
    assert SiteConfiguration.load().office_name == "Anderswo"


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["impressum", "barrierefreiheit"])
def test_a_content_page_needs_no_query_once_it_is_known(client, slug, django_assert_num_queries):
    client.get(f"/{slug}/")
    # The page row is kept in the process like the site configuration (LOCAL_SECONDS).
    with django_assert_num_queries(0):
        assert client.get(f"/{slug}/").status_code == 200


@pytest.mark.django_db
def test_a_content_page_whose_row_is_gone_is_404(client):
    portal_models.Page.objects.filter(slug="kontakt").delete()
    assert client.get("/kontakt/").status_code == 404


def test_a_label_or_help_text_set_for_one_request_gets_its_own_fragment():
    relabelled = BarrierReportForm()
    relabelled.fields["name"].label = "Ihr Vorname"
    helped = BarrierReportForm()
    helped.fields["email"].help_text = "Nur für eine Antwort."
    keys = {shared_form_key(form) for form in (BarrierReportForm(), relabelled, helped)}
    assert len(keys) == 3
    assert shared_form_key(BarrierReportForm()) == shared_form_key(BarrierReportForm())
