"""Importing an existing list of associations from CSV: check all, then write all (or nothing).

The columns are those of the export (network.association_export), so a list exported, edited
in a spreadsheet and imported again changes exactly what was edited. Every problem is reported
with its line as an editor counts lines (a description with line breaks is reported by the
line it starts on), and a file with any problem changes nothing.

An entry is matched by its register number where the line gives one, else by name and
Gemeinde (ignoring case). A column left out of the file is not touched; a column that is there
sets the field, and an empty cell empties it. New entries are published; every change joins
the entry's history with source "import". The number of queries does not grow with the lines.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.addresses import validate_email_address

from . import services
from .csv_files import Column, Problems, decode, parse_rows, read_text
from .exceptions import ImportFileError
from .models import Association, AssociationChange, Category, Municipality
from .municipality_import import _update_in_bulk as update_in_bulk

COLUMNS = (
    "register_number",
    "name",
    "gemeinde",
    "categories",
    "description",
    "street",
    "postal_code",
    "meeting_place",
    "meeting_times",
    "contact_name",
    "email",
    "phone",
    "website",
)
REQUIRED = {"name", "gemeinde"}
# Columns that are plain fields of the entry (gemeinde and categories are looked up).
PLAIN = tuple(c for c in COLUMNS if c not in ("gemeinde", "categories"))
CATEGORY_SEPARATOR = ";"
# What an upload in admin may weigh (a list of a thousand entries with long descriptions is
# well below); the command reads files of any size.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
CREATE_BATCH_SIZE = 5000  # rows per INSERT: a county's list fits in one
# Held for the import's transaction: two imports at once would both create the same entry.
ADVISORY_LOCK = 7_000_001

PHONE = re.compile(r"[0-9+(][0-9 ()/+.\-]*")
# The export puts an apostrophe before a cell a spreadsheet would run as a formula (and before
# one that starts with an apostrophe); the import takes exactly that one away again.
ESCAPED_START = ("'", "=", "+", "-", "@", "\t", "\r")
_url = URLValidator(schemes=["http", "https"])


@dataclass
class Line:
    line: int
    label: str
    fields: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: list[Line] = field(default_factory=list)
    updated: list[Line] = field(default_factory=list)
    unchanged: list[Line] = field(default_factory=list)
    dry_run: bool = False


def import_file(*, path: Path, user=None, dry_run: bool = False) -> ImportReport:
    """Import a CSV file from disk (the management command)."""
    problems = Problems(path)
    return import_text(
        text=read_text(path, problems), file_name=Path(path).name, user=user, dry_run=dry_run
    )


def decode_upload(data: bytes, *, file_name: str) -> str:
    """The text of an uploaded file, or ImportFileError (too large, not UTF-8)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            [
                _("%(file)s: the file is larger than %(max)d MB; import it in parts.")
                % {"file": file_name, "max": MAX_UPLOAD_BYTES // (1024 * 1024)}
            ]
        )
    return decode(data, Problems(Path(file_name or "upload.csv")))


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def import_text(
    *, text: str, file_name: str = "", user=None, dry_run: bool = False
) -> ImportReport:
    """Check the whole file, then (unless dry_run) write everything in one transaction."""
    problems = Problems(Path(file_name) if file_name else None)
    rows = _read(text.removeprefix("\ufeff"), problems)
    references = _References.load()
    rows = _check(rows, references, problems)
    problems.raise_if_any()
    if dry_run:
        return _plan(rows, references, problems, lock=False).report(dry_run=True)
    try:
        with transaction.atomic():
            _lock_imports()
            plan = _plan(rows, references, problems, lock=True)
            _write(plan, user=user)
    except (IntegrityError, DataError) as exc:
        # The checks above leave the database nothing to refuse; if it still does (another
        # writer took a register number or an address meanwhile), nothing is written.
        raise ImportFileError(
            [
                _("The database refused the import, so nothing was changed (%(detail)s).")
                % {"detail": str(exc).splitlines()[0]}
            ]
        ) from exc
    return plan.report(dry_run=False)


# --- Reading and checking ---------------------------------------------------------------------


def _columns() -> dict[str, Column]:
    def length(name):
        return Association._meta.get_field(name).max_length

    return {
        "register_number": Column(length("register_number")),
        "name": Column(length("name")),
        "gemeinde": Column(Municipality._meta.get_field("name").max_length),
        "categories": Column(1000),
        "description": Column(length("description"), multiline=True),
        "street": Column(length("street")),
        "postal_code": Column(length("postal_code")),
        "meeting_place": Column(length("meeting_place")),
        "meeting_times": Column(length("meeting_times")),
        "contact_name": Column(length("contact_name")),
        "email": Column(length("email")),
        "phone": Column(length("phone")),
        "website": Column(length("website")),
    }


