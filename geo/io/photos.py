"""A resident's photo of a GUP problem, made safe to keep: read whatever the phone sent (JPEG, PNG or HEIC, 8 MB at
most), turned upright, and written again as a plain JPEG, without EXIF and without the GPS position it may carry.

The original bytes are never stored: only what this module writes.
"""

from __future__ import annotations

import io
import warnings

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from geo.errors import InputError

PHOTO_MAX_BYTES = 8 * 1024 * 1024
ACCEPTED = {"JPEG": "JPEG", "PNG": "PNG", "HEIF": "HEIC"}
LONGEST_SIDE = 2048
"""Enough to see a broken lamp; a smaller file for every reader."""
QUALITY = 85

pillow_heif.register_heif_opener()


def clean_photo(data: bytes, *, name: str = "photo") -> bytes:
    """The photo as it is kept: upright, at most 2048 px on its longest side, JPEG, with no metadata at all."""
    if len(data) > PHOTO_MAX_BYTES:
        raise InputError(f"La photo « {name} » dépasse 8 Mo ({len(data) / 1024 / 1024:.1f} Mo).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED:
                raise InputError(f"La photo « {name} » est au format {image.format} : JPEG, PNG ou HEIC seulement.")
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InputError(f"« {name} » n'est pas une photo lisible (JPEG, PNG ou HEIC).") from None
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=QUALITY, optimize=True)  # no exif= given: none is written
    return out.getvalue()
