"""PDFs of Qualifizierung: the Teilnahmebescheinigung and the sign-in sheet of a course.

Rendered by WeasyPrint from HTML templates (templates/trainings/pdf/) in the county's design:
office name, county, logo and theme colour from the site configuration. WeasyPrint never
reaches the network: its URL fetcher serves only the portal's own static files
(`static:<path>`) and the logo from the file storage (`media:<name>`); any other address is
refused, so a template or a stored value cannot make the server fetch something.
"""

import mimetypes
import re

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.links import absolute_reverse
from portal.models import SiteConfiguration

from .models import Certificate, Course, Registration

STATIC_SCHEME = "static:"
MEDIA_SCHEME = "media:"
MAX_SIGNATURE_COLUMNS = 6
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")


def _weasyprint():
    # Imported when a PDF is made: the rest of the portal starts without Pango.
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Static files of the portal and the stored logo; nothing from the network."""

        def fetch(self, url, headers=None):
            if url.startswith(STATIC_SCHEME):
                return _static(url.removeprefix(STATIC_SCHEME), URLFetcherResponse)
            if url.startswith(MEDIA_SCHEME):
                return _media(url.removeprefix(MEDIA_SCHEME), URLFetcherResponse)
            raise ValueError(f"not fetched (only local files): {url[:80]}")

    return weasyprint, LocalOnlyFetcher


def _checked(path: str) -> str:
    if not _SAFE_PATH.match(path) or ".." in path or path.startswith("/"):
        raise ValueError(f"not a local file name: {path[:80]}")
    return path


def _static(path: str, response_class):
    found = finders.find(_checked(path))
    if not found:
        raise ValueError(f"no static file {path}")
    with open(found, "rb") as file:
        body = file.read()
    mimetype = mimetypes.guess_type(found)[0] or "application/octet-stream"
    return response_class(STATIC_SCHEME + path, body, {"Content-Type": mimetype})


def _media(name: str, response_class):
    name = _checked(name)
    with default_storage.open(name, "rb") as file:
        body = file.read()
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return response_class(MEDIA_SCHEME + name, body, {"Content-Type": mimetype})


def design() -> dict:
    """What the PDFs take from the site configuration."""
    site = SiteConfiguration.load()
    logo = STATIC_SCHEME + "img/logo.svg"  # the neutral mark, as in the page header
    if site.logo and site.logo.name and default_storage.exists(site.logo.name):
        logo = MEDIA_SCHEME + site.logo.name
    return {
        "office": site.office_name,
        "county": site.county_name,
        "address": ", ".join(
            part for part in (site.street, f"{site.postal_code} {site.city}".strip()) if part
        ),
        "email": site.email,
        "phone": site.phone,
        "logo": logo,
        "color": site.theme_color or "#005c8a",
        "font_url": STATIC_SCHEME + "vendor/kern/fonts/kloor-sans/KloorSans-Regular.woff2",
        "font_semibold_url": STATIC_SCHEME
        + "vendor/kern/fonts/kloor-sans/KloorSans-SemiBold.woff2",
    }


def render_pdf(template: str, context: dict) -> bytes:
    """The template as a PDF, in German (the office's documents are German)."""
    weasyprint, fetcher = _weasyprint()
    with translation.override("de"):
        html = render_to_string(template, {**design(), **context})
    return weasyprint.HTML(
        string=html, base_url=STATIC_SCHEME, url_fetcher=fetcher(timeout=2)
    ).write_pdf()


def verification_url(certificate: Certificate) -> str:
    return absolute_reverse("trainings:verify_code", certificate.code)


def certificate_pdf(certificate: Certificate) -> bytes:
    """The Teilnahmebescheinigung as issued (the certificate's own snapshot of the course)."""
    return render_pdf(
        "trainings/pdf/certificate.html",
        {
            "certificate": certificate,
            "issued_on": timezone.localdate(certificate.issued_at),
            "verification_url": verification_url(certificate),
        },
    )


def sign_in_sheet_pdf(course: Course) -> bytes:
    """The Teilnehmendenliste to sign on the day: confirmed participants by name."""
    participants = (
        course.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("user", "association")
        .order_by("user__last_name", "user__first_name", "registered_at")
    )
    dates = [
        (timezone.localtime(d.starts_at), timezone.localtime(d.ends_at)) for d in course.dates.all()
    ]
    return render_pdf(
        "trainings/pdf/sign_in_sheet.html",
        {
            "course": course,
            "dates": dates,
            # One signature per date (a column each); many dates: one signature for all.
            "signature_dates": dates if 1 < len(dates) <= MAX_SIGNATURE_COLUMNS else dates[:1],
            "orientation": "landscape" if len(dates) > 2 else "portrait",
            "venue": course.venue,
            "participants": list(participants),
            "blank_rows": range(3),
            "printed_on": timezone.localdate(),
        },
    )


def pdf_filename(prefix: str, code: str) -> str:
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9-]', '', code)[:60]}.pdf"
