"""Helpers for the self-service tests: images made with Pillow, uploads, roles, mails."""

import io
import re
import struct
import zlib

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch
from PIL import Image

from mailings.models import Email
from network import emails
from portal.links import absolute_url
from portal.staff_groups import VERNETZUNG
from tests.factories import StaffFactory
from tests.network.factories import AssociationFactory, category

EXIF_ARTIST = 0x013B  # a tag whose text the stored logo must not carry


def image_bytes(kind: str = "PNG", size=(64, 48), *, exif_text: str = "") -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    output = io.BytesIO()
    options = {}
    if exif_text:
        exif = Image.Exif()
        exif[EXIF_ARTIST] = exif_text
        options["exif"] = exif.tobytes()
    image.save(output, format=kind, **options)
    return output.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims width × height pixels (a decompression
    bomb's calling card): made with Pillow, then the IHDR chunk rewritten with its CRC."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    start = data.index(b"IHDR")
    body = struct.pack(">II", width, height) + bytes(data[start + 12 : start + 17])
    data[start + 4 : start + 17] = body
    crc = zlib.crc32(b"IHDR" + body) & 0xFFFFFFFF
    data[start + 17 : start + 21] = struct.pack(">I", crc)
    return bytes(data)


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def vernetzung_staff():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=VERNETZUNG))
    return staff


def club(**kwargs):
    """A published association with a public address and one category."""
    kwargs.setdefault("email", "vorstand@tsv-beispiel.de")
    kwargs.setdefault("categories", [category("sport")])
    return AssociationFactory(**kwargs)


def entry_post(association, **changes) -> dict:
    """The edit form as the page shows it for `association`, with `changes` applied."""
    data = {
        "name": association.name,
        "description": association.description,
        "categories": [str(c.pk) for c in association.categories.all()],
        "municipality": str(association.municipality_id),
        "street": association.street,
        "postal_code": association.postal_code,
        "meeting_place": association.meeting_place,
        "meeting_times": association.meeting_times,
        "contact_name": association.contact_name,
        "email": association.email,
        "phone": association.phone,
        "website": association.website,
        "latitude": "" if association.latitude is None else str(association.latitude),
        "longitude": "" if association.longitude is None else str(association.longitude),
    }
    if association.seeks_volunteers:
        data["seeks_volunteers"] = "on"
    data.update(changes)
    return data


def mails(template: str) -> list[Email]:
    return list(Email.objects.filter(template=f"emails/network/{template}").order_by("pk"))


def claim_code_from_mail() -> str:
    (mail,) = mails("claim_code")
    match = re.search(r"^\s+([A-Z2-9]{8})\s*$", mail.body_text, re.MULTILINE)
    assert match, mail.body_text
    return match.group(1)


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def tolerate_missing_admin_pages(monkeypatch) -> None:
    """Stopgap while this branch lacks the directory's admin (network/admin.py comes with the
    staff branch): mails to the office link to admin pages that are not registered here.
    Once they are, the real link is used and this does nothing."""
    real = emails.absolute_reverse

    def reverse_or_placeholder(name, *args, **kwargs):
        try:
            return real(name, *args, **kwargs)
        except NoReverseMatch:
            if not name.startswith("admin:"):
                raise
            return absolute_url(f"/admin/{name.removeprefix('admin:')}/{args[0]}/")

    monkeypatch.setattr(emails, "absolute_reverse", reverse_or_placeholder)
