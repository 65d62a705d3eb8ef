"""A resident's photo is kept without its metadata: EXIF and the GPS position are gone from the stored bytes, read
back; the picture is upright and no larger than it needs to be; anything else is refused, saying why."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image

from geo.errors import InputError
from geo.problems.photos import LONGEST_SIDE, PHOTO_MAX_BYTES, clean_photo

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


def _jpeg_with_every_kind_of_metadata() -> bytes:
    """A JPEG carrying a comment (COM), XMP, an ICC profile and EXIF: each may name a person or a place."""
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (10, 120, 30)).save(
        out, "JPEG", comment=b"Mme Dupont 06 12 34 56 78", icc_profile=icc,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Mme Dupont, 3 rue de l\'Essai</x:xmpmeta>',
        exif=Image.Exif().tobytes())
    return out.getvalue()


def test_no_metadata_of_any_kind_survives() -> None:
    original = _jpeg_with_every_kind_of_metadata()
    assert b"Mme Dupont" in original and b"ICC_PROFILE" in original
    kept = clean_photo(original, name="IMG_2041.jpg")
    assert b"Dupont" not in kept and b"ICC_PROFILE" not in kept and b"xmpmeta" not in kept
    assert set(Image.open(io.BytesIO(kept)).info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}


def test_a_png_s_text_chunks_do_not_survive() -> None:
    from PIL.PngImagePlugin import PngInfo

    chunks = PngInfo()
    chunks.add_text("Author", "Mme Dupont")
    out = io.BytesIO()
    Image.new("RGB", (60, 40)).save(out, "PNG", pnginfo=chunks)
    assert b"Dupont" not in clean_photo(out.getvalue(), name="capture.png")


def test_a_multi_picture_jpeg_keeps_its_first_picture() -> None:
    """Phones write MPO files (a depth map or an HDR gain map beside the photo): Pillow reads them as « MPO »."""
    out = io.BytesIO()
    Image.new("RGB", (200, 100), (250, 0, 0)).save(out, "MPO", save_all=True,
                                                   append_images=[Image.new("RGB", (100, 50), (0, 0, 250))])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    kept = Image.open(io.BytesIO(clean_photo(out.getvalue(), name="IMG_0001.JPG")))
    assert kept.format == "JPEG" and kept.size == (200, 100) and kept.getpixel((10, 10))[0] > 200


def test_a_huge_picture_in_a_small_file_is_refused_before_it_is_decoded() -> None:
    out = io.BytesIO()
    Image.new("1", (9400, 9400)).save(out, "PNG")
    assert len(out.getvalue()) < 20_000
    with pytest.raises(InputError, match=r"« bombe\.png » est trop grande : 9400 × 9400 pixels"):
        clean_photo(out.getvalue(), name="bombe.png")


def test_errors_name_the_file_as_the_resident_sent_it() -> None:
    with pytest.raises(InputError, match=r"« vacances à Gruissan\.gif » n'est pas une photo lisible"):
        clean_photo(b"GIF89a" + b"\x00" * 100, name="vacances à Gruissan.gif")
