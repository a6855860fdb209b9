"""Case photos: a JPEG, PNG or WebP up to the upload limit in, one WebP of at most 40 KB out.

Catalog's decoder reads the picture by its content (a PDF renamed .jpg is refused) and rebuilds it
from raw pixels, so EXIF (GPS position, camera serial) never survives.
"""

from __future__ import annotations

from dataclasses import dataclass

from lumbung.catalog.services.photos import decode_photo, encode_within

from .models import CasePhoto


@dataclass(frozen=True)
class EncodedPhoto:
    data: bytes
    width: int
    height: int


def photo_encode(upload) -> EncodedPhoto:
    pixels = decode_photo(upload)
    data, width, height = encode_within(pixels, longest=CasePhoto.LONGEST_SIDE, budget=CasePhoto.MAX_BYTES)
    return EncodedPhoto(data, width, height)
