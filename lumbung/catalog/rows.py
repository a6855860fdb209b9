"""Reading the storefront's rows without the ORM compiler.

The storefront's hottest reads (one product page; a listing of 24) spent about half their CPU in
Django compiling the same select_related and prefetch SQL on every request. The SQL here is built
once per process from the models' own metadata (portable: SQLite and PostgreSQL), and each row
becomes model instances through Model.from_db with the backend's converters, exactly as the ORM
would make them, so templates, the API and permission rules see the same objects. Only names from
the models' metadata go into the SQL text; every value is a bound parameter.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import QuerySet

from lumbung.regions.models import Area

from .models import Category, Photo, Product, Shop, Variant

_NEVER_SHOWN = ("search_document", "search_stemmed")


@dataclass(frozen=True)
class _Part:
    model: Any
    alias: str
    names: tuple[str, ...]
    converters: tuple[tuple[int, Any, tuple], ...]  # (index within the part, column, converters)


def _part(model, alias: str, skip: tuple[str, ...] = ()) -> _Part:
    fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
    converters = []
    for i, f in enumerate(fields):
        col = f.get_col(alias)
        found = tuple(connection.ops.get_db_converters(col) + f.get_db_converters(connection))
        if found:
            converters.append((i, col, found))
    return _Part(model, alias, tuple(f.attname for f in fields), tuple(converters))


def _columns(parts: list[_Part]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(
        f"{p.alias}.{quote(p.model._meta.get_field(name).column)}" for p in parts for name in p.names
    )


def _build(row, start: int, part: _Part):
    values = list(row[start : start + len(part.names)])
    for i, col, functions in part.converters:
        for convert in functions:
            values[i] = convert(values[i], col, connection)
    return part.model.from_db(DEFAULT_DB_ALIAS, part.names, values)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# A listing card never shows descriptions, stories or timestamps: left unread (deferred), as
# ``.defer()`` would; reading one later costs a query, so card templates must not.
_CARD_SKIPS = {
    Product: (
        *_NEVER_SHOWN,
        "description_id",
        "description_en",
        "description_zh",
        "created_at",
        "updated_at",
    ),
    Shop: ("story_id", "story_en", "story_zh", "created_at", "updated_at"),
}


_PRODUCT_JOIN = ((Product, "p"), (Shop, "s"), (Area, "a"), (Category, "c"))


@functools.cache
def _product_select(card: bool) -> tuple[str, list[_Part]]:
    skips = _CARD_SKIPS if card else {Product: _NEVER_SHOWN}
    parts = [_part(model, alias, skips.get(model, ())) for model, alias in _PRODUCT_JOIN]
    extra = (
        f", (SELECT COUNT(*) FROM {_table(Variant)} v WHERE v.product_id = p.id AND v.is_active)"  # noqa: S608
        if card
        else ""
    )
    sql = (
        f"SELECT {_columns(parts)}{extra} FROM {_table(Product)} p"  # noqa: S608
        f" JOIN {_table(Shop)} s ON s.id = p.shop_id"
        f" JOIN {_table(Area)} a ON a.id = s.village_id"
        f" JOIN {_table(Category)} c ON c.id = p.category_id"
    )
    return sql, parts


@functools.cache
def _child_select(model) -> tuple[str, _Part]:
    part = _part(model, "x")
    active = " AND x.is_active" if model is Variant else ""
    sql = f"SELECT {_columns([part])} FROM {_table(model)} x WHERE x.product_id IN ({{marks}}){active}"  # noqa: S608
    return sql + " ORDER BY x.product_id, x.position, x.id", part


_SHOP = Product._meta.get_field("shop")
_CATEGORY = Product._meta.get_field("category")
_VILLAGE = Shop._meta.get_field("village")


def _products(where: str, params: list, *, card: bool) -> list[Product]:
    sql, (product_part, shop_part, area_part, category_part) = _product_select(card)
    offsets = list(
        itertools.accumulate(
            [0] + [len(p.names) for p in (product_part, shop_part, area_part, category_part)]
        )
    )
    products = []
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} WHERE {where}", params)
        for row in cursor.fetchall():
            product = _build(row, offsets[0], product_part)
            shop = _build(row, offsets[1], shop_part)
            _VILLAGE.set_cached_value(shop, _build(row, offsets[2], area_part))
            _SHOP.set_cached_value(product, shop)
            _CATEGORY.set_cached_value(product, _build(row, offsets[3], category_part))
            if card:
                product.variant_count = row[offsets[4]]
            products.append(product)
    if products:
        _attach_children(products, (Photo,) if card else (Variant, Photo))
    return products


_CHILDREN = {Variant: "variants", Photo: "photos"}


def _attach_children(products: list[Product], models: tuple) -> None:
    """Active variants and/or photos of every product, a query each, as prefetch_related leaves them."""
    by_id = {product.pk: product for product in products}
    marks = ", ".join(["%s"] * len(by_id))
    for model in models:
        sql, part = _child_select(model)
        children: dict[int, list] = {pk: [] for pk in by_id}
        back = model._meta.get_field("product")
        with connection.cursor() as cursor:
            cursor.execute(sql.format(marks=marks), list(by_id))
            for row in cursor.fetchall():
                child = _build(row, 0, part)
                back.set_cached_value(child, by_id[child.product_id])
                children[child.product_id].append(child)
        for pk, items in children.items():
            cached = QuerySet(model=model)
            cached._result_cache = items
            cached._prefetch_done = True
            product = by_id[pk]
            if not hasattr(product, "_prefetched_objects_cache"):
                product._prefetched_objects_cache = {}
            product._prefetched_objects_cache[_CHILDREN[model]] = cached


def product_by_public_id(public_id: str) -> Product | None:
    """One product with shop, village, category, active variants and photos (any status; callers
    decide who may see it)."""
    found = _products("p.public_id = %s", [public_id], card=False)
    return found[0] if found else None


def product_cards(ids: list[int]) -> list[Product]:
    """Products as a listing shows them, in the order of ``ids``: shop, village, category and photos
    loaded, ``variant_count`` set, variants not loaded, descriptions and stories deferred."""
    if not ids:
        return []
    found = {p.pk: p for p in _products(f"p.id IN ({', '.join(['%s'] * len(ids))})", list(ids), card=True)}
    return [found[pk] for pk in ids if pk in found]