def delimiter_of(text: str) -> str:
    """Semicolon (as German spreadsheets write CSV, and as the export does) or comma: the
    one the header line uses."""
    header = text.partition("\n")[0]
    return ";" if header.count(";") > header.count(",") else ","


def _read(text: str, problems: Problems) -> list[dict]:
    rows = parse_rows(text, _columns(), REQUIRED, problems, delimiter=delimiter_of(text))
    for row in rows:
        for name, value in row.items():
            if isinstance(value, str) and value[:1] == "'" and value[1:2] in ESCAPED_START:
                row[name] = value[1:]
    return rows


class _References:
    """Municipalities and categories, read once: by key and by lower-case name."""

    def __init__(self, municipalities, categories):
        self.by_ags = {m.ags: m for m in municipalities if m.ags}
        self.by_name = {m.name.lower(): m for m in municipalities}
        self.categories = {}
        for category in categories:
            self.categories[category.slug.lower()] = category
            self.categories[category.name.lower()] = category

    @classmethod
    def load(cls):
        return cls(list(Municipality.objects.all()), list(Category.objects.all()))

    def municipality(self, value: str) -> Municipality | None:
        if value.isdigit() and len(value) <= 8:
            # A spreadsheet drops the leading zero of a key like 01058001.
            return self.by_ags.get(value.zfill(8))
        return self.by_name.get(value.lower())


def _check(rows: list[dict], references: _References, problems: Problems) -> list[dict]:
    """Turn each line into values for the entry; every problem is added with its line."""
    checked, numbers, names = [], {}, {}
    for row in rows:
        line = row["line"]
        values = {name: row[name] for name in PLAIN if name in row}
        if row["name"] == "":
            problems.add(line, _("the name is empty"))
        municipality = None
        if row["gemeinde"] == "":
            problems.add(line, _("the Gemeinde is empty"))
        elif row["gemeinde"] is not None:
            municipality = references.municipality(row["gemeinde"])
            if municipality is None:
                problems.add(
                    line,
                    _("unknown Gemeinde %(gemeinde)s (give its name or its eight-digit key)")
                    % {"gemeinde": row["gemeinde"]},
                )
        values["municipality"] = municipality
        if row.get("categories"):
            values["categories"] = _categories(row["categories"], references, line, problems)
        elif "categories" in row:
            values["categories"] = [] if row["categories"] == "" else None
        _check_contact(values, line, problems)
        number = values.get("register_number")
        if number:
            if number in numbers:
                problems.add(
                    line,
                    _("the register number %(number)s appears twice (also in line %(other)d)")
                    % {"number": number, "other": numbers[number]},
                )
            numbers.setdefault(number, line)
        if row["name"] and municipality is not None:
            key = (row["name"].lower(), municipality.pk)
            if key in names:
                problems.add(
                    line,
                    _("%(name)s in %(gemeinde)s appears twice (also in line %(other)d)")
                    % {"name": row["name"], "gemeinde": municipality.name, "other": names[key]},
                )
            names.setdefault(key, line)
        if line not in problems:
            checked.append({"line": line, **values})
    return checked


def _categories(value: str, references: _References, line: int, problems: Problems):
    found, unknown = [], []
    for part in value.split(CATEGORY_SEPARATOR):
        part = part.strip()
        if not part:
            continue
        category = references.categories.get(part.lower())
        if category is None:
            unknown.append(part)
        elif category not in found:
            found.append(category)
    if unknown:
        problems.add(
            line,
            _("unknown categories: %(names)s (use the names or addresses from the category list)")
            % {"names": ", ".join(unknown)},
        )
        return None
    return found


def _check_contact(values: dict, line: int, problems: Problems) -> None:
    email = values.get("email")
    if email:
        try:
            validate_email_address(email)
        except ValidationError:
            problems.add(line, _("the e-mail address %(email)s is not valid") % {"email": email})
    postal_code = values.get("postal_code")
    if postal_code:
        if postal_code.isdigit() and len(postal_code) == 4:
            values["postal_code"] = postal_code = postal_code.zfill(5)  # lost leading zero
        if not re.fullmatch(r"[0-9]{5}", postal_code):
            problems.add(line, _("the postal code must have five digits"))
    phone = values.get("phone")
    if phone and not PHONE.fullmatch(phone):
        problems.add(
            line,
            _("the phone number may only hold digits, spaces and + ( ) / - ."),
        )
    website = values.get("website")
    if website:
        if "://" not in website:
            website = values["website"] = "https://" + website
        max_length = Association._meta.get_field("website").max_length
        try:
            if len(website) > max_length:
                raise ValidationError("too long")
            _url(website)
        except ValidationError:
            problems.add(
                line, _("the website %(url)s is not a valid web address") % {"url": website}
            )


