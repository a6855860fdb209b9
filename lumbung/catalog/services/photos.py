"""Product photos: any JPEG/PNG/WebP up to 5 MB in, two small WebP renditions out.

The upload is decoded to pixels and re-encoded, so EXIF (GPS position, camera serial) never
survives. The list rendition fits 12 KB and the detail one 40 KB: quality is lowered first, then
the size, until it fits. A file that is not a picture (a PDF renamed .jpg) is refused by content,
not by its name.
"""

from __future__ import annotations

import functools
import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from lumbung.core.ids import new_public_id

from ..errors import InvalidPhoto, invalid
from ..models import Photo, Product, Variant
from ._common import audit_record, authorise, clean_line

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 50_000_000
MAX_PHOTOS_PER_PRODUCT = 8
# (longest side to start from, byte budget)
LIST_SIZE = (360, Photo.LIST_MAX_BYTES)
DETAIL_SIZE = (960, Photo.DETAIL_MAX_BYTES)


def max_upload_bytes() -> int:
    return int(getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024) or 5 * 1024 * 1024)


def _too_big_message(size: int):
    return _("The photo is %(size)s MB; the limit is %(limit)s MB. Please send a smaller picture.") % {
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": f"{max_upload_bytes() / 1024 / 1024:.0f}",
    }


def decode_photo(upload) -> Image.Image:
    """Read an uploaded file as a picture, or raise a clear error. Returns RGB pixels only."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    if size > max_upload_bytes():
        raise invalid("photo", _too_big_message(size))
    if size == 0:
        raise InvalidPhoto(_("The file is empty."), details={"field": "photo"})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in ACCEPTED_FORMATS:
                raise InvalidPhoto(details={"field": "photo"})
            if image.width * image.height > MAX_PIXELS:
                raise invalid("photo", _("The picture has too many pixels. Please send a smaller one."))
            image.load()
            image = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise InvalidPhoto(details={"field": "photo"}) from exc
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    # A fresh image from the raw pixels: no metadata can ride along.
    return Image.frombytes("RGB", image.size, image.tobytes())


def encode_within(image: Image.Image, *, longest: int, budget: int) -> tuple[bytes, int, int]:
    """WebP no larger than ``budget`` bytes: lower the quality, then the size, until it fits."""
    side = longest
    while side >= 48:
        copy = image.copy()
        copy.thumbnail((side, side), Image.Resampling.LANCZOS)
        for quality in (82, 72, 62, 52, 42, 32):
            buffer = io.BytesIO()
            copy.save(buffer, "WEBP", quality=quality, method=4)
            data = buffer.getvalue()
            if len(data) <= budget:
                return data, copy.width, copy.height
        side = int(side * 0.8)
    raise InvalidPhoto(_("This picture cannot be made small enough. Please try another."))


@transaction.atomic
def photo_add(
    *,
    actor,
    product: Product,
    upload,
    variant: Variant | None = None,
    alt_text: str = "",
    on_behalf_of=None,
) -> Photo:
    """Attach a photo to a product (optionally to one of its variants)."""
    authorise(actor=actor, action="catalog.edit_product", obj=product, on_behalf_of=on_behalf_of)
    if variant is not None and variant.product_id != product.pk:
        raise invalid("variant", _("That variant belongs to another product."))
    count = Photo.objects.filter(product=product).count()
    if count >= MAX_PHOTOS_PER_PRODUCT:
        raise invalid("photo", _("A product can have at most %(n)d photos.") % {"n": MAX_PHOTOS_PER_PRODUCT})
    pixels = decode_photo(upload)
    list_data, list_w, list_h = encode_within(pixels, longest=LIST_SIZE[0], budget=LIST_SIZE[1])
    detail_data, detail_w, detail_h = encode_within(pixels, longest=DETAIL_SIZE[0], budget=DETAIL_SIZE[1])
    photo = Photo(
        product=product,
        variant=variant,
        alt_text=clean_line(alt_text, field="alt_text", max_length=160),
        position=count,
        list_width=list_w,
        list_height=list_h,
        list_bytes=len(list_data),
        detail_width=detail_w,
        detail_height=detail_h,
        detail_bytes=len(detail_data),
    )
    stem = new_public_id()
    photo.list_image.save(f"{stem}-s.webp", ContentFile(list_data), save=False)
    photo.detail_image.save(f"{stem}-m.webp", ContentFile(detail_data), save=False)
    written = [photo.list_image, photo.detail_image]
    try:
        photo.save()
        audit_record(
            "catalog.photo_add",
            actor=actor,
            on_behalf_of=on_behalf_of,
            obj=photo,
            data={"product": product.public_id, "bytes": [len(list_data), len(detail_data)]},
        )
    except Exception:
        for file in written:
            file.storage.delete(file.name)
        raise
    return photo


@transaction.atomic
def photo_delete(*, actor, photo: Photo, on_behalf_of=None) -> None:
    authorise(actor=actor, action="catalog.edit_product", obj=photo.product, on_behalf_of=on_behalf_of)
    files = [
        (photo.list_image.storage, photo.list_image.name),
        (photo.detail_image.storage, photo.detail_image.name),
    ]
    audit_record("catalog.photo_delete", actor=actor, on_behalf_of=on_behalf_of, obj=photo)
    photo.delete()
    for storage, name in files:
        transaction.on_commit(functools.partial(storage.delete, name))
