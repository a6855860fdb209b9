"""Categories, products and variants: creating and editing them, and the gate's publish switch.

A seller never sets ``is_published``: ``product_publish`` / ``product_unpublish`` are for the quality
gate. Changing a product's category sends it back to the gate (its required standards may differ).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from lumbung.core import events
from lumbung.core.errors import Conflict
from lumbung.core.money import Money

from ..errors import invalid
from ..models import Category, Product, ProductStatus, Shop, StockReason, Unit, Variant
from ..query import categories_changed
from ._common import (
    MAX_STOCK,
    MAX_WEIGHT_GRAMS,
    audit_record,
    authorise,
    clean_int,
    clean_line,
    clean_price,
    clean_quantity,
    clean_text,
)
from .search import search_refresh, search_refresh_category

NAME_FIELDS = ("name_id", "name_en", "name_zh")
DESCRIPTION_FIELDS = ("description_id", "description_en", "description_zh")
PRODUCT_EDITABLE = (*NAME_FIELDS, *DESCRIPTION_FIELDS, "category", "unit")
VARIANT_EDITABLE = ("sku", "label", "unit_quantity", "price", "weight_grams", "is_active", "position")

# Events for higher apps (the quality gate listens to "catalog.product_submitted").
PRODUCT_SUBMITTED = "catalog.product_submitted"
PRODUCT_CHANGED = "catalog.product_changed"
PRODUCT_PUBLISHED = "catalog.product_published"
PRODUCT_UNPUBLISHED = "catalog.product_unpublished"


# --- categories --------------------------------------------------------------------------------------
@transaction.atomic
def category_create(
    *,
    slug: str,
    name_id: str,
    name_en: str = "",
    name_zh: str = "",
    parent: Category | None = None,
    position: int = 0,
) -> Category:
    """Platform admins and the demo loader build the tree with this."""
    slug = slugify(slug)
    if not slug:
        raise invalid("slug", _("Use letters, numbers and hyphens."))
    if Category.objects.filter(slug=slug).exists():
        raise invalid("slug", _("That web address is taken."))
    category = Category.objects.create(
        slug=slug,
        parent=parent,
        name_id=clean_line(name_id, field="name_id", max_length=80, required=True),
        name_en=clean_line(name_en, field="name_en", max_length=80),
        name_zh=clean_line(name_zh, field="name_zh", max_length=80),
        position=position,
    )
    categories_changed()
    transaction.on_commit(categories_changed)
    return category


@transaction.atomic
def category_update(*, category: Category, **changes: Any) -> Category:
    for field in ("name_id", "name_en", "name_zh"):
        if field in changes:
            setattr(
                category,
                field,
                clean_line(changes[field], field=field, max_length=80, required=field == "name_id"),
            )
    if "position" in changes:
        category.position = int(changes["position"])
    if "is_active" in changes:
        category.is_active = bool(changes["is_active"])
    category.save()
    search_refresh_category(category=category)
    return category


# --- products ----------------------------------------------------------------------------------------
def _clean_product_fields(changes: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field in NAME_FIELDS:
        if field in changes:
            cleaned[field] = clean_line(changes[field], field=field, max_length=160)
    for field in DESCRIPTION_FIELDS:
        if field in changes:
            cleaned[field] = clean_text(changes[field], field=field)
    if "unit" in changes:
        if changes["unit"] not in Unit.values:
            raise invalid("unit", _("Choose a unit: kg, gram, litre, pack or piece."))
        cleaned["unit"] = changes["unit"]
    if "category" in changes:
        category = changes["category"]
        if isinstance(category, str):
            category = Category.objects.filter(slug=category, is_active=True).first()
        if not isinstance(category, Category) or not category.is_active:
            raise invalid("category", _("Choose one of the listed categories."))
        cleaned["category"] = category
    return cleaned


def _require_a_name(product: Product) -> None:
    if not any(getattr(product, field) for field in NAME_FIELDS):
        raise invalid("name_id", _("Give the product a name in at least one language."))


@transaction.atomic
def product_create(
    *,
    actor,
    shop: Shop,
    category: Category | str,
    name_id: str = "",
    name_en: str = "",
    name_zh: str = "",
    description_id: str = "",
    description_en: str = "",
    description_zh: str = "",
    unit: str = Unit.PACK,
    variants: Iterable[dict[str, Any]] = (),
    submit: bool = True,
    on_behalf_of=None,
) -> Product:
    """Add a product (with its variants, if given) to a shop.

    ``variants`` are dicts of ``variant_create`` arguments: ``{"sku": "MT-250", "label": "250 g can",
    "price": "45000", "stock": 20, "weight_grams": 300}``. With ``submit`` the product goes straight
    to the quality gate (status "awaiting quality check"); otherwise it stays a draft.
    """
    authorise(actor=actor, action="catalog.edit_product", obj=shop, on_behalf_of=on_behalf_of)
    fields = _clean_product_fields(
        {
            "category": category,
            "name_id": name_id,
            "name_en": name_en,
            "name_zh": name_zh,
            "description_id": description_id,
            "description_en": description_en,
            "description_zh": description_zh,
            "unit": unit,
        }
    )
    product = Product(
        shop=shop,
        status=ProductStatus.PENDING if submit else ProductStatus.DRAFT,
        regency_code=shop.village.regency_code,
        **fields,
    )
    _require_a_name(product)
    product.save()
    for spec in variants:
        _variant_create(actor=actor, product=product, on_behalf_of=on_behalf_of, **spec)
    _refresh_price_from(product)
    search_refresh(product=product)
    audit_record(
        "catalog.product_create",
        actor=actor,
        on_behalf_of=on_behalf_of,
        obj=product,
        data={"shop": shop.public_id, "name": product.name()},
    )
    if submit:
        events.emit(PRODUCT_SUBMITTED, product_id=product.public_id)
    return product


@transaction.atomic
def product_update(*, actor, product: Product, on_behalf_of=None, **changes: Any) -> Product:
    """Edit names, descriptions, unit or category. A new category sends the product back to the gate."""
    authorise(actor=actor, action="catalog.edit_product", obj=product, on_behalf_of=on_behalf_of)
    unknown = set(changes) - set(PRODUCT_EDITABLE)
    if unknown:
        raise invalid(sorted(unknown)[0], _("This field cannot be changed here."))
    product = Product.objects.select_for_update().select_related("shop").get(pk=product.pk)
    cleaned = _clean_product_fields(changes)
    category_changed = "category" in cleaned and cleaned["category"].pk != product.category_id
    for field, value in cleaned.items():
        setattr(product, field, value)
    _require_a_name(product)
    if category_changed and product.status in (ProductStatus.PUBLISHED, ProductStatus.UNPUBLISHED):
        product.is_published = False
        product.status = ProductStatus.PENDING
        product.unpublished_reason = str(_("The category changed, so the quality check runs again."))
    product.save()
    search_refresh(product=product)
    audit_record(
        "catalog.product_update",
        actor=actor,
        on_behalf_of=on_behalf_of,
        obj=product,
        data={"fields": sorted(cleaned)},
    )
    events.emit(PRODUCT_CHANGED, product_id=product.public_id, category_changed=category_changed)
    if category_changed and product.status == ProductStatus.PENDING:
        events.emit(PRODUCT_SUBMITTED, product_id=product.public_id)
    return product


@transaction.atomic
def product_submit(*, actor, product: Product, on_behalf_of=None) -> Product:
    """Ask the quality gate to check a draft (or an unpublished product again)."""
    authorise(actor=actor, action="catalog.edit_product", obj=product, on_behalf_of=on_behalf_of)
    updated = Product.objects.filter(
        pk=product.pk, status__in=(ProductStatus.DRAFT, ProductStatus.UNPUBLISHED, ProductStatus.PENDING)
    ).update(status=ProductStatus.PENDING, updated_at=timezone.now())
    if not updated:
        raise Conflict(_("This product cannot be sent for checking now."))
    product.refresh_from_db()
    audit_record("catalog.product_submit", actor=actor, on_behalf_of=on_behalf_of, obj=product)
    events.emit(PRODUCT_SUBMITTED, product_id=product.public_id)
    return product


@transaction.atomic
def product_archive(*, actor, product: Product, on_behalf_of=None) -> Product:
    """Take a product off sale for good (its history stays for old orders)."""
    authorise(actor=actor, action="catalog.edit_product", obj=product, on_behalf_of=on_behalf_of)
    Product.objects.filter(pk=product.pk).update(
        status=ProductStatus.ARCHIVED, is_published=False, updated_at=timezone.now()
    )
    product.refresh_from_db()
    audit_record("catalog.product_archive", actor=actor, on_behalf_of=on_behalf_of, obj=product)
    events.emit(PRODUCT_UNPUBLISHED, product_id=product.public_id, reason="archived")
    return product


@transaction.atomic
def product_publish(*, product: Product, actor=None, note: str = "") -> Product:
    """For the quality gate only: the product meets its standards, so buyers may see it."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status == ProductStatus.ARCHIVED:
        raise Conflict(_("An archived product cannot be published."))
    product.is_published = True
    product.status = ProductStatus.PUBLISHED
    product.unpublished_reason = ""
    product.published_at = product.published_at or timezone.now()
    product.save(update_fields=["is_published", "status", "unpublished_reason", "published_at", "updated_at"])
    audit_record("catalog.product_publish", actor=actor, obj=product, data={"note": note})
    events.emit(PRODUCT_PUBLISHED, product_id=product.public_id)
    return product


