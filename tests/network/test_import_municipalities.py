import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from network.models import Amt, Municipality
from network.municipality_import import CREATE_BATCH_SIZE, import_municipalities

DATA = Path(settings.BASE_DIR) / "network" / "data"
COUNTY_FILES = (str(DATA / "municipalities.csv"), "--amter", str(DATA / "amter.csv"))


def _run(*args):
    out = io.StringIO()
    with translation.override("en"):  # the summary line is parsed word for word
        call_command("import_municipalities", *args, stdout=out)
    return out.getvalue()


@dataclass
class Report:
    created: int
    updated: int
    unchanged: int
    created_names: list[str]
    updated_names: list[str]


def _report(output: str) -> Report:
    """The command's output as numbers and names, so a test compares them exactly."""
    summary, *details = output.splitlines()
    match = re.fullmatch(r"(\d+) created, (\d+) updated, (\d+) unchanged \(skipped\)\.", summary)
    assert match, f"no summary line in: {output!r}"
    created, updated, unchanged = map(int, match.groups())
    report = Report(created, updated, unchanged, [], [])
    for line in details:
        sign, name = re.fullmatch(r"  ([+~]) (.+)", line).groups()
        (report.created_names if sign == "+" else report.updated_names).append(name)
    assert (len(report.created_names), len(report.updated_names)) == (created, updated), output
    return report


def _rejected(*args) -> str:
    with pytest.raises(CommandError) as excinfo:
        _run(*args)
    return str(excinfo.value)


def _lines(message: str) -> set[int]:
    return {int(number) for number in re.findall(r"(?:Line|Zeile) (\d+):", message)}


def _nothing_written():
    return not Municipality.objects.exists() and not Amt.objects.exists()


@pytest.mark.django_db
def test_import_of_the_county_files_is_complete_and_idempotent():
    first = _report(_run(*COUNTY_FILES))
    assert (first.created, first.updated, first.unchanged) == (165 + 13, 0, 0)
    assert "Eckernförde" in first.created_names
    assert "Amt Eidertal" in first.created_names
    assert Municipality.objects.count() == 165
    assert Amt.objects.count() == 13
    eckernfoerde = Municipality.objects.get(name="Eckernförde")
    assert (eckernfoerde.ags, eckernfoerde.kind, eckernfoerde.amt) == ("01058043", "stadt", None)
    assert Municipality.objects.filter(amt__name="Eidertal").exists()

    again = _report(_run(*COUNTY_FILES))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 178)
    assert Municipality.objects.count() == 165
    assert Amt.objects.count() == 13


@pytest.mark.django_db
def test_changed_row_is_reported_as_updated(tmp_path):
    _run(*COUNTY_FILES)
    text = (DATA / "municipalities.csv").read_text(encoding="utf-8")
    changed = text.replace(
        "01058043,Eckernförde,,stadt,54.4733,9.8322", "01058043,Eckernförde,,stadt,54.47,9.83"
    )
    assert changed != text
    path = tmp_path / "m.csv"
    path.write_text(changed, encoding="utf-8")
    report = _report(_run(str(path), "--amter", str(DATA / "amter.csv")))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 177)
    assert report.updated_names == ["Eckernförde"]
    assert Municipality.objects.get(name="Eckernförde").latitude == 54.47


@pytest.mark.django_db
def test_malformed_file_is_rejected_with_line_numbers_and_changes_nothing(tmp_path):
    _run(*COUNTY_FILES)
    before = list(Municipality.objects.order_by("id").values())
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ags,name,amt,kind,lat,lon,source\n"
        "01058043,Eckernförde,,stadt,1.0,1.0,verified\n"  # valid change, must not be applied
        "123,Kurzschlüssel,,gemeinde,,,verified\n"
        "01058999,Neudorf,,dorf,54.1,,verified\n"
        ",,,,,,\n",
        encoding="utf-8",
    )
    message = _rejected(str(bad), "--amter", str(DATA / "amter.csv"))
    assert _lines(message) == {3, 4, 5}, message  # line 2 is valid
    assert list(Municipality.objects.order_by("id").values()) == before


