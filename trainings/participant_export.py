"""The participants of a course as CSV, for the office's own lists (name tags, invoices).

Semicolon-separated UTF-8 with a byte order mark and CRLF line ends, as the directory's export
(German Excel opens it by a double click). Every cell goes through the directory's
`neutralised`: a value that starts with = + - @, a tab or a carriage return would run as a
formula when the file is opened (CSV injection), so it gets a leading apostrophe.
"""

import codecs
import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from network.association_export import DELIMITER, neutralised

from .models import Registration


def header() -> list[str]:
    return [
        _("Course"),
        _("Status"),
        _("Waiting list position"),
        _("Attendance"),
        _("First name"),
        _("Last name"),
        _("E-mail address"),
        _("Phone"),
        _("Association"),
        _("Needs"),
        _("Registered on"),
        _("Certificate"),
    ]


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def row(registration: Registration) -> list[str]:
    person = registration.user
    certificate = getattr(registration, "certificate", None)
    return [
        registration.course.title,
        registration.get_status_display(),
        str(registration.position or ""),
        registration.get_attendance_display() if registration.attendance else "",
        person.first_name if person else "",
        person.last_name if person else _("erased person"),
        person.email if person else "",
        getattr(person, "phone", "") if person else "",
        registration.association.name if registration.association_id else "",
        registration.needs,
        _local(registration.registered_at),
        certificate.code if certificate else "",
    ]


def export_queryset(queryset):
    """Everything the columns read, loaded with the registrations (one query)."""
    return queryset.select_related("course", "user", "association", "certificate").order_by(
        "course__starts_at", "course_id", "status", "position", "registered_at", "pk"
    )


def write_csv(queryset, stream) -> None:
    stream.write(codecs.BOM_UTF8.decode())
    writer = csv.writer(stream, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(header())
    for registration in export_queryset(queryset).iterator(chunk_size=1000):
        writer.writerow([neutralised(str(value or "")) for value in row(registration)])


def csv_response(queryset, *, name: str = "teilnehmende") -> HttpResponse:
    stream = io.StringIO()
    write_csv(queryset, stream)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(name)[:60] or 'teilnehmende'}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
