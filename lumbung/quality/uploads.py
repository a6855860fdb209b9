"""Checking uploaded files by their content, never by their name or the browser's content type.

A certificate may be a PDF or a photo (JPEG, PNG, WebP) of at most 5 MB. An inspection photo is an
image, re-encoded to WebP from its pixels so no EXIF (or GPS position) is kept.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from lumbung.core.errors import ValidationFailed

from .models import CERTIFICATE_MAX_BYTES, PHOTO_MAX_BYTES

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
CERTIFICATE_TYPES = frozenset({"application/pdf", *IMAGE_TYPES.values()})
# Far beyond any phone camera; stops decompression bombs before Pillow allocates memory.
MAX_PIXELS = 50_000_000
PHOTO_MAX_SIDE = 1600


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _read_all(upload, limit: int, field: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            details={"field": field, "reason": "too_large"},
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            details={"field": field, "reason": "too_large"},
        )
    if not data:
        raise ValidationFailed(_("The file is empty."), details={"field": field, "reason": "empty"})
    return data


def _check_image(data: bytes, field: str) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ValidationFailed(
                _("The image is too large."), details={"field": field, "reason": "too_large"}
            )
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(
            _("The image could not be read. Please take the photo again."),
            details={"field": field, "reason": "unreadable"},
        ) from exc
    if image.format not in IMAGE_TYPES:
        raise ValidationFailed(
            _("Only JPEG, PNG or WebP images are accepted."), details={"field": field, "reason": "type"}
        )
    return image


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    content_type: str
    size: int


def certificate_file_check(upload) -> CheckedFile:
    """Accept a PDF or an image of at most 5 MB, whatever its name says; refuse everything else."""
    data = _read_all(upload, CERTIFICATE_MAX_BYTES, "file")
    content_type = sniff(data[:16])
    if content_type not in CERTIFICATE_TYPES:
        raise ValidationFailed(
            _("The file must be a PDF or a photo (JPEG, PNG or WebP)."),
            details={"field": "file", "reason": "type"},
        )
    if content_type == "application/pdf":
        # A PDF ends with %%EOF (maybe followed by a little whitespace); a cut-off upload does not.
        if b"%%EOF" not in data[-2048:]:
            raise ValidationFailed(
                _("The PDF is incomplete or damaged. Please upload it again."),
                details={"field": "file", "reason": "damaged"},
            )
    else:
        _check_image(data, "file")
    return CheckedFile(content=ContentFile(data), content_type=content_type, size=len(data))


def photo_reencode(upload) -> tuple[ContentFile, int, int]:
    """A JPEG, PNG or WebP photo of at most 5 MB, re-encoded as WebP no larger than 1600 px a side."""
    data = _read_all(upload, PHOTO_MAX_BYTES, "photos")
    if sniff(data[:16]) not in IMAGE_TYPES.values():
        raise ValidationFailed(
            _("Only JPEG, PNG or WebP images are accepted."), details={"field": "photos", "reason": "type"}
        )
    image = _check_image(data, "photos")
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=72, method=4)
    return ContentFile(out.getvalue()), image.width, image.height
