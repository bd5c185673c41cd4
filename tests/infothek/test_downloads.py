"""/infothek/download/<pk>/: only files of a public guide (staff of the Redaktion any file), as
an attachment with the type the upload check found, never sniffed or guessed from a name."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from infothek.models import Download
from infothek.uploads import CONTENT_TYPES
from tests.factories import StaffFactory, UserFactory
from tests.infothek.factories import GuideFactory
from tests.infothek.page_helpers import redaktion_staff


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _file(title="Mustersatzung", kind="pdf", name="x.pdf", content=b"%PDF-1.4 demo") -> Download:
    download = Download(title=title, kind=kind, size=len(content))
    download.file.save(name, ContentFile(content), save=True)
    return download


def _url(download) -> str:
    return reverse("infothek:download", args=[download.pk])


def _viewer(who):
    return {
        "anonymous": lambda: None,
        "volunteer": UserFactory,
        "staff without Redaktion": StaffFactory,
        "Redaktion": redaktion_staff,
    }[who]()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["pdf", "docx", "odt"])
def test_a_file_of_a_public_guide_comes_as_an_attachment_with_its_own_type(client, media, kind):
    download = _file(title="Muster Satzung (2025)", kind=kind, name=f"a.{kind}")
    GuideFactory().downloads.add(download)
    response = client.get(_url(download))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[kind]
    assert response["Content-Disposition"] == f'attachment; filename="Muster-Satzung--2025.{kind}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"


@pytest.mark.django_db
def test_the_type_is_never_guessed_from_the_stored_name(client, media):
    download = _file(name="seite.html", content=b"%PDF-1.4 <html><script>x</script>")
    GuideFactory().downloads.add(download)
    response = client.get(_url(download))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.pdf"')


NOT_PUBLIC = {
    "draft guide": lambda: GuideFactory(status="draft"),
    "archived guide": lambda: GuideFactory(status="archived"),
    "scheduled guide": lambda: GuideFactory(publish_at=timezone.now() + timedelta(days=1)),
    "no guide": lambda: None,
}


@pytest.mark.django_db
@pytest.mark.parametrize("where", NOT_PUBLIC)
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "staff without Redaktion"])
def test_a_file_without_a_public_guide_answers_404(client, media, where, who):
    download = _file()
    guide = NOT_PUBLIC[where]()
    if guide:
        guide.downloads.add(download)
    viewer = _viewer(who)
    if viewer:
        client.force_login(viewer)
    assert client.get(_url(download)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("where", NOT_PUBLIC)
def test_redaktion_may_fetch_any_file(client, media, where):
    download = _file()
    guide = NOT_PUBLIC[where]()
    if guide:
        guide.downloads.add(download)
    client.force_login(_viewer("Redaktion"))
    response = client.get(_url(download))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
def test_a_file_on_one_public_and_one_draft_guide_is_public(client, media):
    download = _file()
    GuideFactory(status="draft").downloads.add(download)
    GuideFactory().downloads.add(download)
    assert client.get(_url(download)).status_code == 200


@pytest.mark.django_db
def test_unknown_or_missing_files_answer_404(client, media):
    assert client.get(reverse("infothek:download", args=[999999])).status_code == 404
    download = _file()
    GuideFactory().downloads.add(download)
    download.file.storage.delete(download.file.name)
    assert client.get(_url(download)).status_code == 404


@pytest.mark.django_db
def test_only_get_and_head(client, media):
    download = _file()
    GuideFactory().downloads.add(download)
    assert client.post(_url(download)).status_code == 405
    assert client.head(_url(download)).status_code == 200