# --- Matching and planning --------------------------------------------------------------------


@dataclass
class _Plan:
    create: list[dict] = field(default_factory=list)
    update: list[tuple] = field(default_factory=list)  # (existing entry, values, changes)
    report_lines: ImportReport = field(default_factory=ImportReport)

    def report(self, *, dry_run: bool) -> ImportReport:
        self.report_lines.dry_run = dry_run
        return self.report_lines


# Read from each existing entry a line may match (and compared with the line's values).
EXISTING = ("pk", "municipality_id", "status", "hidden_reason", *PLAIN)
SHOWN_FIELDS = {"municipality": "gemeinde"}


def _plan(rows: list[dict], references: _References, problems: Problems, *, lock: bool) -> _Plan:
    """Decide per line: create, update or leave; matched by register number, else by name
    and Gemeinde. With lock, the matched entries stay locked until the import commits."""
    existing = _existing(rows, lock=lock)
    by_number = {e["register_number"]: e for e in existing if e["register_number"]}
    by_name: dict[tuple, list] = {}
    for entry in existing:
        if entry["status"] != Association.Status.REJECTED:  # a refused proposal is no entry
            by_name.setdefault((entry["name"].lower(), entry["municipality_id"]), []).append(entry)
    matched = {}
    for row in rows:
        entry = _match(row, by_number, by_name, problems)
        if entry is None:
            continue
        if entry["pk"] in matched:
            problems.add(
                row["line"],
                _("refers to the same entry (%(name)s) as line %(other)d")
                % {"name": entry["name"], "other": matched[entry["pk"]]},
            )
            continue
        matched[entry["pk"]] = row["line"]
        row["entry"] = entry
    problems.raise_if_any()
    current_categories = _current_categories(list(matched))
    municipality_names = {m.pk: m.name for m in references.by_name.values()}
    plan = _Plan()
    for row in rows:
        label = f"{row['name']} ({row['municipality'].name})"
        entry = row.get("entry")
        if entry is None:
            plan.create.append(row)
            plan.report_lines.created.append(Line(row["line"], label))
            continue
        values, changes = {}, {}
        for name in PLAIN:
            if name not in row or row[name] == _comparable(name, entry[name]):
                continue
            if name == "register_number" and not row[name]:
                continue  # an empty key cell never clears the entry's number
            values[name] = row[name]
            changes[name] = (entry[name], row[name])
        if row["municipality"].pk != entry["municipality_id"]:
            values["municipality_id"] = row["municipality"].pk
            changes["municipality"] = (
                municipality_names.get(entry["municipality_id"], ""),
                row["municipality"].name,
            )
        categories = row.get("categories")
        if categories is not None:
            old = current_categories.get(entry["pk"], {})
            if set(old) != {c.pk for c in categories}:
                values["categories"] = categories
                changes["categories"] = (set(old.values()), {c.name for c in categories})
        if changes:
            plan.update.append((entry, values, changes))
            shown = [SHOWN_FIELDS.get(name, name) for name in changes]
            plan.report_lines.updated.append(Line(row["line"], label, shown))
        else:
            plan.report_lines.unchanged.append(Line(row["line"], label))
    return plan


def _comparable(name: str, value: str) -> str:
    # Browsers send line breaks in text areas as "\r\n"; the file's are read as "\n".
    return value.replace("\r\n", "\n") if name == "description" else value


def _existing(rows: list[dict], *, lock: bool) -> list[dict]:
    numbers = [row["register_number"] for row in rows if row.get("register_number")]
    names = list({row["name"].lower() for row in rows})
    query = (
        Association.objects.annotate(lower_name=Lower("name"))
        .filter(Q(register_number__in=numbers) | Q(lower_name__in=names))
        .order_by("pk")
    )
    if lock:
        query = query.select_for_update(of=("self",))
    return list(query.values(*EXISTING))


