"""Files to download: the type is read from the content (PDF, DOCX, ODT), never from the name;
executables, web pages, macro documents, archives with thousands of entries and files over
the size cap are refused with a clear message — directly and through the admin's form."""

import tracemalloc
from pathlib import PurePosixPath

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from infothek.admin_forms import DownloadForm
from infothek.exceptions import InfothekError
from infothek.models import Download
from infothek.uploads import file_kind
from portal.staff_groups import REDAKTION
from tests.factories import StaffFactory
from tests.helpers import log_in_with_second_factor
from tests.infothek.files import (
    EXE_BYTES,
    HTML_BYTES,
    big_part_zip,
    docm_bytes,
    docx_bytes,
    lying_zip,
    many_entries_zip,
    odt_bytes,
    pdf_bytes,
    upload,
)

ACCEPTED = [
    pytest.param(pdf_bytes, "mustersatzung.pdf", "pdf", id="pdf"),
    pytest.param(docx_bytes, "checkliste.docx", "docx", id="docx"),
    pytest.param(odt_bytes, "checkliste.odt", "odt", id="odt"),
    # The name does not matter, the content does.
    pytest.param(docx_bytes, "satzung.pdf", "docx", id="docx-named-pdf"),
]
REFUSED = [
    pytest.param(lambda: EXE_BYTES, "satzung.pdf", id="exe-renamed-pdf"),
    pytest.param(lambda: HTML_BYTES, "satzung.pdf", id="html-named-pdf"),
    pytest.param(docm_bytes, "satzung.docx", id="docm-macro-enabled"),
    pytest.param(docm_bytes, "satzung.docm", id="docm"),
    pytest.param(many_entries_zip, "satzung.docx", id="too-many-entries"),
    pytest.param(lambda: b"PK\x03\x04 not really a zip", "satzung.docx", id="broken-zip"),
    pytest.param(lambda: b"", "leer.pdf", id="empty"),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- uploads.file_kind ------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "name", "kind"), ACCEPTED)
def test_file_kind_reads_the_type_from_the_content(content, name, kind):
    assert file_kind(upload(content(), name)) == kind


@pytest.mark.parametrize(("content", "name"), REFUSED)
def test_file_kind_refuses_what_is_not_a_pdf_docx_or_odt(content, name):
    with pytest.raises(InfothekError) as error:
        file_kind(upload(content(), name))
    assert error.value.field == "file"
    assert "PDF" in str(error.value.message)


def test_file_kind_refuses_a_file_over_the_cap(settings):
    settings.INFOTHEK_MAX_UPLOAD_MB = 1
    big = pdf_bytes() + b"%" + b"0" * int(1.1 * 1024 * 1024)
    with pytest.raises(InfothekError) as error:
        file_kind(upload(big, "gross.pdf"))
    assert "1 MB" in str(error.value.message)
    # Just under the cap passes.
    assert file_kind(upload(pdf_bytes() + b"%" + b"0" * (1024 * 1024 - 2000), "ok.pdf")) == "pdf"


def test_file_kind_refuses_an_archive_part_that_unpacks_to_megabytes():
    assert len(big_part_zip(50)) < 1024 * 1024  # small as uploaded
    with pytest.raises(InfothekError):
        file_kind(upload(big_part_zip(50), "satzung.docx"))


def test_a_zip_bomb_hiding_its_size_is_refused_without_unpacking_it():
    bomb = lying_zip(100)
    tracemalloc.start()
    try:
        with pytest.raises(InfothekError):
            file_kind(upload(bomb, "satzung.docx"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024  # a few MB at most, not the 100 MB inside


def test_file_kind_leaves_the_file_at_its_start():
    file = upload(docx_bytes(), "checkliste.docx")
    file_kind(file)
    assert file.read(4) == b"PK\x03\x04"


# --- The admin's form ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "name", "kind"), ACCEPTED)
def test_the_admin_form_stores_kind_size_and_a_random_name(content, name, kind):
    data = content()
    form = DownloadForm(data={"title": "Mustersatzung"}, files={"file": upload(data, name)})
    assert form.is_valid(), form.errors
    download = form.save()
    assert (download.kind, download.size) == (kind, len(data))
    stored = PurePosixPath(download.file.name)
    assert stored.parent.name == "infothek"
    assert stored.suffix == f".{kind}"  # from the content, not from the uploaded name
    assert len(stored.stem) == 32  # a random hex name
    assert PurePosixPath(name).stem not in stored.name
    with download.file.open("rb") as stored_file:
        assert stored_file.read() == data


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "name"), REFUSED)
def test_the_admin_form_refuses_with_a_message_on_the_file(content, name):
    form = DownloadForm(data={"title": "Satzung"}, files={"file": upload(content(), name)})
    assert not form.is_valid()
    assert list(form.errors) == ["file"]
    assert not Download.objects.exists()


@pytest.mark.django_db
def test_the_admin_form_refuses_a_file_over_the_cap(settings):
    settings.INFOTHEK_MAX_UPLOAD_MB = 1
    big = pdf_bytes() + b"%" + b"0" * int(1.1 * 1024 * 1024)
    form = DownloadForm(data={"title": "Satzung"}, files={"file": upload(big, "gross.pdf")})
    assert not form.is_valid()
    assert "1 MB" in form.errors["file"][0]


@pytest.mark.django_db
def test_changing_the_title_keeps_the_file():
    form = DownloadForm(data={"title": "Alt"}, files={"file": upload(pdf_bytes(), "a.pdf")})
    download = form.save()
    name = download.file.name
    form = DownloadForm(data={"title": "Neu"}, instance=download)
    assert form.is_valid(), form.errors
    form.save()
    download.refresh_from_db()
    assert (download.title, download.file.name, download.kind) == ("Neu", name, "pdf")


@pytest.fixture
def editor(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=REDAKTION))
    log_in_with_second_factor(client, staff)
    return staff


@pytest.mark.django_db
def test_redaktion_uploads_a_pdf_in_admin(client, editor):
    response = client.post(
        reverse("admin:infothek_download_add"),
        {"title": "Mustersatzung", "file": upload(pdf_bytes(), "mustersatzung.pdf")},
    )
    assert response.status_code == 302
    download = Download.objects.get()
    assert (download.kind, download.size) == ("pdf", len(pdf_bytes()))


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "name"), REFUSED[:3])
def test_admin_refuses_a_pretending_file_with_the_error_on_the_page(client, editor, content, name):
    response = client.post(
        reverse("admin:infothek_download_add"),
        {"title": "Satzung", "file": upload(content(), name)},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert not Download.objects.exists()


@pytest.mark.django_db
def test_replacing_or_deleting_a_file_in_admin_leaves_no_copy(
    client, editor, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:infothek_download_add"),
            {"title": "Satzung", "file": upload(pdf_bytes(), "satzung.pdf")},
        )
    download = Download.objects.get()
    first = download.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:infothek_download_change", args=[download.pk]),
            {"title": "Satzung", "file": upload(odt_bytes(), "satzung.odt")},
        )
    assert response.status_code == 302
    download.refresh_from_db()
    assert download.kind == "odt"
    assert not default_storage.exists(first)
    assert default_storage.exists(download.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:infothek_download_delete", args=[download.pk]), {"post": "yes"})
    assert not Download.objects.exists()
    assert not default_storage.exists(download.file.name)