@transaction.atomic
def product_unpublish(*, product: Product, reason: str, actor=None) -> Product:
    """For the quality gate only: hide the product, saying why (shown to the seller)."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    product.is_published = False
    if product.status != ProductStatus.ARCHIVED:
        product.status = ProductStatus.UNPUBLISHED
    product.unpublished_reason = str(reason)[:255]
    product.save(update_fields=["is_published", "status", "unpublished_reason", "updated_at"])
    audit_record(
        "catalog.product_unpublish", actor=actor, obj=product, data={"reason": product.unpublished_reason}
    )
    events.emit(PRODUCT_UNPUBLISHED, product_id=product.public_id, reason=product.unpublished_reason)
    return product


@transaction.atomic
def product_set_standards(*, product: Product, codes: Iterable[str]) -> Product:
    """For the quality app: which standards (by code) this product currently carries."""
    clean = sorted({slugify(code).replace("-", "_") for code in codes if slugify(code)})
    value = "," + ",".join(clean) + "," if clean else ""
    Product.objects.filter(pk=product.pk).update(standards=value)
    product.standards = value
    return product


# --- variants ----------------------------------------------------------------------------------------
def _refresh_price_from(product: Product) -> None:
    lowest = Variant.objects.filter(product=product, is_active=True).aggregate(m=Min("price_amount"))["m"]
    Product.objects.filter(pk=product.pk).update(price_from=lowest)
    product.price_from = lowest


def _clean_variant_fields(changes: dict[str, Any], *, currency: str) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "sku" in changes:
        cleaned["sku"] = clean_line(changes["sku"], field="sku", max_length=40, required=True)
    if "label" in changes:
        cleaned["label"] = clean_line(changes["label"], field="label", max_length=80, required=True)
    if "unit_quantity" in changes:
        cleaned["unit_quantity"] = clean_quantity(changes["unit_quantity"])
    if "price" in changes:
        money: Money = clean_price(changes["price"], currency=currency)
        cleaned["price_amount"] = money.amount
        cleaned["price_currency"] = money.currency
    if "weight_grams" in changes:
        cleaned["weight_grams"] = clean_int(
            changes["weight_grams"], field="weight_grams", maximum=MAX_WEIGHT_GRAMS
        )
    if "is_active" in changes:
        cleaned["is_active"] = bool(changes["is_active"])
    if "position" in changes:
        cleaned["position"] = clean_int(changes["position"], field="position", maximum=1000)
    return cleaned


def _save_variant(variant: Variant) -> None:
    if Variant.objects.filter(shop_id=variant.shop_id, sku=variant.sku).exclude(pk=variant.pk).exists():
        raise invalid("sku", _("This shop already uses that SKU."))
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError as exc:  # a concurrent request took the SKU between check and insert
        raise invalid("sku", _("This shop already uses that SKU.")) from exc


def _variant_create(
    *,
    actor,
    product: Product,
    sku: str,
    label: str,
    price: Any,
    stock: Any = 0,
    weight_grams: Any = 0,
    unit_quantity: Any = Decimal(1),
    is_active: bool = True,
    position: int = 0,
    on_behalf_of=None,
) -> Variant:
    from ..models import StockMovement

    fields = _clean_variant_fields(
        {
            "sku": sku,
            "label": label,
            "price": price,
            "weight_grams": weight_grams,
            "unit_quantity": unit_quantity,
            "is_active": is_active,
            "position": position,
        },
        currency=product.shop.currency,
    )
    initial = clean_int(stock, field="stock", maximum=MAX_STOCK)
    variant = Variant(product=product, shop_id=product.shop_id, stock=initial, **fields)
    _save_variant(variant)
    if initial:
        StockMovement.objects.create(
            variant=variant,
            delta=initial,
            reason=StockReason.INITIAL,
            stock_after=initial,
            actor=actor if getattr(actor, "pk", None) else None,
            on_behalf_of=on_behalf_of,
        )
    return variant


@transaction.atomic
def variant_create(
    *,
    actor,
    product: Product,
    sku: str,
    label: str,
    price: Any,
    stock: Any = 0,
    weight_grams: Any = 0,
    unit_quantity: Any = Decimal(1),
    is_active: bool = True,
    position: int = 0,
    on_behalf_of=None,
) -> Variant:
    """Add a variant ("250 g can") with its price in the shop's currency and its opening stock."""
    authorise(actor=actor, action="catalog.edit_product", obj=product, on_behalf_of=on_behalf_of)
    variant = _variant_create(
        actor=actor,
        product=product,
        sku=sku,
        label=label,
        price=price,
        stock=stock,
        weight_grams=weight_grams,
        unit_quantity=unit_quantity,
        is_active=is_active,
        position=position,
        on_behalf_of=on_behalf_of,
    )
    _refresh_price_from(product)
    audit_record(
        "catalog.variant_create",
        actor=actor,
        on_behalf_of=on_behalf_of,
        obj=variant,
        data={"sku": variant.sku, "price": str(variant.price_amount), "stock": variant.stock},
    )
    return variant


