"""Files to download: the type is read from the content (never the name), the size capped.

PDF starts with "%PDF-". DOCX and ODT are ZIP archives: a DOCX holds "[Content_Types].xml"
and "word/document.xml"; an ODT begins with its uncompressed "mimetype" entry naming
"application/vnd.oasis.opendocument.text". Anything else — an executable renamed to .pdf, an
HTML page, a macro-enabled .docm, a spreadsheet — is refused.
"""

import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from .exceptions import InfothekError

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MAX_ZIP_ENTRIES = 2000
MAX_PART_BYTES = 1024 * 1024  # the parts read here ([Content_Types].xml, mimetype) are small
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb unpacks to far more than a document


def max_bytes() -> int:
    return settings.INFOTHEK_MAX_UPLOAD_MB * 1024 * 1024


def file_kind(upload) -> str:
    """ "pdf", "docx" or "odt" for an acceptable file, else an InfothekError."""
    if upload.size > max_bytes():
        raise InfothekError(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.INFOTHEK_MAX_UPLOAD_MB},
            field="file",
        )
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        upload.seek(0)
        if kind:
            return kind
    raise InfothekError(
        _("Please upload a PDF, Word (DOCX) or OpenDocument text (ODT) file."), field="file"
    )


def _zip_kind(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                return None
            # A zip bomb declares (or hides) far more unpacked data than a document holds.
            if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
                return None
            names = {entry.filename for entry in entries}
            if "mimetype" in names and _read_part(archive, "mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                types = _read_part(archive, "[Content_Types].xml")
                if b"macroEnabled" in types or "word/vbaProject.bin" in names:
                    return None  # .docm renamed: macros are not passed on
                return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, _TooLarge):
        return None
    return None


class _TooLarge(Exception):
    pass


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A small part of the archive, unpacked in bounded steps whatever its header claims."""
    with archive.open(name) as part:
        data = part.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise _TooLarge(name)
    return data
