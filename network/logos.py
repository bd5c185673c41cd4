"""Logos people upload: checked by content, never trusted, re-encoded.

Only real PNG, JPEG, GIF or WebP images are taken (the file's content decides, not its name);
SVG and everything else is refused. The image is decoded with a cap on its pixels (against
decompression bombs), scaled down, stripped of metadata by re-encoding to WebP and stored
under a random name.
"""

import io
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import LogoError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # decoded size; a small file can unpack to billions of pixels
MAX_SIDE = 512  # stored size: enough for the page, small to serve
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def process_logo(upload) -> ContentFile:
    """A safe WebP of the uploaded image, or LogoError with a message for the person."""
    if upload.size > MAX_BYTES:
        raise LogoError(_("The logo is too large: at most 2 MB, please."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise LogoError(_("The logo is too large: at most 2 MB, please."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in ACCEPTED_FORMATS:
                    raise LogoError(_("Please upload a PNG, JPEG, GIF or WebP image."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise LogoError(_("The image has too many pixels; please make it smaller."))
                probe.verify()  # a broken or truncated file fails here
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                converted = image.convert("RGBA")
    except LogoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own cap (far above MAX_PIXELS) stops a header claiming billions of pixels.
        raise LogoError(_("The image has too many pixels; please make it smaller.")) from None
    except UnidentifiedImageError:
        raise LogoError(
            _("This file is not an image we can use. Please upload a PNG, JPEG, GIF or WebP.")
        ) from None
    except (OSError, ValueError, SyntaxError):
        raise LogoError(_("The image file is damaged. Please try another one.")) from None
    output = io.BytesIO()
    converted.save(output, format="WEBP", quality=85, method=4)  # no EXIF, no ICC, no XMP
    return ContentFile(output.getvalue(), name="logo.webp")
