"""Teilnahmebescheinigung: a PDF for attendees in the county's design, downloadable by its
owner only, checked by anyone with the code (name, course, dates, hours, issue date only)."""

import io

import pypdf
import pytest
from django.urls import reverse

from portal.models import SiteConfiguration
from tests.factories import UserFactory
from tests.queries import assert_queries_do_not_grow
from trainings import certificates, services
from trainings.models import Certificate, Registration

from .factories import past_course

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(page.extract_text() for page in reader.pages)


def _attended(user=None, **course_values) -> Registration:
    """A confirmed seat in a course that took place last week, marked as attended."""
    course = past_course(capacity=5, **course_values)
    registration = Registration.objects.create(
        course=course,
        user=user or UserFactory(first_name="Greta", last_name="Paulsen"),
        status=Registration.Status.CONFIRMED,
    )
    services.mark_attendance(registrations=[registration], attended=True)
    registration.refresh_from_db()
    return registration


def _certificate(user=None) -> Certificate:
    return services.issue_certificate(registration=_attended(user))


def _pdf_url(registration) -> str:
    return reverse("trainings:certificate_pdf", args=[registration.pk])


# --- The PDF --------------------------------------------------------------------------------------


def test_the_certificate_pdf_names_holder_course_dates_hours_code_and_check_address():
    site = SiteConfiguration.load()
    certificate = _certificate()
    pdf = certificates.certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Greta Paulsen" in text
    assert certificate.course_title in text
    assert certificate.dates_text.split(",")[0] in text  # the date, e.g. 19.11.2026
    assert certificate.hours == 4
    assert "4 Stunden" in text or "4 hours" in text
    assert certificate.code in text
    assert f"/fortbildungen/bescheinigung/{certificate.code}/" in text.replace("\n", "")
    assert site.office_name in text
    assert site.county_name in text


def test_the_pdf_is_made_without_the_network_only_local_files_are_fetched():
    _module, fetcher_class = certificates._weasyprint()
    fetcher = fetcher_class()
    with pytest.raises(ValueError, match="only local"):
        fetcher.fetch("https://example.org/tracker.png")
    with pytest.raises(ValueError, match="only local"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="not a local file"):
        fetcher.fetch("static:../../etc/passwd")
    font = fetcher.fetch("static:vendor/kern/fonts/kloor-sans/KloorSans-Regular.woff2")
    assert font.read(4) == b"wOF2"


def test_the_pdf_uses_the_theme_colour_and_the_portal_font():
    site = SiteConfiguration.load()
    site.theme_color = "#7a1f5c"
    site.save()
    SiteConfiguration.forget_local_copy()
    pdf = certificates.certificate_pdf(_certificate())
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = [str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()]
    assert any("KloorSans" in name for name in fonts), fonts
    # #7a1f5c as the PDF's colour components (0.478 0.122 0.361)
    assert b"0.478" in page.get_contents().get_data()


def test_the_sign_in_sheet_lists_the_confirmed_participants_with_course_and_venue():
    registration = _attended()
    course = registration.course
    waiting = UserFactory(first_name="Malte", last_name="Boysen")
    Registration.objects.create(course=course, user=waiting, status="waitlisted", position=1)
    text = _text(certificates.sign_in_sheet_pdf(course))
    assert "Greta Paulsen" in text
    assert "Malte Boysen" not in text  # the waiting list does not sign in
    assert course.title in text
    assert course.venue.name in text


# --- The owner's download -------------------------------------------------------------------------


