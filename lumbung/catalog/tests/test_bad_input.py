"""Bad input: each is refused with a clear, translated error and nothing is half-saved."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from lumbung.catalog import services
from lumbung.catalog.errors import InvalidPhoto
from lumbung.catalog.models import Photo, Product, StockMovement, Variant
from lumbung.catalog.tests import factories as f
from lumbung.core.errors import ValidationFailed
from lumbung.web.testing import write_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the source language); the Indonesian one is tested below."""
    with translation.override("en"):
        yield


@pytest.fixture
def shop(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    f.category(slug="kopi", name_id="Kopi")
    return f.shop(name="Kopi Desa")


def _create(shop, **overrides):
    fields = {
        "actor": f.owner_of(shop),
        "shop": shop,
        "category": "kopi",
        "name_id": "Kopi Robusta",
        "variants": [{"sku": "K-1", "label": "250 g", "price": "25000", "stock": 5}],
    }
    fields.update(overrides)
    return services.product_create(**fields)


def _counts():
    return (
        Product.objects.count(),
        Variant.objects.count(),
        StockMovement.objects.count(),
        Photo.objects.count(),
    )


@pytest.mark.parametrize(
    ("variant", "field", "words"),
    [
        ({"price": "-5000"}, "price", "more than zero"),
        ({"price": "0"}, "price", "more than zero"),
        ({"price": "999999999999"}, "price", "too high"),
        ({"price": "abc"}, "price", "as a number"),
        ({"price": "25000.5"}, "price", "decimal places"),
        ({"stock": -1}, "stock", "cannot be negative"),
        ({"stock": 10**9}, "stock", "too large"),
        ({"weight_grams": -3}, "weight_grams", "cannot be negative"),
    ],
)
def test_absurd_prices_and_stock_are_refused_and_nothing_is_saved(shop, variant, field, words):
    before = _counts()
    spec = {"sku": "K-1", "label": "250 g", "price": "25000", "stock": 5, **variant}
    with pytest.raises(ValidationFailed) as caught:
        _create(shop, variants=[spec])
    assert caught.value.details["field"] == field
    assert words in str(caught.value.message)
    assert _counts() == before  # the product itself was not kept either


def test_errors_come_in_the_users_language(shop, tmp_path, settings):
    write_catalog(
        tmp_path / "locale", "id", {"The price must be more than zero.": "Harga harus lebih dari nol."}
    )
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    translation.trans_real._translations = {}
    translation.trans_real._default = None
    try:
        with translation.override("id"), pytest.raises(ValidationFailed) as caught:
            _create(shop, variants=[{"sku": "K", "label": "x", "price": "-1"}])
        with translation.override("id"):
            assert str(caught.value.message) == "Harga harus lebih dari nol."
    finally:
        translation.trans_real._translations = {}
        translation.trans_real._default = None


def test_script_in_a_name_is_stored_as_text_and_rendered_escaped(shop):
    product = _create(shop, name_id='<script>alert("x")</script>Kopi <b>Enak</b>')
    product.refresh_from_db()
    assert "<" not in product.name_id and "Kopi Enak" in product.name_id
    services.product_publish(product=product)
    html = Client().get(reverse("catalog:product", args=[product.public_id])).content.decode()
    assert "<script>alert" not in html and "<b>Enak" not in html


def test_markup_survives_only_as_escaped_text_when_it_is_not_a_tag(shop):
    product = _create(shop, name_id="Kopi <3 & teh")
    services.product_publish(product=product)
    html = Client().get(reverse("catalog:product", args=[product.public_id])).content.decode()
    assert "Kopi &lt;3 &amp; teh" in html


def test_a_name_of_only_markup_is_refused(shop):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        _create(shop, name_id="<img src=x onerror=alert(1)>")
    assert "name" in caught.value.details["field"]
    assert _counts() == before


def test_unknown_category_is_refused(shop):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        _create(shop, category="no-such-thing")
    assert caught.value.details["field"] == "category"
    assert _counts() == before


def test_duplicate_sku_in_a_shop_is_refused(shop):
    _create(shop)
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        _create(shop, name_id="Kopi Lain")
    assert caught.value.details["field"] == "sku"
    assert _counts() == before


def test_a_pdf_renamed_jpg_is_refused(shop):
    product = _create(shop)
    pdf = SimpleUploadedFile(
        "photo.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="image/jpeg"
    )
    with pytest.raises(InvalidPhoto) as caught:
        services.photo_add(actor=f.owner_of(shop), product=product, upload=pdf)
    assert "not a photo" in str(caught.value.message)
    assert Photo.objects.count() == 0


def test_a_50_mb_upload_is_refused_with_the_limit_named(shop):
    product = _create(shop)
    big = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8\xff" + b"0" * (50 * 1024 * 1024), content_type="image/jpeg"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.photo_add(actor=f.owner_of(shop), product=product, upload=big)
    assert "limit is 5 MB" in str(caught.value.message)
    assert Photo.objects.count() == 0


def test_the_upload_page_shows_the_photo_error_and_saves_nothing(shop):
    client = Client(headers={"accept-language": "en"})
    client.force_login(f.owner_of(shop))
    before = _counts()
    response = client.post(
        reverse("catalog:seller_product_new", args=[shop.public_id]),
        {
            "category": "kopi",
            "name_id": "Kopi Baru",
            "unit": "pack",
            "sku": "NEW",
            "label": "250 g",
            "price": "25.000",
            "stock": "3",
            "weight_grams": "300",
            "photo": SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert "not a photo" in response.content.decode()
    assert _counts() == before  # product and variant rolled back with the photo


def test_api_refuses_negative_price_with_code_message_details(shop):
    client = Client()
    client.force_login(f.owner_of(shop))
    before = _counts()
    response = client.post(
        "/api/catalog/products",
        {
            "shop": shop.public_id,
            "category": "kopi",
            "name_id": "X",
            "variants": [{"sku": "A", "label": "a", "price": "-1"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed" and body["details"]["field"] == "price"
    assert _counts() == before


def test_another_sellers_variant_cannot_be_restocked_through_the_api(shop):
    product = _create(shop)
    variant = product.variants.get()
    stranger = f.owner_of(f.shop())
    client = Client()
    client.force_login(stranger)
    response = client.post(
        f"/api/catalog/variants/{variant.public_id}/stock",
        {"delta": 1000, "reason": "restock"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Variant.objects.get(pk=variant.pk).stock == 5


def test_photos_are_small_webp_without_exif(shop):
    product = _create(shop)
    upload = SimpleUploadedFile("cam.jpg", f.image_bytes(width=2400, height=1800, exif_gps=True))
    photo = services.photo_add(actor=f.owner_of(shop), product=product, upload=upload)
    assert photo.list_bytes <= 12 * 1024 and photo.detail_bytes <= 40 * 1024
    for field in (photo.list_image, photo.detail_image):
        data = field.read()
        field.close()
        image = Image.open(io.BytesIO(data))
        assert image.format == "WEBP"
        assert not image.getexif() and "exif" not in image.info
        assert b"SecretCam" not in data
    assert (photo.detail_width, photo.detail_height) != (2400, 1800)
