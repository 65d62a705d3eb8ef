"""A resident's photo of a GUP problem, made safe to keep: read whatever the phone sent (JPEG, multi-picture JPEG,
PNG or HEIC, 8 MB at most), turned upright, and written again as a plain JPEG, without EXIF, the GPS position it may
carry, or any other metadata.

The original bytes are never stored: only what this module writes.
"""

from __future__ import annotations

import io
import warnings

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from geo.errors import InputError
from geo.mail.rules import one_line

PHOTO_MAX_MB = 8
PHOTO_MAX_BYTES = PHOTO_MAX_MB * 1024 * 1024
ACCEPTED = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "HEIF": "HEIC"}
"""MPO: a phone's JPEG that carries a second picture (depth, HDR gain map); the first one is kept."""
PIXELS_MAX = 50_000_000
"""A 48-megapixel phone photo passes; a tiny file claiming 9,400 × 9,400 pixels is refused before it is decoded."""
LONGEST_SIDE = 2048
"""Enough to see a broken lamp; a smaller file for every reader."""
QUALITY = 85

pillow_heif.register_heif_opener()


def clean_photo(data: bytes, *, name: str = "photo") -> bytes:
    """The photo as it is kept: upright, at most 2048 px on its longest side, JPEG, with no metadata at all (no
    EXIF, GPS, comment, XMP, ICC profile or text chunk): only the pixels are written again. Errors name the file
    as the resident sent it."""
    shown = one_line(name, 120) or "photo"
    if len(data) > PHOTO_MAX_BYTES:
        raise InputError(f"La photo « {shown} » dépasse {PHOTO_MAX_MB} Mo ({len(data) / 1024 / 1024:.1f} Mo).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED:
                raise InputError(f"La photo « {shown} » est au format {image.format} : JPEG, PNG ou HEIC seulement.")
            width, height = image.size  # read from the header: nothing is decoded yet
            if width * height > PIXELS_MAX:
                raise InputError(f"La photo « {shown} » est trop grande : {width} × {height} pixels (au plus "
                                 f"{PIXELS_MAX // 1_000_000} millions de pixels).")
            image.seek(0)  # a multi-picture file: its first picture
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise InputError(f"« {shown} » n'est pas une photo lisible (JPEG, PNG ou HEIC).") from None
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    pixels = Image.new("RGB", upright.size)
    pixels.paste(upright)  # a new image: no info (comment, XMP, ICC, text) comes along from the file
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
