"""Exporting associations as CSV for spreadsheets: the columns of the import, safe to open.

Semicolon-separated UTF-8 with a byte order mark and CRLF line ends: German Excel opens such a
file with umlauts and columns right by a double click (with commas it shows one column). The
import reads semicolons and commas alike, so an exported list can be edited and imported again.

A cell that starts with = + - @, a tab or a carriage return would run as a formula when the file
is opened (CSV injection), so it gets a leading apostrophe, as does a cell that starts with an
apostrophe; the import removes exactly that one apostrophe again.

Duplicates merged away and rejected proposals are left out: they are no entries of the
directory (only kept for their history), and imported back they would become entries again.
"""

import codecs
import csv
from collections.abc import Iterable

from .association_import import COLUMNS, ESCAPED_START
from .models import Association

DELIMITER = ";"


def neutralised(value: str) -> str:
    """The cell as a spreadsheet shows it as text, never as a formula."""
    return "'" + value if value.startswith(ESCAPED_START) else value


def rows(associations: Iterable[Association]) -> Iterable[list[str]]:
    """The header, then one row per association (municipality and categories loaded)."""
    yield list(COLUMNS)
    for association in associations:
        values = {
            "register_number": association.register_number,
            "name": association.name,
            "gemeinde": association.municipality.name,
            "categories": "; ".join(c.name for c in association.categories.all()),
            "description": association.description,
            "street": association.street,
            "postal_code": association.postal_code,
            "meeting_place": association.meeting_place,
            "meeting_times": association.meeting_times,
            "contact_name": association.contact_name,
            "email": association.email,
            "phone": association.phone,
            "website": association.website,
        }
        yield [neutralised(values[column] or "") for column in COLUMNS]


def write_csv(queryset, stream) -> None:
    """Write the associations of `queryset` to the text stream (two queries in all)."""
    stream.write(codecs.BOM_UTF8.decode())
    writer = csv.writer(stream, delimiter=DELIMITER, lineterminator="\r\n")
    associations = (
        queryset.exclude(status=Association.Status.REJECTED)
        .exclude(hidden_reason=Association.HiddenReason.MERGED)
        .select_related("municipality")
        .prefetch_related("categories")
        .order_by("name")
    )
    writer.writerows(rows(associations))
