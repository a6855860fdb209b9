from decimal import Decimal

import pytest

from lumbung.catalog import services
from lumbung.catalog.models import ProductStatus, StockMovement, Variant
from lumbung.catalog.tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_seller_opens_a_shop_lists_a_product_and_the_gate_publishes_it():
    owner, organisation = f.seller()
    shop = services.shop_create(
        actor=owner, organisation=organisation, name="Mete Ibu Sari", story_id="Mete dari Sigi"
    )
    assert shop.currency == "IDR" and shop.language == "id" and shop.slug == "mete-ibu-sari"
    cat = f.category(slug="kacang", name_id="Kacang", name_en="Nuts", name_zh="坚果")
    product = services.product_create(
        actor=owner,
        shop=shop,
        category=cat,
        name_id="Kacang Mete Sangrai",
        variants=[{"sku": "MT-250", "label": "250 g", "price": "45000", "stock": 20, "weight_grams": 300}],
    )
    assert product.status == ProductStatus.PENDING and not product.is_published
    assert product.price_from == Decimal("45000")
    assert " mete " in product.search_stemmed and "kacang" in product.search_document
    services.product_publish(product=product)
    product.refresh_from_db()
    assert product.is_published and product.status == ProductStatus.PUBLISHED
    variant = product.variants.get()
    assert StockMovement.objects.filter(variant=variant, delta=20, reason="initial").exists()
    services.stock_reserve(variant=variant, quantity=5, reference="order-1")
    assert Variant.objects.get(pk=variant.pk).stock == 15
