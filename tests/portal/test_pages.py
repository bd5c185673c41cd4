import pytest
from django.urls import reverse

from mailings.models import Email
from portal.models import Page, SiteConfiguration
from tests.queries import assert_queries_do_not_grow
from tests.rows import add_rows_of_every_kind

PAGE_SLUGS = [choice.value for choice in Page.Slug]


@pytest.mark.django_db
def test_start_page_shows_the_four_pillars_and_the_county(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Kreis Rendsburg-Eckernförde" in html
    assert 'href="#main"' in html  # skip link
    for link in ("impressum", "datenschutz", "barrierefreiheit", "leichte-sprache", "kontakt"):
        assert reverse("page", args=[link]) in html


# The start page and the content pages list no rows yet; they are counted with 3 and with 30
# rows of every kind the portal holds (tests/rows.py), so a list that joins them later (news,
# dates, opportunities) shows up here as soon as it costs a query per row.


@pytest.mark.django_db
def test_start_page_needs_three_queries_whatever_the_data(client):
    # the site configuration; an anonymous visitor has no session row; the Infothek's home
    # sections (issue 10): the three newest news items and the next three deadlines, one
    # query each, rendered outside the shared fragment because they change with time
    assert_queries_do_not_grow(
        lambda: client.get(reverse("home")), add_rows=add_rows_of_every_kind, queries=3
    )


@pytest.mark.django_db
def test_start_page_needs_five_queries_for_a_logged_in_person_whatever_the_data(client, user):
    client.force_login(user)
    # session, user, site configuration; the Infothek's news and deadlines (issue 10)
    assert_queries_do_not_grow(
        lambda: client.get(reverse("home")),
        add_rows=lambda count: add_rows_of_every_kind(count, person=user),
        queries=5,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("slug", PAGE_SLUGS)
def test_content_pages_need_two_queries_whatever_the_data(client, slug):
    # site configuration + the page
    _small, large = assert_queries_do_not_grow(
        lambda: client.get(reverse("page", args=[slug])),
        add_rows=add_rows_of_every_kind,
        queries=2,
    )
    assert large.content.decode().count("<h1") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("slug", PAGE_SLUGS)
def test_content_pages_render_with_default_texts(client, slug):
    response = client.get(reverse("page", args=[slug]))
    assert response.status_code == 200
    assert response.context["page"].slug == slug
    assert response.content.decode().count("<h1") == 1


@pytest.mark.django_db
def test_staff_edit_of_a_page_is_shown(client):
    Page.objects.filter(slug="impressum").update(body="## Neu\nGeänderter Text von der Redaktion")
    html = client.get(reverse("page", args=["impressum"])).content.decode()
    assert "<h2>Neu</h2>" in html
    assert "Geänderter Text von der Redaktion" in html


@pytest.mark.django_db
def test_page_text_is_escaped(client):
    Page.objects.filter(slug="kontakt").update(body="<script>alert(1)</script>")
    html = client.get(reverse("page", args=["kontakt"])).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_unknown_page_is_404_in_the_portal_layout(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert 'href="#main"' in response.content.decode()


@pytest.mark.django_db
def test_barrier_report_reaches_the_office_through_the_outbox(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("barrier_report"),
            {
                "description": "Der Kontrast ist zu schwach.",
                "page_url": "/",
                "name": "Hanna",
                "email": "hanna@beispiel.de",
            },
        )
    assert response.status_code == 302
    email = Email.objects.get()
    assert email.to == SiteConfiguration.load().email
    assert "Der Kontrast ist zu schwach." in email.body_text
    assert len(mailoutbox) == 1
    assert mailoutbox[0].reply_to == ["hanna@beispiel.de"]


@pytest.mark.django_db
def test_empty_barrier_report_shows_errors_and_sends_nothing(client):
    response = client.post(reverse("barrier_report"), {"description": "", "email": "kein-mail"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'aria-invalid="true"' in html
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_health_answers(client):
    response = client.get(reverse("health"))
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_security_headers_and_csp_without_inline_script(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_german_is_shown_even_to_an_english_browser(client):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="de"' in html
    assert "Zum Inhalt springen" in html


@pytest.mark.django_db
def test_language_switch_cookie_chooses_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en"' in html
    assert "Skip to content" in html


@pytest.mark.django_db
def test_profile_language_applies_after_login(client, user):
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    assert '<html lang="en"' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_barrier_reports_are_rate_limited_per_address(client):
    url = reverse("barrier_report")
    for _ in range(5):
        assert client.post(url, {"description": "Barriere"}).status_code == 302
    response = client.post(url, {"description": "noch eine"})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert Email.objects.count() == 5


@pytest.mark.django_db
def test_theme_colour_comes_from_the_site_configuration(client):
    config = SiteConfiguration.load()
    config.theme_color = "#8a1538"
    config.save()  # as admin does: the cached configuration is renewed
    response = client.get(reverse("theme_css"))
    assert response["Content-Type"].startswith("text/css")
    assert "--portal-theme: #8a1538" in response.content.decode()
    assert reverse("theme_css") in client.get(reverse("home")).content.decode()


def test_server_error_page_renders_without_the_database(rf):
    from portal.views import error_500

    response = error_500(rf.get("/"))  # no db fixture: any query would raise here
    html = response.content.decode()
    assert "Kreis Rendsburg-Eckernförde" in html
    assert response.status_code == 500
    assert html.count("<h1") == 1
    assert 'href="#main"' in html


@pytest.mark.django_db
def test_language_switch_accepts_regional_codes_and_remembers_it_in_the_profile(client, user):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en-us", "next": "/"})
    assert '<html lang="en"' in client.get(reverse("home")).content.decode()
    user.refresh_from_db()
    assert user.language == "en"


def test_server_error_page_is_in_the_active_language(rf):
    from django.utils import translation

    from portal.views import error_500

    with translation.override("en"):
        html = error_500(rf.get("/")).content.decode()
    assert '<html lang="en"' in html


@pytest.mark.parametrize(
    ("color", "ok"), [("#005c8a", True), ("#767676", True), ("#ffdd00", False)]
)
def test_theme_colour_needs_contrast_to_white(color, ok):
    from django.core.exceptions import ValidationError

    config = SiteConfiguration(
        county_name="Kreis",
        office_name="Büro",
        email="a@beispiel.de",
        content_responsible="Landrat",
        dpo_name="Datenschutzbeauftragte",
        conciliation_name="Schlichtungsstelle",
        theme_color=color,
    )
    if ok:
        config.full_clean(validate_unique=False, validate_constraints=False)
    else:
        with pytest.raises(ValidationError, match="theme_color"):
            config.full_clean(validate_unique=False, validate_constraints=False)


@pytest.mark.django_db
def test_a_barrier_report_the_outbox_cannot_send_is_not_acknowledged_as_received(client):
    """An office address saved before the address rule existed: the reporter is told so."""
    SiteConfiguration.objects.filter(id=1).update(email='"büro\x0bx"@kreis.de')
    response = client.post(reverse("barrier_report"), {"description": "Kontrast zu schwach"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert not Email.objects.exists()
