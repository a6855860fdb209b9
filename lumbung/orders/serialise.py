"""Orders, carts and reviews as plain dicts for the API (the schemas in ``schemas.py`` check them)."""

from __future__ import annotations

from lumbung.core.permissions import can

from .models import Order
from .selectors import CartView
from .states import OrderStatus


def cart_dict(view: CartView) -> dict:
    shops = []
    for group in view.groups:
        lines = []
        for line in group.lines:
            variant = line.variant
            lines.append(
                {
                    "variant": variant.public_id,
                    "sku": variant.sku,
                    "name": f"{variant.product.name()} — {variant.label}",
                    "quantity": line.quantity,
                    "unit_price": variant.price_amount,
                    "price_seen": line.price_seen,
                    "price_changed": line.price_seen != variant.price_amount,
                    "currency": variant.price_currency,
                    "line_total": variant.price_amount * line.quantity,
                    "stock": variant.stock,
                }
            )
        shops.append(
            {
                "shop": group.shop.public_id,
                "shop_name": group.shop.name,
                "currency": group.shop.currency,
                "subtotal": group.subtotal.amount,
                "lines": lines,
            }
        )
    return {
        "public_id": view.cart.public_id if view.cart else None,
        "shops": shops,
        "item_count": view.count,
        "price_changes": len(view.changed),
    }


def order_dict(order: Order, user, *, events: bool = False) -> dict:
    """Fees and commission are the seller's and staff's business; the buyer sees what they pay."""
    sees_fees = can(user, "orders.seller_act", order) or can(user, "orders.staff", order)
    data = {
        "public_id": order.public_id,
        "code": order.code,
        "checkout_group": order.checkout_group,
        "status": order.status,
        "status_label": str(OrderStatus(order.status).label),
        "shop": order.shop.public_id,
        "shop_name": order.shop.name,
        "buyer": order.buyer.public_id,
        "currency": order.currency,
        "subtotal": order.subtotal,
        "shipping": order.shipping,
        "total": order.total,
        "refunded": order.refunded,
        "platform_fee": order.platform_fee if sees_fees else None,
        "centre_commission": order.centre_commission if sees_fees else None,
        "shipping_method": order.shipping_method,
        "pickup_centre": order.pickup_centre.organisation.public_id if order.pickup_centre_id else None,
        "village": order.village.code,
        "street": order.street,
        "postcode": order.postcode,
        "payment_method": order.payment_method,
        "payment_intent": order.payment_intent,
        "reserved_until": order.reserved_until,
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "delivered_at": order.delivered_at,
        "completed_at": order.completed_at,
        "on_hold": order.on_hold,
        "lines": [
            {
                "public_id": line.public_id,
                "variant": line.variant.public_id,
                "product": line.product.public_id,
                "name": line.name,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "line_total": line.line_total,
                "reviewed": hasattr(line, "review"),
            }
            for line in order.lines.all()
        ],
    }
    if events:
        data["events"] = [
            {
                "from_status": event.from_status,
                "to_status": event.to_status,
                "actor": event.actor.public_id if event.actor_id else None,
                "source": event.source,
                "reason": event.reason,
                "at": event.at,
            }
            for event in order.events.all()
        ]
    return data


def review_dict(review) -> dict:
    return {
        "public_id": review.public_id,
        "line": review.line.public_id,
        "stars": review.stars,
        "text": review.text,
        "created_at": review.created_at,
    }
