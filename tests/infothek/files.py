"""Small real files for the upload tests: a PDF, a DOCX, an ODT, and files that only pretend."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from infothek.demo import pdf_document
from infothek.uploads import CONTENT_TYPES

DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Mustersatzung</w:t></w:r></w:p></w:body></w:document>"
)


def pdf_bytes(text: str = "Mustersatzung") -> bytes:
    """A minimal, valid one-page PDF (with a correct cross-reference table): the demo's."""
    return pdf_document(text, [])


def docx_bytes(main: str = DOCX_MAIN) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=main))
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", DOCUMENT_XML)
    return out.getvalue()


def docm_bytes() -> bytes:
    return docx_bytes(main=DOCM_MAIN)


def odt_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # The ODF rule: "mimetype" first and stored uncompressed.
        archive.writestr(
            zipfile.ZipInfo("mimetype"), CONTENT_TYPES["odt"], compress_type=zipfile.ZIP_STORED
        )
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            "<office:body><office:text><text:p>Checkliste</text:p></office:text></office:body>"
            "</office:document-content>",
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return out.getvalue()


def many_entries_zip(entries: int = 2500) -> bytes:
    """A DOCX-looking archive with thousands of tiny entries (a zip bomb's shape)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=DOCX_MAIN))
        archive.writestr("word/document.xml", DOCUMENT_XML)
        for number in range(entries):
            archive.writestr(f"word/media/x{number}.xml", "")
    return out.getvalue()


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def big_part_zip(megabytes: int = 50) -> bytes:
    """A DOCX-looking archive whose [Content_Types].xml unpacks to `megabytes` of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"\0" * (megabytes * 1024 * 1024))
        archive.writestr("word/document.xml", DOCUMENT_XML)
    return out.getvalue()


def lying_zip(megabytes: int = 100) -> bytes:
    """As big_part_zip, but the headers claim the part unpacks to 100 bytes (a zip bomb that
    hides its size)."""
    data = bytearray(big_part_zip(megabytes))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)  # the first entry: [Content_Types].xml
        data[start + offset : start + offset + 4] = (100).to_bytes(4, "little")
    return bytes(data)
