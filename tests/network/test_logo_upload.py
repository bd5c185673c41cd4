"""Logo uploads (acceptance item 4): PNG and JPEG are accepted and re-encoded to WebP without
metadata under a random name; SVG with script, HTML renamed to .png, a 50 MB file and a
decompression bomb are refused with a clear German message, and nothing is stored – no file
in MEDIA_ROOT, no change request, no proposal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from network import logos, services
from network.forms.entries import LogoField
from network.models import Association, ChangeRequest
from tests.network.factories import MunicipalityFactory, RepresentativeFactory, category
from tests.network.selfservice import (
    EXIF_ARTIST,
    club,
    entry_post,
    files_under,
    image_bytes,
    png_declaring,
    tolerate_missing_admin_pages,
    upload,
    vernetzung_staff,
)

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
HTML_AS_PNG = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
NOT_AN_IMAGE = "Diese Datei ist kein Bild, das wir verwenden können."
TOO_LARGE = "Das Logo ist zu groß: Bitte höchstens 2 MB."
TOO_MANY_PIXELS = "Das Bild hat zu viele Pixel; bitte verkleinern Sie es."


@pytest.fixture(autouse=True)
def media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tolerate_missing_admin_pages(monkeypatch)
    return tmp_path / "media"


@pytest.fixture
def association(db):
    return club(name="Heimatverein Westensee")


@pytest.fixture
def representative(association):
    return RepresentativeFactory(association=association).user


def _send_logo(client, association, logo, **changes):
    return client.post(
        reverse("network:edit", args=[association.slug]),
        {**entry_post(association, **changes), "logo": logo},
    )


def _stored(media) -> Image.Image:
    (path,) = files_under(media)
    assert path.parent.name == "logos"
    assert path.suffix == ".webp"
    return Image.open(path)


@pytest.mark.django_db
def test_a_png_logo_is_re_encoded_to_webp_under_a_random_name_and_waits_for_review(
    client, media, association, representative
):
    client.force_login(representative)
    response = _send_logo(client, association, upload("mein-logo.png", image_bytes("PNG")))
    assert response.status_code == 302
    change_request = ChangeRequest.objects.get()
    assert change_request.changes == {}
    assert change_request.logo.name.startswith("logos/")
    assert "mein-logo" not in change_request.logo.name
    stored = _stored(media)
    assert stored.format == "WEBP"
    assert stored.size == (64, 48)
    association.refresh_from_db()
    assert not association.logo  # live only after the office approves
    services.approve_change_request(change_request=change_request, staff=vernetzung_staff())
    association.refresh_from_db()
    assert association.logo.name == change_request.logo.name


@pytest.mark.django_db
def test_a_jpeg_logo_loses_its_metadata_and_large_images_are_scaled_down(
    client, media, association, representative
):
    photo = image_bytes("JPEG", (1600, 1200), exif_text="Kamera von Erika Mustermann")
    assert b"Erika Mustermann" in photo
    client.force_login(representative)
    _send_logo(client, association, upload("foto.jpg", photo, "image/jpeg"))
    stored = _stored(media)
    assert stored.format == "WEBP"
    assert max(stored.size) == logos.MAX_SIDE
    assert "exif" not in stored.info
    assert EXIF_ARTIST not in stored.getexif()
    (path,) = files_under(media)
    assert b"Erika Mustermann" not in path.read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml", NOT_AN_IMAGE),
        ("logo.png", SVG_WITH_SCRIPT, "image/png", NOT_AN_IMAGE),
        ("logo.png", HTML_AS_PNG, "image/png", NOT_AN_IMAGE),
        ("logo.png", png_declaring(6000, 6000), "image/png", TOO_MANY_PIXELS),
        ("bombe.png", png_declaring(20000, 20000), "image/png", TOO_MANY_PIXELS),
        ("logo.png", image_bytes("PNG")[:60], "image/png", "beschädigt"),
        ("logo.bmp", image_bytes("BMP"), "image/bmp", "PNG, JPEG, GIF oder WebP"),
    ],
    ids=["svg", "svg-renamed", "html-renamed", "too-many-pixels", "bomb", "truncated", "bmp"],
)
def test_a_dangerous_or_unusable_file_is_refused_and_nothing_is_stored(
    client, media, association, representative, name, content, content_type, message
):
    client.force_login(representative)
    response = _send_logo(
        client,
        association,
        upload(name, content, content_type),
        name="Neuer Name",
        description="Auch das wird nicht gespeichert.",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert message in page
    assert files_under(media) == []
    assert not ChangeRequest.objects.exists()
    association.refresh_from_db()
    assert association.description == "Ein Verein im Kreis."


@pytest.mark.django_db
def test_a_50_mb_upload_is_refused_and_nothing_is_stored(
    client, media, association, representative, settings
):
    """Django spools an upload above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, so the
    50 MB never sit in memory; the form refuses it by its size without reading it."""
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= logos.MAX_BYTES * 2
    big = image_bytes("PNG") + b"\0" * (50 * 1024 * 1024)
    client.force_login(representative)
    response = _send_logo(client, association, upload("riesig.png", big))
    assert response.status_code == 200
    assert TOO_LARGE in response.content.decode()
    assert files_under(media) == []
    assert not ChangeRequest.objects.exists()


class _Unreadable(SimpleUploadedFile):
    """An upload that says it is 50 MB and fails the test if anyone reads it."""

    def __init__(self):
        super().__init__("riesig.png", b"", content_type="image/png")
        self.size = 50 * 1024 * 1024

    def read(self, *args, **kwargs):
        raise AssertionError("the upload was read before its size was checked")

    def chunks(self, *args, **kwargs):
        raise AssertionError("the upload was read before its size was checked")


def test_the_size_limit_is_checked_from_the_declared_size_before_reading():
    from django import forms

    with pytest.raises(forms.ValidationError) as refused:
        LogoField().clean(_Unreadable())
    assert refused.value.messages == [TOO_LARGE]


@pytest.mark.django_db
def test_a_proposal_with_a_good_logo_keeps_it_and_one_with_a_bad_logo_stores_nothing(
    client, media, user
):
    town = MunicipalityFactory()
    proposal = {
        "name": "Imkerverein Emkendorf",
        "description": "Bienen und Honig.",
        "categories": [str(category("umwelt").pk)],
        "municipality": str(town.pk),
    }
    client.force_login(user)
    refused = client.post(
        reverse("network:propose"),
        {**proposal, "logo": upload("logo.png", HTML_AS_PNG)},
    )
    assert refused.status_code == 200
    assert NOT_AN_IMAGE in refused.content.decode()
    assert not Association.objects.exists()
    assert files_under(media) == []
    client.post(
        reverse("network:propose"),
        {**proposal, "logo": upload("logo.jpg", image_bytes("JPEG"), "image/jpeg")},
    )
    created = Association.objects.get()
    assert created.logo.name.endswith(".webp")
    assert _stored(media).format == "WEBP"


@pytest.mark.django_db
def test_a_logo_written_in_a_failing_transaction_is_deleted_again(
    media, association, representative, monkeypatch
):
    from network import emails

    def office_unreachable(change_request):
        raise RuntimeError("mail server configuration broken")

    monkeypatch.setattr(emails, "change_request_to_office", office_unreachable)
    logo = logos.process_logo(upload("a.png", image_bytes()))
    data = services.EntryData(
        name=association.name,
        description=association.description,
        municipality=association.municipality,
        categories=list(association.categories.all()),
        email=association.email,
    )
    with pytest.raises(RuntimeError):
        services.update_entry(association=association, user=representative, data=data, logo=logo)
    assert files_under(media) == []
    assert not ChangeRequest.objects.exists()
