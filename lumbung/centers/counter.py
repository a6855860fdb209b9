"""The counter: find what a villager came to pay, and take their cash (``payments.cash_receive``).

A lookup takes the order code the villager reads aloud (``lumbung.orders.selectors.order_by_code``)
or a payment number (the payment intent's public id). The order's payment is the intent named on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lumbung.core.money import Money

if TYPE_CHECKING:
    from lumbung.payments.models import PaymentIntent


@dataclass(frozen=True)
class CounterMatch:
    intent: PaymentIntent | None  # None: the order has no payment started yet
    order: Any = None
    references: tuple[str, ...] = ()

    @property
    def amount(self) -> Money | None:
        return self.intent.total if self.intent is not None else None

    @property
    def is_cash(self) -> bool:
        return self.intent is not None and self.intent.method == "cash"

    @property
    def is_open(self) -> bool:
        return self.intent is not None and self.intent.status == "pending"


def intent_by_public_id(public_id: str) -> PaymentIntent | None:
    from lumbung.payments.selectors import intent_by_public_id as payments_intent

    return payments_intent(public_id) if public_id else None


def _references(intent) -> tuple[str, ...]:
    return tuple(a.reference for a in intent.allocations.all())


def counter_lookup(*, query: str) -> CounterMatch | None:
    """The payment an order code or payment number names, or None if it names nothing."""
    from lumbung.orders.selectors import order_by_code

    text = "".join((query or "").split())
    if not text:
        return None
    order = order_by_code(text)
    if order is not None:
        intent = intent_by_public_id(order.payment_intent) if order.payment_intent else None
        return CounterMatch(intent, order, _references(intent) if intent else ())
    intent = intent_by_public_id(text.lower())
    if intent is None:
        return None
    return CounterMatch(intent, None, _references(intent))
