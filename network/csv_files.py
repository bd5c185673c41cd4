"""Reading CSV files people upload: every problem reported by its physical line.

Lines are counted as an editor counts them (at "\\n" only; a record that spans lines is
reported by the line it starts on). A field with a control character, a value longer than
its column, or free text that a spreadsheet would run as a formula is a problem of its line;
a column marked multiline may hold line breaks ("\n" or "\r\n", inside quotes, kept as
"\n"). Used by the imports of municipalities and associations.
"""

import codecs
import csv
import io
import unicodedata
from pathlib import Path
from typing import NamedTuple

from django.utils.translation import gettext as _

from .exceptions import ImportFileError

# Refused in every field: control and format characters and the line and paragraph separators
# (NUL, a quoted line break, U+2028, soft hyphens, zero-width characters, a BOM in the middle).
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# A spreadsheet runs a cell that starts with one of these as a formula when the data is exported
# and opened again. Names and texts never start so; numbers and keys have their own rules.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A file with problems on thousands of lines is reported by its first lines and a count.
MAX_REPORTED_LINES = 100


class Column(NamedTuple):
    max_length: int | None  # None: a number, checked by its own rule
    free_text: bool = False  # a name: must not look like a spreadsheet formula
    multiline: bool = False  # a description: line breaks inside quotes are part of the text


class Problems:
    """The problems of one file by line, raised together as one ImportFileError."""

    def __init__(self, path: Path | None):
        self.file = Path(path).name if path else ""
        self.by_line: dict[int, list[str]] = {}

    def add(self, line: int, problem: str) -> None:
        self.by_line.setdefault(line, []).append(problem)

    def __contains__(self, line: int) -> bool:
        return line in self.by_line

    def raise_if_any(self) -> None:
        error = self.error()
        if error is not None:
            raise error

    def error(self) -> ImportFileError | None:
        if not self.by_line:
            return None
        lines = sorted(self.by_line)
        errors = [
            f"{self.file}: "
            + _("Line %(line)d: %(problems)s.")
            % {"line": line, "problems": "; ".join(self.by_line[line])}
            for line in lines[:MAX_REPORTED_LINES]
        ]
        if len(lines) > MAX_REPORTED_LINES:
            errors.append(
                f"{self.file}: "
                + _("… and %(count)d more lines with problems.")
                % {"count": len(lines) - MAX_REPORTED_LINES}
            )
        return ImportFileError(errors)


def read_text(path: Path, problems: Problems) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFileError(
            [_("%(file)s: cannot be read (%(error)s).") % {"file": path, "error": exc}]
        ) from exc
    return decode(data, problems)


def decode(data: bytes, problems: Problems) -> str:
    """UTF-8 text (a byte order mark at the start is dropped), or the line that is not."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(
            data.count(b"\n", 0, exc.start) + 1,
            _("not UTF-8 text (byte %(byte)s); save the file as UTF-8")
            % {"byte": data[exc.start : exc.start + 1].hex()},
        )
        raise problems.error() from exc


def read_rows(
    path: Path, columns: dict[str, Column], required: set[str], problems: Problems
) -> list[dict]:
    """The file's records as dicts with a "line"; a field with a problem is None."""
    return parse_rows(read_text(path, problems), columns, required, problems)


def parse_rows(
    text: str,
    columns: dict[str, Column],
    required: set[str],
    problems: Problems,
    *,
    delimiter: str = ",",
) -> list[dict]:
    """Like read_rows, for text already read (an upload) and any one-character delimiter."""
    # Lines end at "\n" only (not at a lone "\r", U+2028 or the other breaks str.splitlines()
    # knows), so reader.line_num counts lines as an editor does; nothing is translated.
    reader = csv.reader(io.StringIO(text, newline="\n"), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        problems.add(1, _("the header cannot be read as CSV (%(error)s)") % {"error": exc})
        header = []
    check_header(header, columns, required, problems)
    problems.raise_if_any()
    rows, end = [], reader.line_num
    try:
        for fields in reader:
            line, end = end + 1, reader.line_num  # a record starts after the last one ended
            if not fields:
                continue  # an empty line
            if len(fields) != len(header):
                problems.add(
                    line,
                    _("wrong number of fields (%(found)d instead of %(expected)d)")
                    % {"found": len(fields), "expected": len(header)},
                )
                continue
            row = {"line": line}
            for name, value in zip(header, fields, strict=True):
                row[name] = clean_field(
                    value, name=name, column=columns[name], line=line, problems=problems
                )
            rows.append(row)
    except csv.Error as exc:
        problems.add(
            end + 1,
            _("cannot be read as CSV (%(error)s); the lines after it were not checked")
            % {"error": str(exc).split(" - ")[0]},  # without Python's hint about open()
        )
    return rows


def check_header(
    header: list[str], columns: dict[str, Column], required: set[str], problems: Problems
) -> None:
    seen = set()
    for name in header:
        if name in seen:
            problems.add(1, _("the column %(column)s appears twice") % {"column": shown(name)})
        seen.add(name)
    missing = required - seen
    if missing:
        problems.add(1, _("missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))})
    unknown = [name for name in dict.fromkeys(header) if name not in columns]
    if unknown:
        # Refused rather than ignored: a misspelt "Lat" would otherwise drop the coordinates.
        problems.add(
            1,
            _("unknown columns: %(columns)s (allowed: %(allowed)s)")
            % {
                "columns": ", ".join(shown(name) for name in unknown),
                "allowed": ", ".join(columns),
            },
        )


def clean_field(value: str, *, name: str, column: Column, line: int, problems: Problems):
    """The field without surrounding spaces, or None after adding its problem."""
    if column.multiline:
        value = value.replace("\r\n", "\n")
    character = forbidden_character(value, allowed="\n" if column.multiline else "")
    if character is not None:
        problems.add(
            line,
            _("%(column)s contains a line break or another control character (%(code)s)")
            % {"column": name, "code": f"U+{ord(character):04X}"},
        )
        return None
    value = value.strip()
    if column.max_length is not None and len(value) > column.max_length:
        problems.add(
            line,
            _("%(column)s is longer than %(max)d characters")
            % {"column": name, "max": column.max_length},
        )
        return None
    if column.free_text and value.startswith(FORMULA_START):
        problems.add(
            line,
            _('%(column)s starts with "%(start)s", which a spreadsheet would run as a formula')
            % {"column": name, "start": value[0]},
        )
        return None
    return value


def forbidden_character(value: str, allowed: str = "") -> str | None:
    if value.isprintable():  # fast path: every forbidden character is non-printable
        return None
    for character in value:
        if character not in allowed and unicodedata.category(character) in FORBIDDEN_CATEGORIES:
            return character
    return None


def shown(value: str, limit: int = 40) -> str:
    """A header name fit to print: quoted, shortened, control characters escaped."""
    short = value if len(value) <= limit else value[:limit] + "…"
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in short)
    return f'"{escaped}"'
