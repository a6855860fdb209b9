"""The three catalog services the gate calls: publish, unpublish (with a reason), set standards.

catalog owns these columns; quality only ever changes them through catalog's services.
"""

from __future__ import annotations

from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import Product


def publish(*, product: Product) -> None:
    catalog_services.product_publish(product=product)


def unpublish(*, product: Product, reason: str) -> None:
    catalog_services.product_unpublish(product=product, reason=reason)


def set_standards(*, product: Product, codes: list[str]) -> None:
    catalog_services.product_set_standards(product=product, codes=codes)


def submit(*, actor, product: Product) -> None:
    """Mark the product "awaiting quality check" (catalog checks the actor may edit it)."""
    catalog_services.product_submit(actor=actor, product=product)
