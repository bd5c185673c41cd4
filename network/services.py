"""Loading the county's municipalities and Ämter from CSV: validate all, then write all.

Every problem is reported with the physical line of the file (as an editor counts lines: at
"\\n" only, a record that spans lines by the line it starts on), and a file with any problem
changes nothing.
"""

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .exceptions import ImportFileError
from .models import Amt, Municipality

# Required columns; the optional ones are lat, lon, source and seat (see _*_columns below).
MUNICIPALITY_COLUMNS = {"ags", "name", "amt", "kind"}
AMT_COLUMNS = {"code", "name"}

# Refused in every field: control and format characters and the line and paragraph separators
# (NUL, a quoted line break, U+2028, soft hyphens, zero-width characters, a BOM in the middle).
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# A spreadsheet runs a cell that starts with one of these as a formula when the data is exported
# and opened again. Names, seats and Ämter never start so; numbers and keys have their own rules.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A file with problems on thousands of lines is reported by its first lines and a count.
MAX_REPORTED_LINES = 100


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def import_municipalities(*, municipalities: Path, amter: Path | None = None) -> ImportReport:
    """Create or update Ämter and municipalities; a malformed file changes nothing."""
    amt_rows = _read_amter(amter) if amter else []
    known_amter = {row["name"] for row in amt_rows} or None
    municipality_rows = _read_municipalities(municipalities, known_amter)
    report = ImportReport()
    current = (amter, 0)
    try:
        with transaction.atomic():
            for row in amt_rows:
                current = (amter, row.pop("line"))
                _upsert(Amt, {"name": row["name"]}, row, report, f"Amt {row['name']}")
            amt_by_name = {a.name: a for a in Amt.objects.select_for_update()}
            for row in municipality_rows:
                current = (municipalities, row.pop("line"))
                _write_municipality(row, amt_by_name, report)
    except IntegrityError as exc:
        # e.g. a key or name that another existing entry already has: nothing was written.
        path, line = current
        raise ImportFileError(
            [
                _("%(file)s: Line %(line)d: clashes with an existing entry (%(detail)s).")
                % {"file": Path(path).name, "line": line, "detail": str(exc).splitlines()[0]}
            ]
        ) from exc
    return report


def _write_municipality(row: dict, amt_by_name: dict, report: ImportReport) -> None:
    amt_name = row.pop("amt")
    if amt_name and amt_name not in amt_by_name:
        amt_by_name[amt_name] = Amt.objects.create(name=amt_name)
        report.created.append(f"Amt {amt_name}")
    row["amt"] = amt_by_name.get(amt_name)
    lookup = {"ags": row["ags"]} if row["ags"] else {"name": row["name"]}
    if row["ags"] and not Municipality.objects.filter(ags=row["ags"]).exists():
        lookup = {"name": row["name"]}  # a key added later to a known municipality
    _upsert(Municipality, lookup, row, report, row["name"])


def _upsert(model, lookup: dict, values: dict, report: ImportReport, label: str) -> None:
    obj = model.objects.select_for_update().filter(**lookup).first()
    if obj is None:
        model.objects.create(**values)
        report.created.append(label)
        return
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        report.unchanged.append(label)
        return
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    report.updated.append(label)


# --- Reading and validating ---------------------------------------------------------------


class _Column(NamedTuple):
    max_length: int | None  # None: a number, checked by its own rule
    free_text: bool = False  # a name: must not look like a spreadsheet formula


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _municipality_columns() -> dict[str, _Column]:
    return {
        "ags": _Column(_max_length(Municipality, "ags")),
        "name": _Column(_max_length(Municipality, "name"), free_text=True),
        "amt": _Column(_max_length(Amt, "name"), free_text=True),
        "kind": _Column(_max_length(Municipality, "kind")),
        "lat": _Column(None),
        "lon": _Column(None),
        "source": _Column(_max_length(Municipality, "source")),
    }


def _amt_columns() -> dict[str, _Column]:
    return {
        "code": _Column(_max_length(Amt, "code")),
        "name": _Column(_max_length(Amt, "name"), free_text=True),
        "seat": _Column(_max_length(Amt, "seat"), free_text=True),
    }


class _Problems:
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


def _read_text(path: Path, problems: _Problems) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFileError(
            [_("%(file)s: cannot be read (%(error)s).") % {"file": path, "error": exc}]
        ) from exc
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