@pytest.mark.django_db
def test_file_without_required_columns_is_rejected(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name;amt\nA;B\n", encoding="utf-8")
    message = _rejected(str(bad))
    assert _lines(message) == {1}, message
    assert "missing columns: ags, amt, kind, name" in message
    assert _nothing_written()


@pytest.mark.django_db
def test_unknown_amt_is_rejected_when_amter_are_given(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ags,name,amt,kind\n,Irgendwo,Amt Nirgendwo,gemeinde\n", encoding="utf-8")
    message = _rejected(str(bad), "--amter", str(DATA / "amter.csv"))
    assert _lines(message) == {2}, message
    assert "Nirgendwo" in message
    assert _nothing_written()


@pytest.mark.django_db
def test_swapped_names_clash_with_existing_entries_and_change_nothing(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        "ags,name,amt,kind\n01058001,Aldorf,,gemeinde\n01058002,Bedorf,,gemeinde\n",
        encoding="utf-8",
    )
    _run(str(good))
    swapped = tmp_path / "swapped.csv"
    swapped.write_text(
        "ags,name,amt,kind\n01058001,Bedorf,,gemeinde\n01058002,Aldorf,,gemeinde\n",
        encoding="utf-8",
    )
    message = _rejected(str(swapped))
    assert _lines(message) == {2, 3}, message
    assert dict(Municipality.objects.values_list("ags", "name")) == {
        "01058001": "Aldorf",
        "01058002": "Bedorf",
    }


@pytest.mark.django_db
def test_amt_code_twice_in_the_file_is_rejected(tmp_path):
    amter = tmp_path / "amter.csv"
    amter.write_text("code,name,seat\n010585803,A,A\n010585803,B,B\n", encoding="utf-8")
    municipalities = tmp_path / "m.csv"
    municipalities.write_text("ags,name,amt,kind\n,X,A,gemeinde\n", encoding="utf-8")
    message = _rejected(str(municipalities), "--amter", str(amter))
    assert "amter.csv: " in message
    assert _lines(message) == {3}, message
    assert "010585803" in message
    assert _nothing_written()


# --- Hardening: every problem line-numbered, nothing written, physical lines -------------------

HEADER = "ags,name,amt,kind,lat,lon,source\n"


def _file(tmp_path, text: str, name: str = "m.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))  # exactly these bytes: no newline translation
    return path


def _csv(*rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # CRLF line ends: a field with CR or LF is quoted
    return out.getvalue()


@pytest.mark.django_db
def test_too_long_name_is_rejected_with_its_line_and_changes_nothing(tmp_path):
    limit = Municipality._meta.get_field("name").max_length
    path = _file(
        tmp_path,
        "ags,name,amt,kind\n"
        f",{'y' * limit},,gemeinde\n"  # exactly the limit: fine
        f",{'x' * (limit + 1)},,gemeinde\n",
    )
    message = _rejected(str(path))
    assert _lines(message) == {3}, message
    assert str(limit) in message
    assert _nothing_written()


@pytest.mark.django_db
def test_too_long_amt_name_in_the_municipality_file_is_rejected_with_its_line(tmp_path):
    limit = Amt._meta.get_field("name").max_length
    path = _file(tmp_path, f"ags,name,amt,kind\n,Aldorf,{'A' * (limit + 1)},gemeinde\n")
    message = _rejected(str(path))
    assert _lines(message) == {2}, message
    assert _nothing_written()


@pytest.mark.django_db
def test_too_long_seat_is_rejected_with_its_line_and_changes_nothing(tmp_path):
    limit = Amt._meta.get_field("seat").max_length
    amter = _file(
        tmp_path, f"code,name,seat\n,Amt A,Adorf\n,Amt B,{'s' * (limit + 1)}\n", "amter.csv"
    )
    municipalities = _file(tmp_path, "ags,name,amt,kind\n,Adorf,Amt A,gemeinde\n")
    message = _rejected(str(municipalities), "--amter", str(amter))
    assert "amter.csv" in message
    assert _lines(message) == {3}, message
    assert _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["name", "amt", "kind", "source"])
def test_nul_in_a_field_is_rejected_with_its_line(tmp_path, column):
    row = {"ags": "", "name": "Aldorf", "amt": "", "kind": "gemeinde", "source": "verified"}
    row[column] = row[column][:2] + "\x00" + row[column][2:]
    path = _file(
        tmp_path,
        "ags,name,amt,kind,source\n,Bedorf,,gemeinde,\n" + ",".join(row.values()) + "\n",
    )
    message = _rejected(str(path))
    assert _lines(message) == {3}, message
    assert "U+0000" in message
    assert _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "separator",
    ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85"],  # str.splitlines() splits at each
)
def test_line_separator_in_a_field_is_reported_at_its_physical_line(tmp_path, separator):
    path = _file(
        tmp_path,
        "ags,name,amt,kind\n"
        ",Aldorf,,gemeinde\n"
        f",Be{separator}dorf,,gemeinde\n"
        ",Cedorf,,gemeinde\n"
        ",Dedorf,,dorf\n",  # a later bad row keeps its line
    )
    message = _rejected(str(path))
    assert _lines(message) == {3, 5}, message
    assert f"U+{ord(separator):04X}" in message
    assert _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_quoted_line_break_is_rejected_and_later_rows_keep_their_lines(tmp_path, newline):
    text = (
        "ags,name,amt,kind\n"
        ',"Ober\ndorf",,gemeinde\n'  # lines 2 and 3
        ",Aldorf,,gemeinde\n"
        ",Bedorf,,dorf\n"  # line 5
    )
    path = _file(tmp_path, text.replace("\n", newline))
    message = _rejected(str(path))
    assert _lines(message) == {2, 5}, message
    assert _nothing_written()


@pytest.mark.django_db
def test_row_after_a_valid_multiline_record_keeps_its_line(tmp_path):
    # A quoted field may hold commas; one that spans lines is refused, the count goes on.
    path = _file(
        tmp_path,
        'code,name,seat\n,"Amt A, Nord",Adorf\n,"Amt\nB",Bedorf\n,Amt C,=Sitz\n',
        "amter.csv",
    )
    message = _rejected(str(_file(tmp_path, "ags,name,amt,kind\n")), "--amter", str(path))
    assert _lines(message) == {3, 5}, message


@pytest.mark.django_db
def test_lone_carriage_return_is_not_a_line_end(tmp_path):
    path = _file(tmp_path, "ags,name,amt,kind\n,Aldorf,,gemeinde\n,Be\rdorf,,gemeinde\n,C,,x\n")
    message = _rejected(str(path))
    assert _lines(message) == {3}, message  # the rest of the file cannot be read after it
    assert _nothing_written()


@pytest.mark.django_db
def test_invalid_utf8_is_reported_with_its_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "ags,name,amt,kind\n,Aldorf,,gemeinde\n,Bünsdorf,,gemeinde\n".encode("latin-1")
    )
    message = _rejected(str(path))
    assert _lines(message) == {3}, message
    assert _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("ags,name,amt,kind,name", "name"),  # duplicated: the last one would win
        ("ags,name,amt,kind,Lat", "Lat"),  # unknown: a misspelt column would be dropped
    ],
)
def test_duplicated_or_unknown_column_is_rejected_at_line_1(tmp_path, header, column):
    path = _file(tmp_path, f"{header}\n,Aldorf,,gemeinde,Bedorf\n")
    message = _rejected(str(path))
    assert _lines(message) == {1}, message
    assert f'"{column}"' in message
    assert _nothing_written()


