"""What orders does when payments says something happened (registered in OrdersConfig.ready).

Handlers run after payments' transaction commits, each in its own transaction. They are safe to run
twice: an order already paid stays paid, an order already cancelled stays cancelled.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from lumbung.core import events

from .models import Order
from .services import order_cancel, order_mark_paid, order_refund_late_payment
from .states import OrderStatus

log = logging.getLogger(__name__)
PREFIX = "order:"


def _orders(references) -> list[Order]:
    public_ids = [r[len(PREFIX) :] for r in references or () if isinstance(r, str) and r.startswith(PREFIX)]
    return list(Order.objects.filter(public_id__in=public_ids).order_by("pk"))


@events.on("payments.intent_paid")
def on_intent_paid(*, references=(), intent_public_id: str = "", **_payload) -> None:
    for order in _orders(references):
        with transaction.atomic():
            if order.status == OrderStatus.CANCELLED:
                # The hold lapsed before the money came: it goes straight back.
                order_refund_late_payment(order=order)
            else:
                order_mark_paid(order=order)


@events.on("payments.intent_expired")
def on_intent_expired(*, references=(), **_payload) -> None:
    for order in _orders(references):
        if order.status != OrderStatus.PLACED:
            continue
        with transaction.atomic():
            order_cancel(order=order, reason=_("the payment expired"), source="payments")
