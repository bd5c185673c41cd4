"""The import of an existing association list (and the export it reads back): check all, then
write all or nothing; matched by register number or name + Gemeinde; the same file twice
changes nothing; line numbers as an editor counts them; queries bounded."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from network import association_export
from network.association_import import decode_upload, import_file, import_text
from network.exceptions import ImportFileError
from network.models import Association, AssociationChange
from network.selectors import Filters, search_associations
from tests.factories import StaffFactory
from tests.network.factories import AssociationFactory, MunicipalityFactory, category

HEADER = "register_number;name;gemeinde;categories;description;email;phone;website"


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):  # the msgids: the German texts are checked elsewhere
        yield


@pytest.fixture
def hohn(db):
    return MunicipalityFactory(name="Hohn", ags="01058079")


@pytest.fixture
def nortorf(db):
    return MunicipalityFactory(name="Nortorf", ags="01058117")


def _csv(*lines: str, header: str = HEADER) -> str:
    return "\n".join([header, *lines]) + "\n"


def _import(text: str, **options):
    return import_text(text=text, file_name="vereine.csv", **options)


def _counts(report) -> tuple[int, int, int]:
    return (len(report.created), len(report.updated), len(report.unchanged))


def _errors(text: str) -> list[str]:
    with pytest.raises(ImportFileError) as failure:
        _import(text)
    return failure.value.errors


@pytest.mark.django_db
def test_new_entries_are_published_with_categories_history_and_search(hohn):
    staff = StaffFactory()
    report = _import(
        _csv(
            'VR 12 KI;TSV Hohn;Hohn;"sport; Kinder & Jugend";"Turnen, Fußball";info@tsv-hohn.de;'
            "04335 1234;www.tsv-hohn.de"
        ),
        user=staff,
    )
    assert _counts(report) == (1, 0, 0)
    assert report.created[0].line == 2
    tsv = Association.objects.get(register_number="VR 12 KI")
    assert tsv.status == Association.Status.PUBLISHED
    assert tsv.municipality == hohn
    assert set(tsv.categories.values_list("slug", flat=True)) == {"sport", "kinder-jugend"}
    assert tsv.website == "https://www.tsv-hohn.de"  # a scheme added to a bare address
    change = tsv.history.get()
    assert (change.source, change.field, change.new_value, change.changed_by) == (
        AssociationChange.Source.IMPORT,
        "created",
        "TSV Hohn",
        staff,
    )
    assert [a.name for a in search_associations(Filters(q="Fussball"))] == ["TSV Hohn"]


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing_the_second_time(hohn, nortorf):
    text = _csv(
        "VR 1;TSV Hohn;Hohn;sport;Sport für alle;;;",
        ";Landfrauen Nortorf;01058117;Heimat, Brauchtum & Plattdeutsch;Treffen;;;",
    )
    assert _counts(_import(text)) == (2, 0, 0)
    history = AssociationChange.objects.count()
    updated_at = sorted(Association.objects.values_list("updated_at", flat=True))
    assert _counts(_import(text)) == (0, 0, 2)
    assert AssociationChange.objects.count() == history
    assert sorted(Association.objects.values_list("updated_at", flat=True)) == updated_at


@pytest.mark.django_db
def test_a_dry_run_reports_what_the_import_would_do_and_writes_nothing(hohn):
    AssociationFactory(name="TSV Hohn", municipality=hohn, description="Alt")
    text = _csv(";tsv hohn;Hohn;;Neu;;;", ";Chor Hohn;Hohn;;Singen;;;")
    dry = _import(text, dry_run=True)
    assert dry.dry_run
    assert _counts(dry) == (1, 1, 0)
    assert Association.objects.count() == 1
    assert Association.objects.get().description == "Alt"
    assert not AssociationChange.objects.exists()
    real = _import(text)
    assert (real.created, real.updated) == (dry.created, dry.updated)


@pytest.mark.django_db
def test_an_update_records_old_and_new_values_per_field(hohn, nortorf):
    sport, music = category("sport"), category("kultur-musik")
    entry = AssociationFactory(
        name="Musikzug", municipality=hohn, register_number="VR 7", categories=[sport]
    )
    report = _import(_csv("VR 7;Musikzug Nortorf;Nortorf;kultur-musik;Blasmusik;;;"))
    assert _counts(report) == (0, 1, 0)
    assert set(report.updated[0].fields) == {"name", "gemeinde", "categories", "description"}
    entry.refresh_from_db()
    assert (entry.name, entry.municipality, list(entry.categories.all())) == (
        "Musikzug Nortorf",
        nortorf,
        [music],
    )
    changes = {c.field: (c.old_value, c.new_value, c.source) for c in entry.history.all()}
    assert changes["name"] == ("Musikzug", "Musikzug Nortorf", "import")
    assert changes["municipality"] == ("Hohn", "Nortorf", "import")
    assert changes["categories"] == ("Sport & Bewegung", "Kultur, Musik & Gesang", "import")


@pytest.mark.django_db
def test_an_entry_is_matched_by_name_and_gemeinde_ignoring_case_and_gets_the_number(hohn):
    entry = AssociationFactory(name="Freiwillige Feuerwehr Hohn", municipality=hohn)
    report = _import(_csv("VR 99;FREIWILLIGE FEUERWEHR HOHN;hohn;;Ein Verein im Kreis.;;;"))
    assert report.updated[0].fields == ["register_number", "name"]
    entry.refresh_from_db()
    assert entry.register_number == "VR 99"


@pytest.mark.django_db
def test_the_same_name_in_another_gemeinde_is_a_new_entry(hohn, nortorf):
    AssociationFactory(name="Schützenverein", municipality=hohn)
    assert _counts(_import(_csv(";Schützenverein;Nortorf;;Schießen;;;"))) == (1, 0, 0)


@pytest.mark.django_db
def test_a_column_left_out_is_not_touched_an_empty_cell_empties_and_keys_stay(hohn):
    entry = AssociationFactory(
        name="Chor Hohn",
        municipality=hohn,
        register_number="VR 3",
        email="chor@beispiel.de",
        street="Dorfstraße 1",
    )
    report = _import(_csv(";Chor Hohn;Hohn;;Ein Verein im Kreis.;;;"))
    assert report.updated[0].fields == ["email"]
    entry.refresh_from_db()
    assert entry.email == ""  # the column is there, its cell empty
    assert entry.street == "Dorfstraße 1"  # the column is not in the file
    assert entry.register_number == "VR 3"  # an empty key never clears a number


@pytest.mark.django_db
def test_gemeinde_by_key_also_without_the_leading_zero_a_spreadsheet_drops(hohn):
    report = _import(_csv(";A;01058079;;x;;;", ";B;1058079;;x;;;"))
    assert _counts(report) == (2, 0, 0)
    assert set(Association.objects.values_list("municipality", flat=True)) == {hohn.pk}


@pytest.mark.django_db
def test_commas_work_as_well_as_semicolons(hohn):
    text = 'name,gemeinde,categories\nTSV,Hohn,"sport; Kultur, Musik & Gesang"\n'
    assert _counts(_import(text)) == (1, 0, 0)
    assert Association.objects.get().categories.count() == 2


@pytest.mark.django_db
def test_descriptions_may_span_lines_and_later_lines_are_still_counted_right(hohn):
    text = (
        "name;gemeinde;description\r\n"
        'Chor;Hohn;"Wir singen.\r\nMontags um 19 Uhr."\r\n'
        'Tafel;Hohn;"Eins\nZwei\nDrei"\r\n'
        "Kaputt;Nirgendwo;x\r\n"
    )
    errors = _errors(text)
    assert errors == [
        "vereine.csv: Line 7: unknown Gemeinde Nirgendwo (give its name or its eight-digit key)."
    ]
    fixed = text.replace("Nirgendwo", "Hohn")
    assert _counts(_import(fixed)) == (3, 0, 0)
    assert Association.objects.get(name="Chor").description == "Wir singen.\nMontags um 19 Uhr."


@pytest.mark.django_db
def test_a_line_break_outside_the_description_is_refused(hohn):
    errors = _errors('name;gemeinde;meeting_times\nChor;Hohn;"Mo\n19 Uhr"\n')
    assert "Line 2" in errors[0]
    assert "meeting_times contains a line break" in errors[0]


@pytest.mark.django_db
def test_a_bad_file_is_rejected_with_every_problem_by_line_and_nothing_written(hohn):
    AssociationFactory(name="Bleibt", municipality=hohn, description="Alt")
    text = _csv(
        ";Bleibt;Hohn;;Neu;;;",
        ";Neu;Hohn;gibtsnicht;x;;;",
        ";;Hohn;;x;;;",
        ";Post;Hohn;;x;kein-at-zeichen;;",
        ";Telefon;Hohn;;x;;=1+1;",
        ";Web;Hohn;;x;;;javascript:alert(1)",
        "VR 5;Doppelt;Hohn;;x;;;",
        "VR 5;Doppelt auch;Hohn;;x;;;",
    )
    errors = _errors(text)
    assert [e.split(":")[1].strip() for e in errors] == [f"Line {n}" for n in (3, 4, 5, 6, 7, 9)]
    assert "unknown categories: gibtsnicht" in errors[0]
    assert "the name is empty" in errors[1]
    assert "e-mail address kein-at-zeichen is not valid" in errors[2]
    assert "phone number" in errors[3]
    assert "not a valid web address" in errors[4]
    assert "appears twice (also in line 8)" in errors[5]
    assert Association.objects.get().description == "Alt"
    assert Association.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("name;gemeinde;Lat", 'unknown columns: "Lat"'),
        ("name;description", "missing columns: gemeinde"),
        ("name;gemeinde;name", 'the column "name" appears twice'),
    ],
)
def test_a_wrong_header_is_refused(hohn, header, problem):
    errors = _errors(f"{header}\nTSV;Hohn;x\n")
    assert problem in errors[0]
    assert not Association.objects.exists()


@pytest.mark.django_db
def test_a_name_two_entries_share_is_refused_as_ambiguous(hohn):
    AssociationFactory(name="Doppelverein", municipality=hohn)
    AssociationFactory(name="doppelverein", municipality=hohn)
    errors = _errors(_csv(";Doppelverein;Hohn;;x;;;"))
    assert "2 entries are called Doppelverein in this Gemeinde" in errors[0]


@pytest.mark.django_db
def test_two_lines_that_find_one_entry_are_refused(hohn):
    AssociationFactory(name="Einmal", municipality=hohn, register_number="VR 1")
    errors = _errors(_csv("VR 1;Einmal umbenannt;Hohn;;x;;;", ";Einmal;Hohn;;;;;"))
    assert errors == ["vereine.csv: Line 3: refers to the same entry (Einmal) as line 2."]


@pytest.mark.django_db
def test_the_same_name_twice_in_the_file_is_refused(hohn):
    errors = _errors(_csv(";Chor;Hohn;;x;;;", ";chor;Hohn;;y;;;"))
    assert errors == ["vereine.csv: Line 3: chor in Hohn appears twice (also in line 2)."]


@pytest.mark.django_db
def test_a_number_that_contradicts_the_entry_found_by_name_is_refused(hohn):
    AssociationFactory(name="TSV", municipality=hohn, register_number="VR 1")
    errors = _errors(_csv("VR 2;TSV;Hohn;;x;;;"))
    assert "has the register number VR 1, not VR 2" in errors[0]


@pytest.mark.django_db
def test_a_merged_entry_is_not_updated_and_its_number_is_named(hohn):
    AssociationFactory(
        name="Alt",
        municipality=hohn,
        register_number="VR 8",
        status=Association.Status.HIDDEN,
        hidden_reason=Association.HiddenReason.MERGED,
    )
    errors = _errors(_csv("VR 8;Alt;Hohn;;x;;;"))
    assert "belongs to Alt, a merged entry" in errors[0]
    # Nor by its name: a new entry would bring the duplicate back.
    errors = _errors(_csv(";alt;Hohn;;x;;;"))
    assert "alt in this Gemeinde was merged into another entry" in errors[0]
    assert Association.objects.count() == 1


@pytest.mark.django_db
def test_a_rejected_proposal_of_the_same_name_does_not_stop_a_new_entry(hohn):
    AssociationFactory(name="Chor", municipality=hohn, status=Association.Status.REJECTED)
    assert _counts(_import(_csv(";Chor;Hohn;;x;;;"))) == (1, 0, 0)


@pytest.mark.django_db
def test_the_export_leaves_out_merged_duplicates_and_rejected_proposals(hohn):
    AssociationFactory(name="Bleibt", municipality=hohn)
    AssociationFactory(name="Versteckt", municipality=hohn, status=Association.Status.HIDDEN)
    AssociationFactory(name="Doppelt", municipality=hohn, status="hidden", hidden_reason="merged")
    AssociationFactory(name="Abgelehnt", municipality=hohn, status=Association.Status.REJECTED)
    text = _export(Association.objects.all())
    assert [line.split(";")[1] for line in text.splitlines()[1:]] == ["Bleibt", "Versteckt"]


@pytest.mark.django_db
def test_not_utf8_and_too_large_uploads_are_refused(hohn):
    with pytest.raises(ImportFileError, match="Line 2: not UTF-8"):
        decode_upload("name;gemeinde\nM\xfcller;Hohn\n".encode("latin-1"), file_name="x.csv")
    with pytest.raises(ImportFileError, match="larger than 2 MB"):
        decode_upload(b"x" * (2 * 1024 * 1024 + 1), file_name="x.csv")
    assert decode_upload("\ufeffname\n".encode(), file_name="x.csv") == "name\n"  # BOM dropped


# --- The export, and reading it back ----------------------------------------------------------


def _export(queryset) -> str:
    stream = io.StringIO()
    association_export.write_csv(queryset, stream)
    return stream.getvalue()


@pytest.mark.django_db
def test_the_export_is_excel_csv_with_the_import_columns(hohn):
    AssociationFactory(name="Chor", municipality=hohn, categories=[category("kultur-musik")])
    text = _export(Association.objects.all())
    assert text.startswith("\ufeffregister_number;name;gemeinde;categories;description;street;")
    assert text.endswith("\r\n")
    assert ";Chor;Hohn;Kultur, Musik & Gesang;Ein Verein im Kreis.;" in text


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_the_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(hohn, start):
    AssociationFactory(name=f"{start}HYPERLINK(1)", municipality=hohn, phone=f"{start}49")
    text = _export(Association.objects.all())
    assert f"'{start}HYPERLINK(1)" in text
    assert f"'{start}49" in text


@pytest.mark.django_db
def test_an_exported_list_imports_back_unchanged(hohn, nortorf):
    AssociationFactory(
        name="-Gruppe- Hohn",
        municipality=hohn,
        register_number="VR 1",
        description="Wir treffen uns:\r\n- montags\n- donnerstags",
        phone="+49 4335 1234",
        email="info@gruppe.de",
        website="https://gruppe.de",
        street="Hauptstraße 1",
        postal_code="24806",
        categories=[category("sport"), category("kultur-musik")],
    )
    AssociationFactory(name="'Apostroph", municipality=nortorf)
    AssociationFactory(name="Schlicht", municipality=nortorf)
    text = _export(Association.objects.all())
    report = _import(text)
    assert _counts(report) == (0, 0, 3)


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_lines(hohn):
    # Dry run: municipalities, categories, the entries the lines may match, their categories.
    # Import: the same four, the import lock, the slugs taken, the new entries, the updates
    # (one pipelined statement), the old category links out, the new ones in, the history,
    # the search vectors, and the savepoint and its release (the test runs in a transaction).
    def lines(count, offset=0):
        return [f";Verein {offset + n};Hohn;sport;Beschreibung {n};;;" for n in range(count)]

    counts = []
    for count in (10, 500):
        AssociationFactory.create_batch(count // 2, municipality=hohn)
        existing = list(Association.objects.values_list("name", flat=True))
        text = _csv(
            *lines(count, offset=count * 10), *[f";{n};Hohn;sport;neu;;;" for n in existing]
        )
        for dry_run in (True, False):
            with CaptureQueriesContext(connection) as queries:
                _import(text, dry_run=dry_run)
            counts.append(len(queries))
    assert counts == [4, 14, 4, 14]


# --- The command ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_and_reports_and_a_dry_run_changes_nothing(hohn, tmp_path):
    path = tmp_path / "vereine.csv"
    path.write_text(_csv(";TSV Hohn;Hohn;sport;Sport;;;"), encoding="utf-8")
    out = io.StringIO()
    call_command("import_associations", str(path), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() or "Probelauf" in out.getvalue()
    assert not Association.objects.exists()
    out = io.StringIO()
    call_command("import_associations", str(path), stdout=out)
    assert Association.objects.get().name == "TSV Hohn"
    assert import_file(path=path).unchanged[0].label == "TSV Hohn (Hohn)"


@pytest.mark.django_db
def test_the_command_names_the_bad_lines_and_changes_nothing(hohn, tmp_path):
    path = tmp_path / "vereine.csv"
    path.write_text(_csv(";TSV Hohn;Hohn;;x;;;", ";Chor;Nirgendwo;;x;;;"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"vereine\.csv: Line 3"):
        call_command("import_associations", str(path))
    assert not Association.objects.exists()