def test_the_owner_downloads_the_certificate_as_pdf(client):
    certificate = _certificate()
    client.force_login(certificate.registration.user)
    response = client.get(_pdf_url(certificate.registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert certificate.code in _text(response.content)


def test_anonymous_is_sent_to_the_login(client):
    certificate = _certificate()
    response = client.get(_pdf_url(certificate.registration))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_another_volunteer_gets_404(client):
    certificate = _certificate()
    client.force_login(UserFactory())
    assert client.get(_pdf_url(certificate.registration)).status_code == 404


def test_a_non_attendee_gets_no_certificate_and_404(client):
    registration = _attended()
    services.mark_attendance(registrations=[registration], attended=False)
    with pytest.raises(services.TrainingError):
        services.issue_certificate(registration=registration)
    client.force_login(registration.user)
    assert client.get(_pdf_url(registration)).status_code == 404


def test_an_attendee_without_an_issued_certificate_gets_404(client):
    registration = _attended()
    client.force_login(registration.user)
    assert client.get(_pdf_url(registration)).status_code == 404


def test_an_unknown_or_huge_registration_number_is_404(client):
    client.force_login(UserFactory())
    assert client.get("/konto/fortbildungen/99999999/bescheinigung.pdf").status_code == 404
    assert (
        client.get("/konto/fortbildungen/99999999999999999999/bescheinigung.pdf").status_code == 404
    )


# --- The public check -----------------------------------------------------------------------------


def test_the_check_shows_name_course_dates_hours_and_issue_date_only(client):
    certificate = _certificate()
    certificate.registration.user.email = "greta@example.org"
    response = client.get(reverse("trainings:verify_code", args=[certificate.code]))
    assert response.status_code == 200
    html = response.content.decode()
    for value in (certificate.holder_name, certificate.course_title, certificate.dates_text):
        assert value in html
    assert "4" in html
    assert certificate.registration.user.email not in html
    assert html.count("<h1") == 1


def test_the_check_form_finds_a_code_typed_in_lower_case_without_hyphens(client):
    certificate = _certificate()
    typed = certificate.code.replace("-", "").lower()
    response = client.get(reverse("trainings:verify"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("trainings:verify_code", args=[certificate.code])


def test_an_unknown_code_answers_404_with_a_friendly_page(client):
    response = client.get(reverse("trainings:verify"), {"code": "ABCD-EFGH-JKLM"})
    assert response.status_code == 404
    assert 'id="certificate-not-found"' in response.content.decode()
    response = client.get(reverse("trainings:verify_code", args=["ABCD-EFGH-JKLM"]))
    assert response.status_code == 404
    assert 'id="certificate-not-found"' in response.content.decode()


@pytest.mark.parametrize("code", ["x", "<script>", "A" * 500, "ABCD-EFGH-JKL0", "%00"])
def test_hostile_codes_get_a_friendly_answer_never_an_error(client, code):
    response = client.get(reverse("trainings:verify"), {"code": code})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    response = client.get(f"/fortbildungen/bescheinigung/{code[:200]}/")
    assert response.status_code == 404


def test_the_check_page_without_a_code_shows_the_form(client):
    response = client.get(reverse("trainings:verify"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="code"' in html
    assert "error-summary" not in html


def test_lookups_are_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "training_certificate_check": "3/m/ip",
    }
    certificate = _certificate()
    url = reverse("trainings:verify_code", args=[certificate.code])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(url).status_code == 429
    response = client.get(reverse("trainings:verify"), {"code": certificate.code})
    assert response.status_code == 429
    assert certificate.holder_name not in response.content.decode()


def test_the_check_pins_its_queries_whatever_the_number_of_certificates(client):
    certificate = _certificate()
    url = reverse("trainings:verify_code", args=[certificate.code])
    # 2: the site configuration and the certificate by its code (the rate limit counts in the
    # cache) — the same with 3 and with 30 more certificates.
    assert_queries_do_not_grow(
        lambda: client.get(url), add_rows=lambda n: [_certificate() for _ in range(n)], queries=2
    )


def test_downloads_are_rate_limited_per_person(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "training_certificate_pdf": "2/h/user",
    }
    certificate = _certificate()
    client.force_login(certificate.registration.user)
    url = _pdf_url(certificate.registration)
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("trainings:my_trainings")