@transaction.atomic
def variant_update(*, actor, variant: Variant, on_behalf_of=None, **changes: Any) -> Variant:
    """Change label, SKU, price, weight or on/off. Stock changes go through the stock services."""
    authorise(actor=actor, action="catalog.edit_product", obj=variant.product, on_behalf_of=on_behalf_of)
    if "stock" in changes:
        raise invalid("stock", _("Change stock with a stock adjustment, so it is recorded."))
    unknown = set(changes) - set(VARIANT_EDITABLE)
    if unknown:
        raise invalid(sorted(unknown)[0], _("This field cannot be changed here."))
    # Lock the row for the edit, but never write ``stock`` back: it is not in update_fields.
    variant = Variant.objects.select_for_update().select_related("product__shop").get(pk=variant.pk)
    cleaned = _clean_variant_fields(changes, currency=variant.product.shop.currency)
    before = {"price": str(variant.price_amount)}
    for field, value in cleaned.items():
        setattr(variant, field, value)
    if Variant.objects.filter(shop_id=variant.shop_id, sku=variant.sku).exclude(pk=variant.pk).exists():
        raise invalid("sku", _("This shop already uses that SKU."))
    if cleaned:
        variant.save(update_fields=[*cleaned, "updated_at"])
    _refresh_price_from(variant.product)
    audit_record(
        "catalog.variant_update",
        actor=actor,
        on_behalf_of=on_behalf_of,
        obj=variant,
        data={"fields": sorted(cleaned), **before},
    )
    return variant
