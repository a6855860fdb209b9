"""Typed shapes of the catalogue API. Money goes out as a decimal string plus currency and a display text."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class CatalogAreaOut(Schema):
    code: str
    name: str
    path: str


class MoneyOut(Schema):
    amount: str
    currency: str
    display: str


class ShopRefOut(Schema):
    public_id: str
    slug: str
    name: str


class ShopOut(Schema):
    public_id: str
    slug: str
    name: str
    story: str
    story_id: str
    story_en: str
    story_zh: str
    language: str
    currency: str
    village: CatalogAreaOut
    village_text: str
    rating_avg: str
    rating_count: int
    order_count: int
    is_active: bool
    created_at: datetime


class ShopCreateIn(Schema):
    organisation: str = Field(description="public id of the household, business, producer group or BUMDes")
    name: str = Field(max_length=200)
    slug: str = ""
    story_id: str = ""
    story_en: str = ""
    story_zh: str = ""
    language: str | None = None
    village_text: str = ""
    on_behalf_of: str | None = Field(None, description="public id of the villager an agent acts for")


class ShopUpdateIn(Schema):
    name: str | None = None
    slug: str | None = None
    story_id: str | None = None
    story_en: str | None = None
    story_zh: str | None = None
    language: str | None = None
    village_text: str | None = None
    is_active: bool | None = None
    on_behalf_of: str | None = None


class CategoryOut(Schema):
    slug: str
    name: str
    name_id: str
    name_en: str
    name_zh: str
    children: list[CategoryOut] = []


class VariantOut(Schema):
    public_id: str
    sku: str
    label: str
    unit_quantity: str
    price: MoneyOut
    stock: int
    in_stock: bool
    weight_grams: int
    is_active: bool


class ImageOut(Schema):
    url: str
    width: int
    height: int
    bytes: int


class PhotoOut(Schema):
    public_id: str
    variant: str | None
    alt_text: str
    list: ImageOut
    detail: ImageOut


class ProductCardOut(Schema):
    public_id: str
    name: str
    shop: ShopRefOut
    category: str
    unit: str
    price_from: MoneyOut | None
    village: CatalogAreaOut
    standards: list[str]
    photo: ImageOut | None


class ProductOut(Schema):
    public_id: str
    name: str
    description: str
    name_id: str
    name_en: str
    name_zh: str
    description_id: str
    description_en: str
    description_zh: str
    shop: ShopRefOut
    category: str
    unit: str
    status: str
    is_published: bool
    unpublished_reason: str
    standards: list[str]
    price_from: MoneyOut | None
    village: CatalogAreaOut
    variants: list[VariantOut]
    photos: list[PhotoOut]
    created_at: datetime
    updated_at: datetime


class ProductPageOut(Schema):
    items: list[ProductCardOut]
    next_cursor: str | None


class VariantIn(Schema):
    sku: str = Field(max_length=200)
    label: str = Field(max_length=200)
    price: str = Field(description='decimal string in the shop\'s currency, e.g. "45000"', max_length=40)
    stock: int = 0
    weight_grams: int = 0
    unit_quantity: str = "1"
    is_active: bool = True


class VariantUpdateIn(Schema):
    sku: str | None = None
    label: str | None = None
    price: str | None = None
    weight_grams: int | None = None
    unit_quantity: str | None = None
    is_active: bool | None = None
    on_behalf_of: str | None = None


class VariantCreateIn(VariantIn):
    on_behalf_of: str | None = None


class ProductCreateIn(Schema):
    shop: str = Field(description="the shop's public id")
    category: str = Field(description="category slug")
    name_id: str = ""
    name_en: str = ""
    name_zh: str = ""
    description_id: str = ""
    description_en: str = ""
    description_zh: str = ""
    unit: str = "pack"
    variants: list[VariantIn] = []
    submit: bool = True
    on_behalf_of: str | None = None


class ProductUpdateIn(Schema):
    category: str | None = None
    name_id: str | None = None
    name_en: str | None = None
    name_zh: str | None = None
    description_id: str | None = None
    description_en: str | None = None
    description_zh: str | None = None
    unit: str | None = None
    on_behalf_of: str | None = None


class StockAdjustIn(Schema):
    delta: int
    reason: str = "adjustment"
    note: str = ""
    on_behalf_of: str | None = None


class StockOut(Schema):
    variant: str
    stock: int
    delta: int
    reason: str
