"""Orders services: the one way to change carts, orders, reviews.

Each is keyword-only and runs in one transaction (nested in the caller's). Acts by people take
``actor`` and check the permission rules themselves; ``actor=None`` is the system (periodic jobs,
payment events), which records a ``source`` instead.
"""

from .cart import (
    cart_add,
    cart_clear,
    cart_confirm_prices,
    cart_get_for_session,
    cart_get_for_user,
    cart_merge,
    cart_remove,
    cart_set_quantity,
)
from .checkout import Address, CheckoutResult, address_clean, checkout_place, postcode_check, shipping_for
from .lifecycle import (
    order_accept,
    order_hand_over,
    order_hold,
    order_in_transit,
    order_lock,
    order_mark_delivered,
    order_mark_paid,
    order_set_status,
)
from .money import order_cancel, order_complete, order_refund, order_refund_late_payment
from .reviews import review_create

__all__ = [
    "Address",
    "CheckoutResult",
    "address_clean",
    "cart_add",
    "cart_clear",
    "cart_confirm_prices",
    "cart_get_for_session",
    "cart_get_for_user",
    "cart_merge",
    "cart_remove",
    "cart_set_quantity",
    "checkout_place",
    "order_accept",
    "order_cancel",
    "order_complete",
    "order_hand_over",
    "order_hold",
    "order_in_transit",
    "order_lock",
    "order_mark_delivered",
    "order_mark_paid",
    "order_refund",
    "order_refund_late_payment",
    "order_set_status",
    "postcode_check",
    "review_create",
    "shipping_for",
]