def _match(row: dict, by_number: dict, by_name: dict, problems: Problems) -> dict | None:
    line, number = row["line"], row.get("register_number")
    if number and number in by_number:
        entry = by_number[number]
        if entry["hidden_reason"] == Association.HiddenReason.MERGED or entry["status"] == (
            Association.Status.REJECTED
        ):
            problems.add(
                line,
                _(
                    "the register number %(number)s belongs to %(name)s, a merged entry or a "
                    "rejected proposal; remove it there first"
                )
                % {"number": number, "name": entry["name"]},
            )
            return None
        return entry
    named = by_name.get((row["name"].lower(), row["municipality"].pk), [])
    candidates = [e for e in named if e["hidden_reason"] != Association.HiddenReason.MERGED]
    if named and not candidates:
        # A new entry would bring back the duplicate the office merged away.
        problems.add(
            line,
            _(
                "%(name)s in this Gemeinde was merged into another entry: use that entry's "
                "name or register number, or leave the line out"
            )
            % {"name": row["name"]},
        )
        return None
    if len(candidates) > 1:
        problems.add(
            line,
            _(
                "%(count)d entries are called %(name)s in this Gemeinde: add the register "
                "number to tell them apart"
            )
            % {"count": len(candidates), "name": row["name"]},
        )
        return None
    if not candidates:
        return None
    entry = candidates[0]
    if number and entry["register_number"]:
        # Not found by its number, found by name: the entry there has another number.
        problems.add(
            line,
            _("%(name)s in this Gemeinde has the register number %(other)s, not %(number)s")
            % {"name": entry["name"], "other": entry["register_number"], "number": number},
        )
        return None
    return entry


def _current_categories(pks: list[int]) -> dict[int, dict[int, str]]:
    current: dict[int, dict[int, str]] = {}
    links = Association.categories.through.objects.filter(association_id__in=pks).values_list(
        "association_id", "category_id", "category__name"
    )
    for association_id, category_id, name in links:
        current.setdefault(association_id, {})[category_id] = name
    return current


# --- Writing ----------------------------------------------------------------------------------


def _lock_imports() -> None:
    if connection.vendor != "postgresql":
        return  # SQLite, the single-user embedded default, writes one transaction at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])


def _write(plan: _Plan, *, user) -> None:
    now = timezone.now()
    Through = Association.categories.through
    created = _create(plan.create, now)
    links, history = [], []
    for association, row in zip(created, plan.create, strict=True):
        links += [
            Through(association_id=association.pk, category=c) for c in row.get("categories") or []
        ]
        history.append(_change(association.pk, user, now, "created", "", association.name))
    fields = {"updated_at"} | {
        name for _entry, values, _changes in plan.update for name in values
    } - {"categories"}
    updates, recategorised = [], []
    for entry, values, changes in plan.update:
        if "categories" in values:
            recategorised.append(entry["pk"])
            links += [Through(association_id=entry["pk"], category=c) for c in values["categories"]]
        # One UPDATE for all rows writes every changed column of any row: the others keep
        # their current values.
        current = {name: values.get(name, entry.get(name)) for name in fields - {"updated_at"}}
        updates.append(Association(pk=entry["pk"], updated_at=now, **current))
        history += [
            _change(entry["pk"], user, now, name, *map(services.shown_value, change))
            for name, change in changes.items()
        ]
    if fields != {"updated_at"}:
        update_in_bulk(Association, updates, fields)
    Through.objects.filter(association_id__in=recategorised).delete()
    Through.objects.bulk_create(links, batch_size=CREATE_BATCH_SIZE)
    AssociationChange.objects.bulk_create(history, batch_size=CREATE_BATCH_SIZE)
    services.refresh_search_vector(
        association_ids=[a.pk for a in created] + [entry["pk"] for entry, _v, _c in plan.update]
    )


def _create(rows: list[dict], now) -> list[Association]:
    if not rows:
        return []
    taken = set(Association.objects.order_by().values_list("slug", flat=True))
    associations = [
        Association(
            **{name: row.get(name) or "" for name in PLAIN},
            municipality=row["municipality"],
            slug=_free_slug(row["name"], row["municipality"], taken),
            status=Association.Status.PUBLISHED,
            created_at=now,
        )
        for row in rows
    ]
    return Association.objects.bulk_create(associations, batch_size=CREATE_BATCH_SIZE)


def _free_slug(name: str, municipality: Municipality, taken: set[str]) -> str:
    base = slugify(f"{name} {municipality.name}")[:200] or "verein"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def _change(pk: int, user, now, name: str, old: str, new: str) -> AssociationChange:
    return AssociationChange(
        association_id=pk,
        changed_by=user,
        source=AssociationChange.Source.IMPORT,
        changed_at=now,
        field=name,
        old_value=old,
        new_value=new,
    )
