import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from network.models import Amt, Municipality

DATA = Path(settings.BASE_DIR) / "network" / "data"


def _run(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_municipalities", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_of_the_county_files_is_complete_and_idempotent():
    output = _run(str(DATA / "municipalities.csv"), "--amter", str(DATA / "amter.csv"))
    assert Municipality.objects.count() == 165
    assert Amt.objects.count() == 13
    assert "178" in output  # 165 municipalities + 13 Ämter created
    eckernfoerde = Municipality.objects.get(name="Eckernförde")
    assert (eckernfoerde.ags, eckernfoerde.kind, eckernfoerde.amt) == ("01058043", "stadt", None)
    assert Municipality.objects.filter(amt__name="Eidertal").exists()

    again = _run(str(DATA / "municipalities.csv"), "--amter", str(DATA / "amter.csv"))
    assert "0 " in again.split(",")[0]  # nothing created the second time
    assert Municipality.objects.count() == 165
    assert "178" in again  # all unchanged


@pytest.mark.django_db
def test_changed_row_is_reported_as_updated(tmp_path):
    _run(str(DATA / "municipalities.csv"), "--amter", str(DATA / "amter.csv"))
    text = (DATA / "municipalities.csv").read_text(encoding="utf-8")
    changed = text.replace(
        "01058043,Eckernförde,,stadt,54.4733,9.8322", "01058043,Eckernförde,,stadt,54.47,9.83"
    )
    path = tmp_path / "m.csv"
    path.write_text(changed, encoding="utf-8")
    output = _run(str(path), "--amter", str(DATA / "amter.csv"))
    assert "~ Eckernförde" in output
    assert Municipality.objects.get(name="Eckernförde").latitude == 54.47


@pytest.mark.django_db
def test_malformed_file_is_rejected_with_line_numbers_and_changes_nothing(tmp_path):
    _run(str(DATA / "municipalities.csv"), "--amter", str(DATA / "amter.csv"))
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
    with pytest.raises(CommandError) as excinfo:
        _run(str(bad), "--amter", str(DATA / "amter.csv"))
    message = str(excinfo.value)
    for line in (3, 4, 5):
        assert re.search(rf"(Line|Zeile) {line}:", message), message
    assert not re.search(r"(Line|Zeile) 2:", message)
    assert list(Municipality.objects.order_by("id").values()) == before


@pytest.mark.django_db
def test_file_without_required_columns_is_rejected(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name;amt\nA;B\n", encoding="utf-8")
    with pytest.raises(CommandError):
        _run(str(bad))
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_unknown_amt_is_rejected_when_amter_are_given(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ags,name,amt,kind\n,Irgendwo,Amt Nirgendwo,gemeinde\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nirgendwo"):
        _run(str(bad), "--amter", str(DATA / "amter.csv"))
    assert not Municipality.objects.exists()
    assert not Amt.objects.exists()


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
    with pytest.raises(CommandError) as excinfo:
        _run(str(swapped))
    assert re.search(r"(Line|Zeile) 2:", str(excinfo.value))
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
    with pytest.raises(CommandError, match="010585803"):
        _run(str(municipalities), "--amter", str(amter))
    assert not Amt.objects.exists()