FORMULAS = ['=HYPERLINK("https://example.org","Aldorf")', "+49 Aldorf", "-Aldorf", "@SUM(A1)"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_file", "column", "value"),
    [
        *(("m.csv", "name", formula) for formula in FORMULAS),
        ("m.csv", "name", "  =1+2"),  # spaces around a value are removed first
        ("m.csv", "name", "\t=1+2"),  # a control character anyway
        ("m.csv", "name", "\r=1+2"),
        ("m.csv", "amt", "=Amt"),
        ("m.csv", "amt", "-Amt"),
        ("amter.csv", "name", "@Amt"),
        ("amter.csv", "seat", "@Sitz"),
        ("amter.csv", "seat", "+Sitz"),
    ],
)
def test_formula_like_value_is_rejected_with_its_line(tmp_path, bad_file, column, value):
    amter = {"code": "", "name": "Amt B", "seat": "Bedorf"}
    municipality = {"ags": "", "name": "Bedorf", "amt": "Amt B", "kind": "gemeinde"}
    (amter if bad_file == "amter.csv" else municipality)[column] = value
    amter_path = _file(
        tmp_path, _csv(amter.keys(), ["", "Amt A", "Adorf"], amter.values()), "amter.csv"
    )
    municipalities_path = _file(
        tmp_path,
        _csv(municipality.keys(), ["", "Adorf", "Amt A", "gemeinde"], municipality.values()),
        "m.csv",
    )
    # An Amt in the municipality file is checked as a name of its own, without an Ämter file.
    amter_args = [] if column == "amt" else ["--amter", str(amter_path)]
    message = _rejected(str(municipalities_path), *amter_args)
    assert f"{bad_file}: " in message
    assert _lines(message) == {3}, message
    assert column in message
    assert _nothing_written()


@pytest.mark.django_db
def test_negative_coordinates_are_numbers_not_formulas(tmp_path):
    path = _file(tmp_path, HEADER + ",Südwestdorf,,gemeinde,-1.5,-170.25,\n")
    _run(str(path))
    municipality = Municipality.objects.get()
    assert (municipality.latitude, municipality.longitude) == (-1.5, -170.25)


