"""Periodic jobs (registered with lumbung.core.periodic; celery beat or ``lumbung tick`` runs them).

- unpaid orders past ``reserved_until`` are cancelled and their stock returns (after asking payments
  whether the money did arrive: an event lost after payments committed must not cancel a paid order);
- paid orders the seller has not accepted within LUMBUNG_ORDER_ACCEPT_HOURS are cancelled and
  refunded in full;
- delivered orders without an open complaint complete after LUMBUNG_ORDER_COMPLETE_DAYS.
Each order is handled in its own transaction, so one failure does not stop the rest.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core.errors import DomainError
from lumbung.core.periodic import periodic

from .. import payments_port
from ..models import Order
from ..states import OrderStatus
from .lifecycle import order_mark_paid
from .money import order_cancel, order_complete

log = logging.getLogger(__name__)
BATCH = 500


def _each(queryset, act) -> int:
    done = 0
    for pk in list(queryset.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        try:
            act(pk)
            done += 1
        except DomainError:
            log.exception("order %s: periodic step refused", pk)
    return done


@periodic("orders.expire_reservations", every=timedelta(minutes=1))
def reservations_expire() -> int:
    """Cancel unpaid orders whose hold ran out; their stock goes back on sale."""
    lapsed = Order.objects.filter(status=OrderStatus.PLACED, reserved_until__lt=timezone.now())
    intents: set[str] = set()

    def act(pk: int) -> None:
        order = Order.objects.get(pk=pk)
        if order.payment_intent and payments_port.intent_is_paid(order.payment_intent):
            order_mark_paid(order=order, source="reconcile")
            return
        order_cancel(order=order, reason=_("not paid in time"), source="system")
        if order.payment_intent:
            intents.add(order.payment_intent)

    done = _each(lapsed, act)
    for public_id in sorted(intents):
        if not Order.objects.filter(payment_intent=public_id, status=OrderStatus.PLACED).exists():
            try:
                payments_port.intent_expire(public_id)
            except DomainError:
                log.exception("intent %s could not be expired", public_id)
    return done


@periodic("orders.cancel_unaccepted", every=timedelta(minutes=15))
def unaccepted_cancel() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.LUMBUNG_ORDER_ACCEPT_HOURS)
    late = Order.objects.filter(status=OrderStatus.PAID, paid_at__lt=cutoff)
    return _each(
        late,
        lambda pk: order_cancel(
            order=Order.objects.get(pk=pk), reason=_("the seller did not accept in time"), source="system"
        ),
    )


@periodic("orders.complete_delivered", every=timedelta(hours=1))
def delivered_complete() -> int:
    cutoff = timezone.now() - timedelta(days=settings.LUMBUNG_ORDER_COMPLETE_DAYS)
    due = Order.objects.filter(status=OrderStatus.DELIVERED, delivered_at__lt=cutoff, on_hold=False)
    return _each(
        due,
        lambda pk: order_complete(
            order=Order.objects.get(pk=pk), source="system", reason=_("no complaint within the time allowed")
        ),
    )
