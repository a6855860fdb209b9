"""The catalogue API (/api/catalog): categories, shops, products, variants, photos, stock.

Public reads take public ids only and show published products; writes need a login (token or
session) and go through one service each. Someone else's product is "not found" (404); someone
else's shop refuses with 403. Errors are ``{code, message, details}``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from lumbung.accounts.api_auth import api_auth, optional_auth
from lumbung.accounts.models import Organisation, User
from lumbung.core.errors import NotFound, ValidationFailed
from lumbung.core.money import Money, format_money
from lumbung.core.permissions import require
from lumbung.core.schemas import ErrorOut

from . import selectors, services
from .errors import ShopNotFound
from .models import Photo, Product, Shop, Variant
from .query import SearchParams, parse_price
from .schemas import (
    CategoryOut,
    PhotoOut,
    ProductCreateIn,
    ProductOut,
    ProductPageOut,
    ProductUpdateIn,
    ShopCreateIn,
    ShopOut,
    ShopUpdateIn,
    StockAdjustIn,
    StockOut,
    VariantCreateIn,
    VariantOut,
    VariantUpdateIn,
)

router = Router(tags=["catalog"], auth=api_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- shaping -----------------------------------------------------------------------------------------
def _money(money: Money | None) -> dict | None:
    if money is None:
        return None
    return {"amount": str(money.amount), "currency": money.currency, "display": format_money(money)}


def _area(area) -> dict:
    return {"code": area.code, "name": area.name, "path": area.path}


def _shop(shop: Shop) -> dict:
    return {
        "public_id": shop.public_id,
        "slug": shop.slug,
        "name": shop.name,
        "story": shop.story(),
        "story_id": shop.story_id,
        "story_en": shop.story_en,
        "story_zh": shop.story_zh,
        "language": shop.language,
        "currency": shop.currency,
        "village": _area(shop.village),
        "village_text": shop.village_text,
        "rating_avg": str(shop.rating_avg),
        "rating_count": shop.rating_count,
        "order_count": shop.order_count,
        "is_active": shop.is_active,
        "created_at": shop.created_at,
    }


def _shop_ref(shop: Shop) -> dict:
    return {"public_id": shop.public_id, "slug": shop.slug, "name": shop.name}


def _image(file, width: int, height: int, size: int) -> dict:
    return {"url": file.url, "width": width, "height": height, "bytes": size}


def _photo(photo: Photo) -> dict:
    return {
        "public_id": photo.public_id,
        "variant": photo.variant.public_id if photo.variant_id else None,
        "alt_text": photo.alt_text,
        "list": _image(photo.list_image, photo.list_width, photo.list_height, photo.list_bytes),
        "detail": _image(photo.detail_image, photo.detail_width, photo.detail_height, photo.detail_bytes),
    }


def _variant(variant: Variant) -> dict:
    return {
        "public_id": variant.public_id,
        "sku": variant.sku,
        "label": variant.label,
        "unit_quantity": str(variant.unit_quantity.normalize()),
        "price": _money(variant.price),
        "stock": variant.stock,
        "in_stock": variant.in_stock,
        "weight_grams": variant.weight_grams,
        "is_active": variant.is_active,
    }


def _card(product: Product) -> dict:
    photos = list(product.photos.all())
    first = photos[0] if photos else None
    return {
        "public_id": product.public_id,
        "name": product.name(),
        "shop": _shop_ref(product.shop),
        "category": product.category.slug,
        "unit": product.unit,
        "price_from": _money(product.price_from_money),
        "village": _area(product.shop.village),
        "standards": product.standard_codes,
        "photo": _image(first.list_image, first.list_width, first.list_height, first.list_bytes)
        if first
        else None,
    }


def _product(product: Product) -> dict:
    return {
        "public_id": product.public_id,
        "name": product.name(),
        "description": product.description(),
        **{f: getattr(product, f) for f in ("name_id", "name_en", "name_zh")},
        **{f: getattr(product, f) for f in ("description_id", "description_en", "description_zh")},
        "shop": _shop_ref(product.shop),
        "category": product.category.slug,
        "unit": product.unit,
        "status": product.status,
        "is_published": product.is_published,
        "unpublished_reason": product.unpublished_reason,
        "standards": product.standard_codes,
        "price_from": _money(product.price_from_money),
        "village": _area(product.shop.village),
        "variants": [_variant(v) for v in product.variants.all()],
        "photos": [_photo(p) for p in product.photos.all()],
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def _category(node) -> dict:
    return {
        "slug": node.slug,
        "name": node.name(),
        "name_id": node.name_id,
        "name_en": node.name_en,
        "name_zh": node.name_zh,
        "children": [_category(kid) for kid in getattr(node, "kids", [])],
    }


# --- lookups -------------------------------------------------------------------------------------------
def _person(public_id: str | None) -> User | None:
    if not public_id:
        return None
    user = User.objects.filter(public_id=public_id, is_active=True).first()
    if user is None:
        raise ValidationFailed(_("We do not know that person."), details={"field": "on_behalf_of"})
    return user


def _editable_product(request, public_id: str) -> Product:
    return selectors.product_for_editor(public_id=public_id, user=request.auth)


def _editable_variant(request, public_id: str) -> Variant:
    variant = Variant.objects.select_related("product__shop").filter(public_id=public_id).first()
    if variant is None:
        raise NotFound()
    # Someone else's variant is "not found", exactly like someone else's product.
    selectors.product_for_editor(public_id=variant.product.public_id, user=request.auth)
    return variant


def _shop_by_public_id(public_id: str) -> Shop:
    shop = Shop.objects.select_related("village", "organisation").filter(public_id=public_id).first()
    if shop is None:
        raise ShopNotFound()
    return shop


# --- categories and shops ---------------------------------------------------------------------------------
@router.get("/categories", response=list[CategoryOut], auth=None, summary="The category tree")
def categories(request: HttpRequest):
    return [_category(node) for node in selectors.category_tree()]


class ShopListQuery(Schema):
    area: str = ""


@router.get(
    "/shops", response=list[ShopOut], auth=None, summary="Open shops (up to 100), optionally in an area"
)
def shop_list(request: HttpRequest, filters: Query[ShopListQuery]):
    qs = Shop.objects.filter(is_active=True).select_related("village").order_by("name")
    if filters.area:
        code = filters.area
        qs = qs.filter(
            Q(village__code=code)
            | Q(village__province_code=code)
            | Q(village__regency_code=code)
            | Q(village__district_code=code)
        )
    return [_shop(shop) for shop in qs[:100]]


@router.get("/shops/{public_id}", response={200: ShopOut, **ERRORS}, auth=None, summary="One shop")
def shop_detail(request: HttpRequest, public_id: str):
    return _shop(selectors.shop_public(public_id=public_id))


@router.post("/shops", response={201: ShopOut, **ERRORS}, summary="Open the shop of an organisation")
def shop_create(request: HttpRequest, payload: ShopCreateIn):
    organisation = Organisation.objects.filter(public_id=payload.organisation).first()
    if organisation is None:
        raise ValidationFailed(_("Choose one of your organisations."), details={"field": "organisation"})
    with transaction.atomic():
        shop = services.shop_create(
            actor=request.auth,
            organisation=organisation,
            on_behalf_of=_person(payload.on_behalf_of),
            **payload.dict(exclude={"organisation", "on_behalf_of"}, exclude_none=True),
        )
    return Status(201, _shop(shop))


@router.patch("/shops/{public_id}", response={200: ShopOut, **ERRORS}, summary="Change a shop")
def shop_update(request: HttpRequest, public_id: str, payload: ShopUpdateIn):
    shop = _shop_by_public_id(public_id)
    changes = payload.dict(exclude={"on_behalf_of"}, exclude_none=True)
    with transaction.atomic():
        shop = services.shop_update(
            actor=request.auth, shop=shop, on_behalf_of=_person(payload.on_behalf_of), **changes
        )
    return _shop(shop)


@router.get("/seller/shops", response=list[ShopOut], summary="Shops I own or work at")
def seller_shops(request: HttpRequest):
    return [_shop(shop) for shop in selectors.seller_shops(user=request.auth)]


@router.get(
    "/seller/shops/{public_id}/products",
    response={200: list[ProductOut], **ERRORS},
    summary="All products of one of my shops, published or not",
)
def seller_products(request: HttpRequest, public_id: str):
    shop = _shop_by_public_id(public_id)
    require(request.auth, "catalog.manage_shop", shop)
    products = selectors.seller_products(shop=shop).select_related("shop__village")
    return [_product(product) for product in products]


# --- products -------------------------------------------------------------------------------------------
class ProductQuery(Schema):
    q: str = ""
    category: str = ""
    area: str = Field("", description="area code: province, regency, district or village")
    min_price: str = ""
    max_price: str = ""
    currency: str = "IDR"
    standard: list[str] = []
    shop: str = ""
    sort: str = ""
    cursor: str = ""
    limit: int = 24


@router.get("/products", response={200: ProductPageOut, **ERRORS}, auth=None, summary="Search and browse")
def product_list(request: HttpRequest, filters: Query[ProductQuery]):
    shop_id = None
    if filters.shop:
        shop_id = Shop.objects.filter(public_id=filters.shop).values_list("pk", flat=True).first() or -1
    page = selectors.search(
        SearchParams(
            q=filters.q[:200],
            category=filters.category,
            area=filters.area,
            min_price=parse_price(filters.min_price, filters.currency),
            max_price=parse_price(filters.max_price, filters.currency),
            currency=filters.currency if filters.currency in ("IDR", "CNY") else "IDR",
            standards=filters.standard,
            shop_id=shop_id,
            sort=filters.sort,
            cursor=filters.cursor,
            limit=filters.limit,
        )
    )
    return {"items": [_card(p) for p in page.items], "next_cursor": page.next_cursor or None}


@router.get(
    "/products/{public_id}", response={200: ProductOut, **ERRORS}, auth=optional_auth, summary="One product"
)
def product_detail(request: HttpRequest, public_id: str):
    user = request.auth if getattr(request.auth, "is_authenticated", False) else None
    return _product(selectors.product_for_viewer(public_id=public_id, user=user))


@router.post("/products", response={201: ProductOut, **ERRORS}, summary="Add a product (and its variants)")
def product_create(request: HttpRequest, payload: ProductCreateIn):
    shop = Shop.objects.filter(public_id=payload.shop).select_related("village").first()
    if shop is None:
        raise ValidationFailed(_("Choose one of your shops."), details={"field": "shop"})
    with transaction.atomic():
        product = services.product_create(
            actor=request.auth,
            shop=shop,
            category=payload.category,
            variants=[v.dict() for v in payload.variants],
            on_behalf_of=_person(payload.on_behalf_of),
            **payload.dict(exclude={"shop", "category", "variants", "on_behalf_of"}),
        )
    return Status(201, _product(selectors.product_for_editor(public_id=product.public_id, user=request.auth)))


@router.patch("/products/{public_id}", response={200: ProductOut, **ERRORS}, summary="Change a product")
def product_update(request: HttpRequest, public_id: str, payload: ProductUpdateIn):
    product = _editable_product(request, public_id)
    with transaction.atomic():
        services.product_update(
            actor=request.auth,
            product=product,
            on_behalf_of=_person(payload.on_behalf_of),
            **payload.dict(exclude={"on_behalf_of"}, exclude_none=True),
        )
    return _product(selectors.product_for_editor(public_id=public_id, user=request.auth))


@router.post(
    "/products/{public_id}/submit", response={200: ProductOut, **ERRORS}, summary="Send for quality check"
)
def product_submit(request: HttpRequest, public_id: str):
    product = _editable_product(request, public_id)
    with transaction.atomic():
        services.product_submit(actor=request.auth, product=product)
    return _product(selectors.product_for_editor(public_id=public_id, user=request.auth))


# --- variants, stock, photos ------------------------------------------------------------------------------------
@router.post("/products/{public_id}/variants", response={201: VariantOut, **ERRORS}, summary="Add a variant")
def variant_create(request: HttpRequest, public_id: str, payload: VariantCreateIn):
    product = _editable_product(request, public_id)
    with transaction.atomic():
        variant = services.variant_create(
            actor=request.auth,
            product=product,
            on_behalf_of=_person(payload.on_behalf_of),
            **payload.dict(exclude={"on_behalf_of"}),
        )
    return Status(201, _variant(variant))


@router.patch("/variants/{public_id}", response={200: VariantOut, **ERRORS}, summary="Change a variant")
def variant_update(request: HttpRequest, public_id: str, payload: VariantUpdateIn):
    variant = _editable_variant(request, public_id)
    with transaction.atomic():
        variant = services.variant_update(
            actor=request.auth,
            variant=variant,
            on_behalf_of=_person(payload.on_behalf_of),
            **payload.dict(exclude={"on_behalf_of"}, exclude_none=True),
        )
    return _variant(variant)


@router.post("/variants/{public_id}/stock", response={200: StockOut, **ERRORS}, summary="Adjust stock (+/-)")
def stock_adjust(request: HttpRequest, public_id: str, payload: StockAdjustIn):
    variant = _editable_variant(request, public_id)
    with transaction.atomic():
        movement = services.stock_adjust(
            actor=request.auth,
            variant=variant,
            delta=payload.delta,
            reason=payload.reason,
            note=payload.note,
            on_behalf_of=_person(payload.on_behalf_of),
        )
    return {
        "variant": variant.public_id,
        "stock": movement.stock_after,
        "delta": movement.delta,
        "reason": movement.reason,
    }


@router.post(
    "/products/{public_id}/photos", response={201: PhotoOut, **ERRORS}, summary="Upload a photo (multipart)"
)
def photo_upload(
    request: HttpRequest,
    public_id: str,
    photo: File[UploadedFile],
    alt_text: Form[str] = "",
    variant: Form[str] = "",
):
    product = _editable_product(request, public_id)
    chosen = None
    if variant:
        chosen = product.variants.filter(public_id=variant).first()
        if chosen is None:
            raise ValidationFailed(
                _("That variant belongs to another product."), details={"field": "variant"}
            )
    with transaction.atomic():
        created = services.photo_add(
            actor=request.auth, product=product, upload=photo, variant=chosen, alt_text=alt_text
        )
    return Status(201, _photo(created))


@router.delete("/photos/{public_id}", response={204: None, **ERRORS}, summary="Remove a photo")
def photo_delete(request: HttpRequest, public_id: str):
    photo = Photo.objects.select_related("product").filter(public_id=public_id).first()
    if photo is None:
        raise NotFound()
    selectors.product_for_editor(public_id=photo.product.public_id, user=request.auth)
    with transaction.atomic():
        services.photo_delete(actor=request.auth, photo=photo)
    return Status(204, None)
