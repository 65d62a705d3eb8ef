"""A resident's photo is kept without its metadata: EXIF and the GPS position are gone from the stored bytes, read
back; the picture is upright and no larger than it needs to be; anything else is refused, saying why."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image

from geo.errors import InputError
from geo.io.photos import LONGEST_SIDE, PHOTO_MAX_BYTES, clean_photo

GPS_IFD, ORIENTATION, ROTATED_90 = 0x8825, 0x0112, 6


def phone_photo(size: tuple[int, int] = (400, 300), *, kind: str = "JPEG") -> bytes:
    """A photo as a phone writes it: its camera, its orientation and where it was taken."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Téléphone de test"  # Make
    exif[ORIENTATION] = ROTATED_90
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (43.0, 13.0, 36.0), 3: "E", 4: (2.0, 21.0, 24.0)})
    out = io.BytesIO()
    if kind == "HEIC":
        pillow_heif.from_pillow(image).save(out, exif=exif.tobytes())
    else:
        image.save(out, kind, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "HEIC"])
def test_exif_and_gps_are_removed_and_the_photo_is_upright(kind: str) -> None:
    original = phone_photo(kind=kind)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the phone's photo says where it was
    kept = clean_photo(original)
    stored = Image.open(io.BytesIO(kept))
    assert stored.format == "JPEG" and dict(stored.getexif()) == {} and "exif" not in stored.info
    assert b"Exif" not in kept and "Téléphone de test".encode() not in kept
    assert stored.size == (300, 400)  # turned as the phone meant it


def test_a_large_photo_is_made_smaller() -> None:
    kept = Image.open(io.BytesIO(clean_photo(phone_photo((5000, 2500)))))
    assert max(kept.size) == LONGEST_SIDE


@pytest.mark.parametrize(("data", "said"), [
    (b"GIF89a" + b"\x00" * 100, "n'est pas une photo lisible"),
    (b"bonjour", "n'est pas une photo lisible"),
    (b"\xff" * (PHOTO_MAX_BYTES + 1), r"dépasse 8 Mo \(8.0 Mo\)"),
])
def test_what_is_not_a_photo_is_refused(data: bytes, said: str) -> None:
    with pytest.raises(InputError, match=said):
        clean_photo(data, name="envoi.bin")


def test_another_image_format_is_refused_by_name() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(InputError, match="au format GIF : JPEG, PNG ou HEIC seulement"):
        clean_photo(out.getvalue(), name="tag.gif")
