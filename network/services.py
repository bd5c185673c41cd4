"""Loading the county's municipalities and Ämter from CSV: validate all, then write all."""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .exceptions import ImportFileError
from .models import Amt, Municipality

MUNICIPALITY_COLUMNS = {"ags", "name", "amt", "kind"}
AMT_COLUMNS = {"code", "name"}


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


def _open_rows(path: Path, required: set[str]) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(
            [_("%(file)s: cannot be read (%(error)s).") % {"file": path, "error": exc}]
        ) from exc
    reader = csv.DictReader(text.splitlines())
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise ImportFileError(
            [
                _("%(file)s, line 1: missing columns: %(columns)s.")
                % {"file": Path(path).name, "columns": ", ".join(sorted(missing))}
            ]
        )
    rows, errors = [], []
    for line, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            errors.append(_("Line %(line)d: wrong number of fields.") % {"line": line})
            continue
        rows.append((line, {k: (v or "").strip() for k, v in row.items()}))
    return rows, errors


def _read_amter(path: Path) -> list[dict]:
    rows, errors = _open_rows(path, AMT_COLUMNS)
    result, seen, codes = [], set(), set()
    for line, row in rows:
        if not row["name"]:
            errors.append(_("Line %(line)d: the name is empty.") % {"line": line})
        if row["code"] and row["code"] in codes:
            errors.append(
                _("Line %(line)d: the Amt code %(code)s appears twice.")
                % {"line": line, "code": row["code"]}
            )
        codes.add(row["code"])
        if row["code"] and not re.fullmatch(r"\d{9}", row["code"]):
            errors.append(_("Line %(line)d: the Amt code must have nine digits.") % {"line": line})
        if row["name"] in seen:
            errors.append(
                _("Line %(line)d: %(name)s appears twice.") % {"line": line, "name": row["name"]}
            )
        seen.add(row["name"])
        result.append(
            {"line": line, "code": row["code"], "name": row["name"], "seat": row.get("seat", "")}
        )
    if errors:
        raise ImportFileError([f"{Path(path).name}: {e}" for e in errors])
    return result


def _read_municipalities(path: Path, known_amter: set[str] | None) -> list[dict]:
    rows, errors = _open_rows(path, MUNICIPALITY_COLUMNS)
    result, names, keys = [], set(), set()
    kinds = set(Municipality.Kind.values)
    sources = set(Municipality.Source.values)
    for line, row in rows:
        problems = []
        if not row["name"]:
            problems.append(_("the name is empty"))
        if row["ags"] and not re.fullmatch(r"\d{8}", row["ags"]):
            problems.append(_("the key (AGS) must have eight digits"))
        if row["kind"] not in kinds:
            problems.append(
                _("the kind must be one of: %(kinds)s") % {"kinds": ", ".join(sorted(kinds))}
            )
        if row.get("source") and row["source"] not in sources:
            problems.append(_("unknown source %(source)s") % {"source": row["source"]})
        if known_amter is not None and row["amt"] and row["amt"] not in known_amter:
            problems.append(_("unknown Amt %(amt)s") % {"amt": row["amt"]})
        latitude, longitude = row.get("lat", ""), row.get("lon", "")
        coordinates = _coordinates(latitude, longitude)
        if coordinates is False:
            problems.append(
                _("latitude and longitude must both be numbers in range, or both empty")
            )
        if row["name"] in names:
            problems.append(_("%(name)s appears twice") % {"name": row["name"]})
        if row["ags"] and row["ags"] in keys:
            problems.append(_("the key %(ags)s appears twice") % {"ags": row["ags"]})
        names.add(row["name"])
        keys.add(row["ags"])
        if problems:
            errors.append(
                _("Line %(line)d: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        result.append(
            {
                "line": line,
                "ags": row["ags"],
                "name": row["name"],
                "amt": row["amt"],
                "kind": row["kind"],
                "latitude": coordinates[0],
                "longitude": coordinates[1],
                "source": row.get("source", ""),
            }
        )
    if errors:
        raise ImportFileError([f"{Path(path).name}: {e}" for e in errors])
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
