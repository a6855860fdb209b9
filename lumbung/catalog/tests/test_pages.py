"""Storefront and seller pages: what a buyer and a seller see, page weight, no JavaScript needed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lumbung.catalog import services
from lumbung.catalog.models import Product, ProductStatus, Variant
from lumbung.catalog.tests import factories as f
from lumbung.web.testing import HTML_BUDGET, PAGE_BUDGET, page_weight

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(settings, tmp_path):
    # The dev media view reads MEDIA_ROOT per request, so photos stored here are what page_weight
    # fetches; pytest removes the directory.
    settings.MEDIA_ROOT = str(tmp_path)
    yield from _catalogue(settings)


def _catalogue(settings):
    nuts = f.category(slug="kacang", name_id="Kacang", name_en="Nuts", name_zh="坚果")
    shop = f.shop(name="Mete Ibu Sari", story_id="Kami mengolah mete di Sigi.")
    owner = f.owner_of(shop)
    items = []
    for n in range(30):
        product = f.product(
            shop_=shop, category_=nuts, name_id=f"Kacang Mete {n}", price=str(25000 + n * 1000)
        )
        items.append(product)
    services.photo_add(
        actor=owner,
        product=items[-1],
        upload=SimpleUploadedFile("m.jpg", f.image_bytes(width=640, height=480)),
    )
    services.product_set_standards(product=items[-1], codes=["pirt", "halal"])
    yield {"shop": shop, "owner": owner, "products": items, "category": nuts}


def test_product_page_shows_rupiah_variants_stock_shop_village_and_badges(catalogue):
    product = catalogue["products"][-1]
    response = Client().get(reverse("catalog:product", args=[product.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kacang Mete 29" in html and "Rp54.000" in html
    assert "PIRT" in html and "HALAL" in html
    assert "Mete Ibu Sari" in html and product.shop.village.name in html
    assert 'width="' in html and ".webp" in html


def test_unpublished_product_is_not_found_for_buyers_but_visible_to_its_seller(catalogue):
    draft = f.product(
        shop_=catalogue["shop"], category_=catalogue["category"], name_id="Draf", published=False
    )
    url = reverse("catalog:product", args=[draft.public_id])
    assert Client().get(url).status_code == 404
    seller = Client()
    seller.force_login(catalogue["owner"])
    assert (
        "awaiting quality check" in seller.get(url).content.decode().lower()
        or seller.get(url).status_code == 200
    )


def test_search_page_finds_by_affix_and_pages_with_a_cursor(catalogue):
    client = Client()
    first = client.get(reverse("catalog:search"), {"q": "kacang", "sort": "price_asc"})
    html = first.content.decode()
    assert "Rp25.000" in html and 'rel="next"' in html
    assert html.count('class="card"') == 24
    cursor_link = html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(reverse("catalog:search") + cursor_link)
    html2 = second.content.decode()
    assert html2.count('class="card"') == 6 and "Rp54.000" in html2 and "Rp25.000" not in html2
    assert "OFFSET" not in str(second.content)


def test_category_village_regency_and_shop_pages_list_products(catalogue):
    shop = catalogue["shop"]
    village = shop.village
    client = Client()
    for url in (
        reverse("catalog:category", args=["kacang"]),
        reverse("catalog:village", args=[village.code]),
        reverse("catalog:regency", args=[village.regency_code]),
        reverse("catalog:shop", args=[shop.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Kacang Mete 29" in response.content.decode(), url
    assert client.get(reverse("catalog:regency", args=[village.code])).status_code == 404


def test_featured_include_renders_newest_products():
    from django.template import engines

    html = engines["django"].from_string('{% include "catalog/_featured.html" %}').render({})
    assert html.strip() == ""  # nothing published yet: the section stays out of the home page


def test_featured_include_lists_products(catalogue):
    from django.template import engines

    html = engines["django"].from_string('{% include "catalog/_featured.html" %}').render({})
    assert "Kacang Mete 29" in html and html.count('class="card"') == 8


@pytest.mark.parametrize("page", ["search", "category", "product", "shop", "village", "regency", "home"])
def test_storefront_pages_fit_the_2g_budget(catalogue, page):
    shop = catalogue["shop"]
    urls = {
        "search": reverse("catalog:search") + "?q=kacang",
        "category": reverse("catalog:category", args=["kacang"]),
        "product": reverse("catalog:product", args=[catalogue["products"][-1].public_id]),
        "shop": reverse("catalog:shop", args=[shop.slug]),
        "village": reverse("catalog:village", args=[shop.village.code]),
        "regency": reverse("catalog:regency", args=[shop.village.regency_code]),
        "home": reverse("web:home"),
    }
    weight = page_weight(Client(), urls[page])
    print(weight.report())
    assert weight.html <= HTML_BUDGET, weight.report()
    assert weight.total <= PAGE_BUDGET, weight.report()


def test_pages_work_without_javascript_forms_are_plain_get_and_post(catalogue):
    client = Client()
    html = client.get(reverse("catalog:search")).content.decode()
    assert 'method="get"' in html and 'name="q"' in html and "<script>" not in html


def test_seller_adds_a_product_with_a_variant_and_photo_through_the_form(catalogue, settings):
    client = Client(headers={"accept-language": "en"})
    client.force_login(catalogue["owner"])
    shop = catalogue["shop"]
    response = client.post(
        reverse("catalog:seller_product_new", args=[shop.public_id]),
        {
            "category": "kacang",
            "name_id": "Kenari Panggang",
            "unit": "pack",
            "sku": "KN-1",
            "label": "250 g",
            "price": "45.000",
            "stock": "12",
            "weight_grams": "300",
            "photo": SimpleUploadedFile("k.jpg", f.image_bytes(width=800, height=600)),
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(name_id="Kenari Panggang")
    assert product.status == ProductStatus.PENDING and not product.is_published
    variant = product.variants.get()
    assert variant.price_amount == 45000 and variant.stock == 12
    assert product.photos.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "awaiting quality check" in page


def test_seller_stock_edit_is_refused_when_an_order_took_units_meanwhile(catalogue):
    client = Client(headers={"accept-language": "en"})
    client.force_login(catalogue["owner"])
    product = catalogue["products"][0]
    variant = product.variants.get()
    seen = variant.stock
    services.stock_reserve(variant=variant, quantity=3, reference="order-x")  # a buyer, meanwhile
    prefix = variant.public_id
    response = client.post(
        reverse("catalog:seller_variant", args=[variant.public_id]),
        {
            f"{prefix}-label": "250 g",
            f"{prefix}-price": "25.000",
            f"{prefix}-stock": "20",
            f"{prefix}-stock_seen": str(seen),
            f"{prefix}-is_active": "on",
        },
    )
    assert response.status_code == 422
    assert "stock changed" in response.content.decode().lower()
    assert Variant.objects.get(pk=variant.pk).stock == seen - 3  # the sale is not overwritten


def test_another_seller_cannot_open_my_product_editor(catalogue):
    stranger = f.owner_of(f.shop())
    client = Client()
    client.force_login(stranger)
    product = catalogue["products"][0]
    assert client.get(reverse("catalog:seller_product", args=[product.public_id])).status_code == 404
    before = Product.objects.get(pk=product.pk).name_id
    response = client.post(
        reverse("catalog:seller_product", args=[product.public_id]),
        {"category": "kacang", "name_id": "Dibajak", "unit": "pack"},
    )
    assert response.status_code == 404
    assert Product.objects.get(pk=product.pk).name_id == before
