"""The orders API (/api/orders): cart, checkout, orders, the seller's and buyer's acts, reviews.

Thin: each operation finds what it acts on (a stranger gets 404, never a hint), calls one service and
shapes the answer. Checkout and every money-moving POST (cancel, confirm receipt, refund) need an
``Idempotency-Key`` header and run through ``run_idempotent``: the same key replays the first answer.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Status

from lumbung.accounts.api_auth import api_auth
from lumbung.accounts.models import Organisation, User
from lumbung.catalog.models import Variant
from lumbung.core.errors import NotFound
from lumbung.core.idempotency import fingerprint, run_idempotent, scope_for
from lumbung.core.money import Money
from lumbung.regions.forms import VillageChoiceField

from . import selectors, services
from .errors import invalid
from .schemas import (
    CartLineIn,
    CartOut,
    CartQuantityIn,
    CheckoutIn,
    CheckoutOut,
    OrderOut,
    OrderPageOut,
    OrderReasonIn,
    OrderRefundIn,
    OrdersError,
    ReviewIn,
    ReviewOut,
)
from .serialise import cart_dict, order_dict, review_dict

router = Router(tags=["orders"], auth=api_auth)
ERRORS = {
    400: OrdersError,
    401: OrdersError,
    403: OrdersError,
    404: OrdersError,
    409: OrdersError,
    422: OrdersError,
}
KEY = Header(
    None, alias="Idempotency-Key", description="A fresh random value per intended action; resend it on retry"
)


def _variant(public_id: str) -> Variant:
    variant = Variant.objects.select_related("product__shop").filter(public_id=public_id).first()
    if variant is None:
        raise NotFound(details={"variant": public_id})
    return variant


def _order(request, public_id: str):
    return selectors.order_for_viewer(public_id=public_id, user=request.auth)


def _idempotent(request, key, payload, func):
    answer = run_idempotent(
        scope=scope_for(request.auth),
        key=key,
        request_fingerprint=fingerprint(request.method, request.path, payload),
        func=func,
    )
    return Status(answer.status_code, answer.body)


# --- cart -------------------------------------------------------------------------------------------


@router.get("/cart", response={200: CartOut, **ERRORS}, summary="My cart, grouped by shop")
def cart_get(request):
    return cart_dict(selectors.cart_view(services.cart_get_for_user(user=request.auth)))


@router.post("/cart/lines", response={200: CartOut, **ERRORS}, summary="Add units of a variant to my cart")
def cart_line_add(request, payload: CartLineIn):
    with transaction.atomic():
        cart = services.cart_get_for_user(user=request.auth)
        services.cart_add(cart=cart, variant=_variant(payload.variant), quantity=payload.quantity)
    return cart_dict(selectors.cart_view(cart))


@router.put("/cart/lines/{variant}", response={200: CartOut, **ERRORS}, summary="Set a line's quantity")
def cart_line_set(request, variant: str, payload: CartQuantityIn):
    with transaction.atomic():
        cart = services.cart_get_for_user(user=request.auth)
        services.cart_set_quantity(cart=cart, variant=_variant(variant), quantity=payload.quantity)
    return cart_dict(selectors.cart_view(cart))


@router.delete("/cart/lines/{variant}", response={200: CartOut, **ERRORS}, summary="Remove a line")
def cart_line_remove(request, variant: str):
    with transaction.atomic():
        cart = services.cart_get_for_user(user=request.auth)
        services.cart_remove(cart=cart, variant=_variant(variant))
    return cart_dict(selectors.cart_view(cart))


@router.post(
    "/cart/confirm-prices", response={200: CartOut, **ERRORS}, summary="Accept the current prices of my cart"
)
def cart_prices_confirm(request):
    with transaction.atomic():
        cart = services.cart_get_for_user(user=request.auth)
        services.cart_confirm_prices(cart=cart)
    return cart_dict(selectors.cart_view(cart))


# --- checkout ---------------------------------------------------------------------------------------


def _village(code: str):
    from django import forms

    try:
        village = VillageChoiceField(required=True).clean(code)
    except forms.ValidationError as exc:
        raise invalid("village", " ".join(exc.messages)) from None
    return village


def _centre(public_id: str | None):
    if not public_id:
        return None
    organisation = Organisation.objects.filter(public_id=public_id).first()
    centre = getattr(organisation, "service_centre", None) if organisation else None
    if centre is None:
        raise invalid("pickup_centre", _("Unknown service centre."))
    return centre


@router.post(
    "/checkout",
    response={201: CheckoutOut, **ERRORS},
    summary="Turn my cart into one order per shop, with stock held and a payment to make",
)
def checkout(request, payload: CheckoutIn, idempotency_key: str | None = KEY):
    user = request.auth

    def run():
        buyer = user
        if payload.on_behalf_of:
            buyer = User.objects.filter(public_id=payload.on_behalf_of, is_active=True).first()
            if buyer is None:
                raise invalid("on_behalf_of", _("Unknown villager."))
        address = services.address_clean(
            village=_village(payload.village),
            street=payload.street,
            postcode=payload.postcode,
            recipient_name=payload.recipient_name,
            recipient_phone=payload.recipient_phone,
        )
        result = services.checkout_place(
            actor=user,
            buyer=buyer,
            cart=services.cart_get_for_user(user=user),
            address=address,
            shipping_method=payload.shipping_method,
            pickup_centre=_centre(payload.pickup_centre),
            payment_method=payload.payment_method,
            idempotency_key=idempotency_key,
        )
        body = {
            "checkout_group": result.group,
            "orders": [order_dict(order, user) for order in result.orders],
            "payment_intents": result.intents,
        }
        return 201, CheckoutOut.model_validate(body).model_dump(mode="json")

    return _idempotent(request, idempotency_key, payload.dict(), run)


# --- orders -----------------------------------------------------------------------------------------


@router.get("/", response={200: OrderPageOut, **ERRORS}, summary="Orders I placed (newest first)")
def orders_mine(request, cursor: str | None = None, limit: int | None = None):
    rows, next_cursor = selectors.page(
        selectors.orders_of_buyer(user=request.auth), cursor=cursor, limit=limit
    )
    return {"items": [order_dict(o, request.auth) for o in rows], "next_cursor": next_cursor}


@router.get("/selling", response={200: OrderPageOut, **ERRORS}, summary="Orders to my shops (newest first)")
def orders_selling(request, status: str | None = None, cursor: str | None = None, limit: int | None = None):
    qs = selectors.orders_of_seller(user=request.auth, status=status)
    rows, next_cursor = selectors.page(qs, cursor=cursor, limit=limit)
    return {"items": [order_dict(o, request.auth) for o in rows], "next_cursor": next_cursor}


@router.get(
    "/{public_id}", response={200: OrderOut, **ERRORS}, summary="One order with its lines and timeline"
)
def order_detail(request, public_id: str):
    return order_dict(_order(request, public_id), request.auth, events=True)


def _act(request, public_id: str, act) -> dict:
    with transaction.atomic():
        order = act(_order(request, public_id))
    return order_dict(
        selectors.order_for_viewer(public_id=order.public_id, user=request.auth), request.auth, events=True
    )


@router.post("/{public_id}/accept", response={200: OrderOut, **ERRORS}, summary="Seller: accept a paid order")
def order_accept(request, public_id: str):
    return _act(request, public_id, lambda order: services.order_accept(order=order, actor=request.auth))


@router.post(
    "/{public_id}/hand-over", response={200: OrderOut, **ERRORS}, summary="Seller: handed over for shipping"
)
def order_hand_over(request, public_id: str):
    return _act(request, public_id, lambda order: services.order_hand_over(order=order, actor=request.auth))


@router.post(
    "/{public_id}/deliver",
    response={200: OrderOut, **ERRORS},
    summary="Seller, courier or staff: the order reached the buyer or the pickup centre",
)
def order_deliver(request, public_id: str):
    return _act(
        request, public_id, lambda order: services.order_mark_delivered(order=order, actor=request.auth)
    )


def _money_act(request, public_id: str, key, payload: dict, act):
    def run():
        order = act(_order(request, public_id))
        fresh = selectors.order_for_viewer(public_id=order.public_id, user=request.auth)
        return 200, OrderOut.model_validate(order_dict(fresh, request.auth, events=True)).model_dump(
            mode="json"
        )

    return _idempotent(request, key, payload, run)


@router.post(
    "/{public_id}/cancel",
    response={200: OrderOut, **ERRORS},
    summary="Cancel before shipping (buyer until accepted, seller until handed over); refunds any payment",
)
def order_cancel(request, public_id: str, payload: OrderReasonIn, idempotency_key: str | None = KEY):
    return _money_act(
        request,
        public_id,
        idempotency_key,
        payload.dict(),
        lambda order: services.order_cancel(order=order, actor=request.auth, reason=payload.reason),
    )


@router.post(
    "/{public_id}/confirm",
    response={200: OrderOut, **ERRORS},
    summary="Buyer: I received it (releases the money to the seller)",
)
def order_confirm(request, public_id: str, idempotency_key: str | None = KEY):
    return _money_act(
        request,
        public_id,
        idempotency_key,
        {},
        lambda order: services.order_complete(order=order, actor=request.auth),
    )


@router.post("/{public_id}/refund", response={200: OrderOut, **ERRORS}, summary="Staff: refund part or all")
def order_refund(request, public_id: str, payload: OrderRefundIn, idempotency_key: str | None = KEY):
    def act(order):
        return services.order_refund(
            order=order,
            amount=Money(payload.amount, payload.currency),
            actor=request.auth,
            reason=payload.reason,
            idempotency_key=idempotency_key,
        )

    return _money_act(request, public_id, idempotency_key, payload.dict(), act)


@router.post(
    "/{public_id}/lines/{line}/review",
    response={201: ReviewOut, **ERRORS},
    summary="Buyer: review one line, once",
)
def review_create(request, public_id: str, line: str, payload: ReviewIn):
    order = _order(request, public_id)
    with transaction.atomic():
        review = services.review_create(
            actor=request.auth,
            line=selectors.line_for_review(order=order, line_public_id=line),
            stars=payload.stars,
            text=payload.text,
        )
    return Status(201, review_dict(review))
