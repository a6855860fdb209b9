"""Reads for the catalogue: what buyers browse, what sellers manage, what the gate inspects."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from lumbung.accounts.models import Membership, Role
from lumbung.core.permissions import can
from lumbung.regions.models import Area

from .errors import ProductNotFound, ShopNotFound
from .models import Category, Photo, Product, Shop, StockMovement, Variant
from .query import Page, SearchParams, all_categories, search
from .rows import product_by_public_id

__all__ = [
    "Page",
    "SearchParams",
    "area_by_code",
    "category_tree",
    "featured_products",
    "product_for_editor",
    "product_for_viewer",
    "search",
    "seller_products",
    "seller_shops",
    "shop_public",
    "stock_movements",
]


def category_tree(nodes: list[Category] | None = None) -> list[Category]:
    """Top-level categories with ``.kids`` (active children) attached; one query (or the cache),
    none when the caller passes the ``all_categories()`` it already read."""
    nodes = [node for node in (all_categories() if nodes is None else nodes) if node.is_active]
    by_parent: dict[int | None, list[Category]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)
    for node in nodes:
        node.kids = by_parent.get(node.pk, [])
    return by_parent.get(None, [])


def featured_products(*, limit: int = 8) -> list[Product]:
    """Newest published products with a price, for the home page."""
    return search(SearchParams(sort="newest", limit=limit)).items


def shop_public(*, slug: str | None = None, public_id: str | None = None) -> Shop:
    qs = Shop.objects.select_related("village", "organisation").filter(is_active=True)
    shop = qs.filter(slug=slug).first() if slug else qs.filter(public_id=public_id).first()
    if shop is None:
        raise ShopNotFound()
    return shop


def product_for_viewer(*, public_id: str, user=None) -> Product:
    """A product page: published ones for everyone; unpublished for the shop's people and inspectors."""
    product = product_by_public_id(public_id)
    if product is None:
        raise ProductNotFound()
    if not (product.is_published and product.shop.is_active) and not can(
        user, "catalog.view_unpublished", product
    ):
        raise ProductNotFound()
    return product


def product_for_editor(*, public_id: str, user) -> Product:
    """A product its seller may edit; anything else is "not found" (no hint that it exists)."""
    product = (
        Product.objects.select_related("shop__village", "shop__organisation", "category")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.order_by("position", "id")),
            Prefetch("photos", queryset=Photo.objects.order_by("position", "id")),
        )
        .filter(public_id=public_id)
        .first()
    )
    if product is None or not can(user, "catalog.edit_product", product):
        raise ProductNotFound()
    return product


def seller_shops(*, user) -> QuerySet[Shop]:
    """Shops the user owns or works at (superusers too see only their own here)."""
    if user is None or not user.is_authenticated:
        return Shop.objects.none()
    organisations = Membership.objects.filter(
        user=user, role__in=(Role.OWNER, Role.STAFF), is_active=True, organisation__isnull=False
    ).values("organisation_id")
    return (
        Shop.objects.filter(organisation_id__in=organisations)
        .select_related("village")
        .annotate(product_total=Count("products", filter=~Q(products__status="archived")))
    )


def seller_products(*, shop: Shop) -> QuerySet[Product]:
    return (
        Product.objects.filter(shop=shop)
        .exclude(status="archived")
        .select_related("category", "shop")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.order_by("position", "id")),
            Prefetch("photos", queryset=Photo.objects.order_by("position", "id")),
        )
        .order_by("-updated_at", "-id")
    )


def area_by_code(code: str) -> Area | None:
    return Area.objects.filter(code=code).first()


def stock_movements(*, variant: Variant, limit: int = 50) -> list[StockMovement]:
    return list(StockMovement.objects.filter(variant=variant).select_related("actor")[:limit])
