"""The case list as CSV for spreadsheets: what the office reports on, never who asked.

No personal data of the requester leaves the admin this way — no name, address, phone or
concern, for any member of staff. A spreadsheet is copied, mailed and kept beyond any
erasure; the reference number finds the case in admin, where the person's data stays under
the advice permissions and is erased with the account.

Semicolon-separated UTF-8 with a byte order mark and CRLF line ends, so German Excel opens it
with umlauts and columns by a double click (as the directory's export). A cell that starts
with = + - @, a tab or a carriage return would run as a formula (CSV injection): it gets a
leading apostrophe, as does a cell that starts with one.
"""

import codecs
import csv
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AdviceRequest

DELIMITER = ";"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralised(value) -> str:
    """The cell as a spreadsheet shows it: text, never a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def header() -> list[str]:
    return [
        _("Reference number"),
        _("Kind"),
        _("Topic"),
        _("Format"),
        _("Status"),
        _("Outcome"),
        _("Created"),
        _("Appointment"),
        _("Adviser"),
        _("Amt"),
        _("Municipality"),
        _("Association"),
    ]


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def row(case: AdviceRequest) -> list[str]:
    association = case.association
    place = case.municipality or (association.municipality if association else None)
    slot = case.slot
    return [
        case.number,
        case.get_kind_display(),
        case.topic.localized_name(),
        case.get_format_display() if case.format else "",
        case.get_status_display(),
        case.get_outcome_display() if case.outcome else "",
        _local(case.created_at),
        _local(slot.starts_at) if slot else "",
        slot.advisor.display_name if slot else "",
        place.amt.name if place and place.amt else "",
        place.name if place else "",
        association.name if association else "",
    ]


def export_queryset(queryset):
    """Every related row the columns read, loaded with the cases (one query in all)."""
    return queryset.select_related(
        "topic",
        "slot__advisor",
        "municipality__amt",
        "association__municipality__amt",
    ).order_by("created_at", "pk")


def rows(cases: Iterable[AdviceRequest]) -> Iterable[list[str]]:
    yield header()
    for case in cases:
        yield [neutralised(value) for value in row(case)]


def write_csv(queryset, stream) -> None:
    stream.write(codecs.BOM_UTF8.decode())
    writer = csv.writer(stream, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerows(rows(export_queryset(queryset).iterator(chunk_size=1000)))
