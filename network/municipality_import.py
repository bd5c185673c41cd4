"""Loading the county's municipalities and Ämter from CSV: validate all, then write all.

Every problem is reported with the physical line of the file (as an editor counts lines: at
"\\n" only, a record that spans lines by the line it starts on), and a file with any problem
changes nothing. The write phase reads the existing rows once, decides in Python what is new,
changed or unchanged, and writes in bulk inside one transaction.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DataError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from .csv_files import Column, Problems, read_rows
from .exceptions import ImportFileError
from .models import Amt, Municipality

# Required columns; the optional ones are lat, lon, source and seat (see _*_columns below).
MUNICIPALITY_COLUMNS = {"ags", "name", "amt", "kind"}
AMT_COLUMNS = {"code", "name"}

CREATE_BATCH_SIZE = 2000

MUNICIPALITY_FIELDS = ("ags", "name", "amt", "kind", "latitude", "longitude", "source")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def import_municipalities(*, municipalities: Path, amter: Path | None = None) -> ImportReport:
    """Create or update Ämter and municipalities in bulk; a malformed file changes nothing."""
    amt_rows = _read_amter(amter) if amter else []
    known_amter = {row["name"] for row in amt_rows} or None
    municipality_rows = _read_municipalities(municipalities, known_amter)
    report = ImportReport()
    try:
        with transaction.atomic():
            _lock_reference_data()
            amter_plan, amt_ids = _plan_amter(amt_rows, path=amter, report=report)
            municipality_plan = _plan_municipalities(
                municipality_rows,
                amter_plan=amter_plan,
                amt_ids=amt_ids,
                path=municipalities,
                report=report,
            )
            _write_amter(amter_plan, amt_ids)
            _write_municipalities(municipality_plan, amt_ids)
    except (IntegrityError, DataError) as exc:
        # The checks above should leave the database nothing to refuse; if it still does
        # (another writer, a rule added later), the transaction is rolled back as a whole.
        raise ImportFileError(
            [
                _("The database refused the import, so nothing was changed (%(detail)s).")
                % {"detail": str(exc).splitlines()[0]}
            ]
        ) from exc
    return report


# --- Writing ------------------------------------------------------------------------------


@dataclass
class _Plan:
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)  # (pk, values)
    fields: set[str] = field(default_factory=set)  # every field that changes in an update


def _lock_reference_data() -> None:
    """Keep other writers out of both tables until commit, so what was read stays true."""
    if connection.vendor != "postgresql":
        return  # SQLite, the single-user embedded default, has no table locks
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Amt, Municipality))
    with connection.cursor() as cursor:
        # Readers go on; writers (and a second import) wait until this import commits.
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _plan_amter(
    rows: list[dict], *, path: Path | None, report: ImportReport
) -> tuple[_Plan, dict[str, int | None]]:
    """Decide per Amt row: create, update or leave; a code another Amt has is a clash."""
    existing = {
        name: (pk, code, seat)
        for pk, name, code, seat in Amt.objects.values_list("pk", "name", "code", "seat")
    }
    code_holders = {code: name for name, (_pk, code, _seat) in existing.items() if code}
    amt_ids: dict[str, int | None] = {name: pk for name, (pk, _c, _s) in existing.items()}
    plan, problems = _Plan(), Problems(path)
    for row in rows:
        values = {"code": row["code"], "name": row["name"], "seat": row["seat"]}
        holder = code_holders.get(values["code"]) if values["code"] else None
        if holder is not None and holder != values["name"]:
            # Also when that Amt gets another code in this same file: the database checks
            # each row as it is written, so swapped codes take two imports.
            problems.add(
                row["line"],
                _("clashes with an existing entry: the Amt code %(code)s belongs to %(other)s")
                % {"code": values["code"], "other": holder},
            )
            continue
        label = f"Amt {values['name']}"
        current = existing.get(values["name"])
        if current is None:
            plan.create.append(Amt(**values))
            amt_ids[values["name"]] = None  # known once created
            report.created.append(label)
            continue
        pk, code, seat = current
        changed = [name for name, old in (("code", code), ("seat", seat)) if values[name] != old]
        if not changed:
            report.unchanged.append(label)
            continue
        plan.update.append((pk, values))
        plan.fields.update(changed)
        report.updated.append(label)
    problems.raise_if_any()
    return plan, amt_ids


def _plan_municipalities(
    rows: list[dict],
    *,
    amter_plan: _Plan,
    amt_ids: dict[str, int | None],
    path: Path,
    report: ImportReport,
) -> _Plan:
    """Decide per row: create, update or leave, matching by AGS if known, else by name."""
    lookups = ["pk", *("amt__name" if name == "amt" else name for name in MUNICIPALITY_FIELDS)]
    existing = list(Municipality.objects.values_list(*lookups))
    by_ags = {current[1]: current for current in existing if current[1]}
    by_name = {current[2]: current for current in existing}
    claimed: dict[int, int] = {}  # pk of an existing municipality -> the line that updates it
    plan, problems = _Plan(), Problems(path)
    for row in rows:
        line = row["line"]
        values = {name: row[name] for name in MUNICIPALITY_FIELDS}
        if values["amt"] and values["amt"] not in amt_ids:
            # Without an Ämter file, an Amt named by a municipality is created by name.
            amter_plan.create.append(Amt(name=values["amt"]))
            amt_ids[values["amt"]] = None
            report.created.append(f"Amt {values['amt']}")
        # A key added later to a known municipality: not found by key, found by name.
        current = (by_ags.get(values["ags"]) if values["ags"] else None) or by_name.get(
            values["name"]
        )
        if current is None:
            # Neither its key nor its name is taken (both are unique within the file).
            plan.create.append(values)
            report.created.append(values["name"])
            continue
        pk = current[0]
        if pk in claimed:
            problems.add(
                line,
                _("refers to the same municipality (%(name)s) as line %(other)d")
                % {"name": current[2], "other": claimed[pk]},
            )
            continue
        claimed[pk] = line
        holder = by_name.get(values["name"])
        if holder is not None and holder[0] != pk:
            # Also when that municipality is renamed in this same file (see _plan_amter).
            # Its key cannot clash: a key that exists is always matched by that key.
            problems.add(
                line,
                _(
                    "clashes with an existing entry: the name %(name)s belongs to another "
                    "municipality"
                )
                % {"name": values["name"]},
            )
            continue
        changed = [
            name
            for name, old in zip(MUNICIPALITY_FIELDS, current[1:], strict=True)
            if values[name] != old
        ]
        if not changed:
            report.unchanged.append(values["name"])
            continue
        plan.update.append((pk, values))
        plan.fields.update(changed)
        report.updated.append(values["name"])
    problems.raise_if_any()
    return plan


def _write_amter(plan: _Plan, amt_ids: dict[str, int | None]) -> None:
    for amt in Amt.objects.bulk_create(plan.create, batch_size=CREATE_BATCH_SIZE):
        amt_ids[amt.name] = amt.pk
    _update_in_bulk(Amt, [Amt(pk=pk, **values) for pk, values in plan.update], plan.fields)


def _write_municipalities(plan: _Plan, amt_ids: dict[str, int | None]) -> None:
    def build(values: dict, pk: int | None = None) -> Municipality:
        values = dict(values)
        amt = values.pop("amt")
        return Municipality(pk=pk, amt_id=amt_ids[amt] if amt else None, **values)

    Municipality.objects.bulk_create(
        [build(values) for values in plan.create], batch_size=CREATE_BATCH_SIZE
    )
    _update_in_bulk(Municipality, [build(values, pk) for pk, values in plan.update], plan.fields)


def _update_in_bulk(model, objects: list, fields: set[str]) -> None:
    """One UPDATE by primary key, sent for all objects at once (psycopg pipelines it).

    Django's bulk_update builds a CASE expression per row and field in Python: about 3,000
    rows a second. The same statement repeated with parameters is many times faster and
    plain SQL on every database.
    """
    if not objects:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in sorted(fields)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    # Only names from the model's own metadata go into the text; every value is a parameter.
    table, key = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 - names only
    params = [
        [
            *(
                column.get_db_prep_save(getattr(obj, column.attname), connection)
                for column in columns
            ),
            obj.pk,
        ]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# --- Reading and validating ---------------------------------------------------------------


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _municipality_columns() -> dict[str, Column]:
    return {
        "ags": Column(_max_length(Municipality, "ags")),
        "name": Column(_max_length(Municipality, "name"), free_text=True),
        "amt": Column(_max_length(Amt, "name"), free_text=True),
        "kind": Column(_max_length(Municipality, "kind")),
        "lat": Column(None),
        "lon": Column(None),
        "source": Column(_max_length(Municipality, "source")),
    }


def _amt_columns() -> dict[str, Column]:
    return {
        "code": Column(_max_length(Amt, "code")),
        "name": Column(_max_length(Amt, "name"), free_text=True),
        "seat": Column(_max_length(Amt, "seat"), free_text=True),
    }


def _read_amter(path: Path) -> list[dict]:
    problems = Problems(path)
    rows = read_rows(path, _amt_columns(), AMT_COLUMNS, problems)
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
    problems = Problems(path)
    rows = read_rows(
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