@pytest.mark.django_db
def test_changed_amt_and_municipality_are_updated_in_place(tmp_path):
    _run(*COUNTY_FILES)
    ids = dict(Municipality.objects.values_list("name", "pk"))
    amter = (
        (DATA / "amter.csv")
        .read_text(encoding="utf-8")
        .replace("010585824,Dänischer Wohld,Gettorf", "010585824,Dänischer Wohld,Neudorf-Bornstein")
    )
    municipalities = (DATA / "municipalities.csv").read_text(encoding="utf-8")
    assert ",Bredenbek,Achterwehr,gemeinde,,," in municipalities
    municipalities = municipalities.replace(
        ",Bredenbek,Achterwehr,gemeinde,,,", ",Bredenbek,Bordesholm,gemeinde,54.3,9.9,"
    )
    output = _run(
        str(_file(tmp_path, municipalities)),
        "--amter",
        str(_file(tmp_path, amter, "amter.csv")),
    )
    report = _report(output)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 176)
    assert sorted(report.updated_names) == ["Amt Dänischer Wohld", "Bredenbek"]
    assert Amt.objects.get(name="Dänischer Wohld").seat == "Neudorf-Bornstein"
    bredenbek = Municipality.objects.get(name="Bredenbek")
    assert (bredenbek.amt.name, bredenbek.latitude, bredenbek.longitude) == (
        "Bordesholm",
        54.3,
        9.9,
    )
    assert dict(Municipality.objects.values_list("name", "pk")) == ids


@pytest.mark.django_db
def test_two_rows_for_one_existing_municipality_are_rejected(tmp_path):
    _run(str(_file(tmp_path, "ags,name,amt,kind\n01058001,Aldorf,,gemeinde\n", "first.csv")))
    path = _file(
        tmp_path,
        "ags,name,amt,kind\n"
        "01058001,Aldorf-Neu,,gemeinde\n"  # found by its key
        ",Aldorf,,gemeinde\n",  # found by its name: the same municipality
    )
    message = _rejected(str(path))
    assert _lines(message) == {3}, message
    assert list(Municipality.objects.values_list("ags", "name")) == [("01058001", "Aldorf")]


@pytest.mark.django_db
def test_amt_code_of_another_existing_amt_is_a_clash_at_its_line(tmp_path):
    municipalities = _file(tmp_path, "ags,name,amt,kind\n")
    first = _file(tmp_path, "code,name,seat\n010585803,Amt A,Adorf\n", "first.csv")
    _run(str(municipalities), "--amter", str(first))
    second = _file(tmp_path, "code,name,seat\n,Amt A,Adorf\n010585803,Amt B,Bedorf\n", "a.csv")
    message = _rejected(str(municipalities), "--amter", str(second))
    assert "010585803" in message
    assert _lines(message) == {3}, message
    assert list(Amt.objects.values_list("code", "name")) == [("010585803", "Amt A")]


def _generated(tmp_path, count: int, *, shift: float = 0.0) -> Path:
    rows = [
        f"{number:08d},Testdorf {number:06d},Amt {number % 5},gemeinde,"
        f"{54 + number / 100_000 + shift:.5f},{9.5 + shift:.5f},verified\n"
        for number in range(count)
    ]
    return _file(tmp_path, HEADER + "".join(rows), f"generated-{count}-{shift}.csv")


def _queries(run) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        result = run()
    return len(context), result


@pytest.mark.django_db
@pytest.mark.parametrize("count", [100, 3000])
def test_import_needs_the_same_few_queries_for_100_or_3000_rows(tmp_path, count):
    # Savepoint and release, a table lock, one read per table, one INSERT for the Ämter and one
    # per 2,000 new municipalities (bulk_create's batches), one pipelined UPDATE for all changed
    # rows: 7 for 100 new rows, 8 for 3,000; 6 to update and 5 to leave either file unchanged
    # (the old import made about three per row).
    inserts = math.ceil(count / CREATE_BATCH_SIZE)
    queries, report = _queries(
        lambda: import_municipalities(municipalities=_generated(tmp_path, count))
    )
    assert (queries, len(report.created)) == (6 + inserts, count + 5)  # and five Ämter
    queries, report = _queries(
        lambda: import_municipalities(municipalities=_generated(tmp_path, count, shift=0.01))
    )
    assert (queries, len(report.updated)) == (6, count)
    queries, report = _queries(
        lambda: import_municipalities(municipalities=_generated(tmp_path, count, shift=0.01))
    )
    assert (queries, len(report.unchanged)) == (5, count)
    assert Municipality.objects.get(name="Testdorf 000001").longitude == 9.51