def _read_rows(
    path: Path, columns: dict[str, _Column], required: set[str], problems: _Problems
) -> list[dict]:
    """The file's records as dicts with a "line"; a field with a problem is None."""
    text = _read_text(path, problems)
    # Lines end at "\n" only (not at a lone "\r", U+2028 or the other breaks str.splitlines()
    # knows), so reader.line_num counts lines as an editor does; nothing is translated.
    reader = csv.reader(io.StringIO(text, newline="\n"), strict=True)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        problems.add(1, _("the header cannot be read as CSV (%(error)s)") % {"error": exc})
        header = []
    _check_header(header, columns, required, problems)
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
                row[name] = _clean(
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


def _check_header(
    header: list[str], columns: dict[str, _Column], required: set[str], problems: _Problems
) -> None:
    seen = set()
    for name in header:
        if name in seen:
            problems.add(1, _("the column %(column)s appears twice") % {"column": _shown(name)})
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
                "columns": ", ".join(_shown(name) for name in unknown),
                "allowed": ", ".join(columns),
            },
        )


def _clean(value: str, *, name: str, column: _Column, line: int, problems: _Problems):
    """The field without surrounding spaces, or None after adding its problem."""
    character = _forbidden_character(value)
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


def _forbidden_character(value: str) -> str | None:
    if value.isprintable():  # fast path: every forbidden character is non-printable
        return None
    for character in value:
        if unicodedata.category(character) in FORBIDDEN_CATEGORIES:
            return character
    return None


def _shown(value: str, limit: int = 40) -> str:
    """A header name fit to print: quoted, shortened, control characters escaped."""
    short = value if len(value) <= limit else value[:limit] + "…"
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in short)
    return f'"{escaped}"'


def _read_amter(path: Path) -> list[dict]:
    problems = _Problems(path)
    rows = _read_rows(path, _amt_columns(), AMT_COLUMNS, problems)
    result, names, codes = [], {}, {}
    for row in rows:
        line, name, code = row["line"], row["name"], row["code"]
        if name == "":
            problems.add(line, _("the name is empty"))
        elif name is not None:
            if name in names:
                problems.add(
                    line,
                    _("%(name)s appears twice (also in line %(other)d)")
                    % {"name": name, "other": names[name]},
                )
            names.setdefault(name, line)
        if code:
            if not re.fullmatch(r"[0-9]{9}", code):
                problems.add(line, _("the Amt code must have nine digits"))
            elif code in codes:
                problems.add(
                    line,
                    _("the Amt code %(code)s appears twice (also in line %(other)d)")
                    % {"code": code, "other": codes[code]},
                )
            codes.setdefault(code, line)
        if line not in problems:
            result.append({"line": line, "code": code, "name": name, "seat": row.get("seat", "")})
    problems.raise_if_any()
    return result


def _read_municipalities(path: Path, known_amter: set[str] | None) -> list[dict]:
    problems = _Problems(path)
    rows = _read_rows(
        path,
        _municipality_columns(),
        MUNICIPALITY_COLUMNS,
        problems,
    )
    result, names, keys = [], {}, {}
    kinds = set(Municipality.Kind.values)
    sources = set(Municipality.Source.values)
    for row in rows:
        line, name, ags, source = row["line"], row["name"], row["ags"], row.get("source", "")
        if name == "":
            problems.add(line, _("the name is empty"))
        if ags and not re.fullmatch(r"[0-9]{8}", ags):
            problems.add(line, _("the key (AGS) must have eight digits"))
        if row["kind"] is not None and row["kind"] not in kinds:
            problems.add(
                line, _("the kind must be one of: %(kinds)s") % {"kinds": ", ".join(sorted(kinds))}
            )
        if source and source not in sources:
            problems.add(line, _("unknown source %(source)s") % {"source": source})
        amt = row["amt"]
        if known_amter is not None and amt and amt not in known_amter:
            problems.add(line, _("unknown Amt %(amt)s") % {"amt": amt})
        latitude, longitude = row.get("lat", ""), row.get("lon", "")
        coordinates = (None, None)
        if latitude is not None and longitude is not None:
            coordinates = _coordinates(latitude, longitude)
            if coordinates is False:
                problems.add(
                    line,
                    _("latitude and longitude must both be numbers in range, or both empty"),
                )
        if name:
            if name in names:
                problems.add(
                    line,
                    _("%(name)s appears twice (also in line %(other)d)")
                    % {"name": name, "other": names[name]},
                )
            names.setdefault(name, line)
        if ags:
            if ags in keys:
                problems.add(
                    line,
                    _("the key %(ags)s appears twice (also in line %(other)d)")
                    % {"ags": ags, "other": keys[ags]},
                )
            keys.setdefault(ags, line)
        if line in problems:
            continue
        result.append(
            {
                "line": line,
                "ags": ags,
                "name": name,
                "amt": amt or None,
                "kind": row["kind"],
                "latitude": coordinates[0],
                "longitude": coordinates[1],
                "source": source,
            }
        )
    problems.raise_if_any()
    return result


def _coordinates(latitude: str, longitude: str):
    if not latitude and not longitude:
        return (None, None)
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        return False
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return False
    return (lat, lon)
