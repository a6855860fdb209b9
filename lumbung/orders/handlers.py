"""What orders does when payments says something happened (registered in OrdersConfig.ready).

Handlers run after payments' transaction commits, each in its own transaction. They are safe to run
twice: an order already paid stays paid, an order already cancelled stays cancelled.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from lumbung.core import events
from lumbung.core.money import Money
from lumbung.payments import references
from lumbung.payments.references import Payable
from lumbung.payments.services import INTENT_EXPIRED, INTENT_PAID

from .accounts import escrow_settlement_code
from .models import Order
from .services import order_cancel, order_mark_paid, order_refund_late_payment
from .states import OrderStatus

log = logging.getLogger(__name__)
PREFIX = "order:"


def _orders(references) -> list[Order]:
    public_ids = [r[len(PREFIX) :] for r in references or () if isinstance(r, str) and r.startswith(PREFIX)]
    return list(Order.objects.filter(public_id__in=public_ids).order_by("pk"))


@events.on(INTENT_PAID)
def on_intent_paid(*, references=(), intent_public_id: str = "", **_payload) -> None:
    for order in _orders(references):
        with transaction.atomic():
            if order.status == OrderStatus.CANCELLED:
                # The hold lapsed before the money came: it goes straight back.
                order_refund_late_payment(order=order)
            else:
                order_mark_paid(order=order)


@events.on(INTENT_EXPIRED)
def on_intent_expired(*, references=(), **_payload) -> None:
    for order in _orders(references):
        if order.status != OrderStatus.PLACED:
            continue
        with transaction.atomic():
            order_cancel(order=order, reason=_("the payment expired"), source="payments")


def order_payable(reference: str, user):
    """payments asks: may ``user`` pay ``reference`` now, how much, into which escrow?"""
    orders = _orders([reference])
    if not orders:
        return None
    order = orders[0]
    if order.status != OrderStatus.PLACED or not getattr(user, "is_authenticated", False):
        return None
    if user.pk not in (order.buyer_id, order.assisted_by_id):
        return None
    return Payable(
        reference=reference,
        escrow_account=escrow_settlement_code(order),
        amount=Money(order.pay_total, order.pay_currency),
        label=f"{order.code} · {order.shop.name}",
    )


def register_payable() -> None:
    """Called from OrdersConfig.ready: payments resolves "order:<id>" through ``order_payable``."""
    references.register("order")(order_payable)
