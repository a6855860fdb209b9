"""Shapes of the orders API (/api/orders). Names carry "Order"/"Cart" so the OpenAPI document has no clash."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class OrdersError(Schema):
    code: str
    message: str
    details: dict


class CartLineIn(Schema):
    variant: str = Field(..., description="The variant's public id")
    quantity: int = Field(..., description="Whole units, at least 1")


class CartQuantityIn(Schema):
    quantity: int


class CartLineOut(Schema):
    variant: str
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    price_seen: Decimal
    price_changed: bool
    currency: str
    line_total: Decimal
    stock: int


class CartShopOut(Schema):
    shop: str
    shop_name: str
    currency: str
    subtotal: Decimal
    lines: list[CartLineOut]


class CartOut(Schema):
    public_id: str | None
    shops: list[CartShopOut]
    item_count: int
    price_changes: int


class CheckoutIn(Schema):
    village: str = Field(..., description="Village code, e.g. 72.10.01.2001")
    street: str
    postcode: str = ""
    recipient_name: str = ""
    recipient_phone: str = ""
    shipping_method: str = Field("door", description="door or pickup")
    pickup_centre: str | None = Field(None, description="The centre's organisation public id (pickup)")
    payment_method: str = Field(..., description="gateway_va_bca, gateway_qris, qris, cash, ...")
    on_behalf_of: str | None = Field(None, description="An agent ordering for a villager: their public id")


class OrderLineOut(Schema):
    public_id: str
    variant: str
    product: str
    name: str
    sku: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    reviewed: bool


class OrderEventOut(Schema):
    from_status: str
    to_status: str
    actor: str | None
    source: str
    reason: str
    at: datetime


class OrderOut(Schema):
    public_id: str
    code: str
    checkout_group: str
    status: str
    status_label: str
    shop: str
    shop_name: str
    buyer: str
    currency: str
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    refunded: Decimal
    platform_fee: Decimal | None = None
    centre_commission: Decimal | None = None
    shipping_method: str
    pickup_centre: str | None
    village: str
    street: str
    postcode: str
    payment_method: str
    payment_intent: str
    reserved_until: datetime | None
    placed_at: datetime
    paid_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    on_hold: bool
    lines: list[OrderLineOut]
    events: list[OrderEventOut] | None = None


class CheckoutOut(Schema):
    checkout_group: str
    orders: list[OrderOut]
    payment_intents: list[str]


class OrderPageOut(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class OrderReasonIn(Schema):
    reason: str = ""


class OrderRefundIn(Schema):
    amount: Decimal
    currency: str
    reason: str


class ReviewIn(Schema):
    stars: int
    text: str = ""


class ReviewOut(Schema):
    public_id: str
    line: str
    stars: int
    text: str
    created_at: datetime
