"""Catalogue services: the one way to change shops, products, variants, photos and stock.

Each is keyword-only and runs in one transaction (nested in the caller's, if any). Sellers' acts
take ``actor`` and, when an agent acts for a villager, ``on_behalf_of``; both go to the audit log.
"""

from .photos import photo_add, photo_delete
from .products import (
    PRODUCT_CHANGED,
    PRODUCT_PUBLISHED,
    PRODUCT_SUBMITTED,
    PRODUCT_UNPUBLISHED,
    category_create,
    category_update,
    product_archive,
    product_create,
    product_publish,
    product_set_standards,
    product_submit,
    product_unpublish,
    product_update,
    variant_create,
    variant_update,
)
from .search import search_refresh, search_refresh_category
from .shops import shop_create, shop_set_order_count, shop_set_rating, shop_update
from .stock import stock_adjust, stock_release, stock_reserve, stock_reserve_many, stock_set

__all__ = [
    "PRODUCT_CHANGED",
    "PRODUCT_PUBLISHED",
    "PRODUCT_SUBMITTED",
    "PRODUCT_UNPUBLISHED",
    "category_create",
    "category_update",
    "photo_add",
    "photo_delete",
    "product_archive",
    "product_create",
    "product_publish",
    "product_set_standards",
    "product_submit",
    "product_unpublish",
    "product_update",
    "search_refresh",
    "search_refresh_category",
    "shop_create",
    "shop_set_order_count",
    "shop_set_rating",
    "shop_update",
    "stock_adjust",
    "stock_release",
    "stock_reserve",
    "stock_reserve_many",
    "stock_set",
    "variant_create",
    "variant_update",
]
