"""An order's life after checkout: one ``order_set_status`` and the acts built on it.

Every act locks the order row first (``SELECT ... FOR UPDATE``), so two people (or a person and a
periodic job) acting on one order at once are served one after the other and the second sees the
first's result. ``order_set_status`` refuses any move not in ``states.TRANSITIONS`` and writes an
``OrderEvent`` with who, when, from, to and why; the buyer and the seller get an SMS.

Acts that move money (cancel after payment, complete, refund) are in ``money.py``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.services import stock_release
from lumbung.core import audit
from lumbung.core.permissions import require

from ..errors import IllegalTransition
from ..models import Order, OrderEvent
from ..notifications import order_notify
from ..states import OrderStatus, allowed
from .fx import fx_on_paid

S = OrderStatus
TIMESTAMPS = {
    S.PAID: "paid_at",
    S.ACCEPTED: "accepted_at",
    S.DELIVERED: "delivered_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "closed_at",
    S.REFUNDED: "closed_at",
}


def order_lock(order: Order | int) -> Order:
    """The order, re-read under a row lock held until the caller's transaction ends."""
    pk = order.pk if isinstance(order, Order) else order
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("shop__organisation", "buyer", "assisted_by", "commission_org", "village")
        .get(pk=pk)
    )


def _label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def order_set_status(
    *, order: Order, to: str, actor=None, source: str = "", reason: str = "", notify: bool = True
) -> Order:
    """Move ``order`` to ``to`` or raise ``IllegalTransition``; the one writer of ``Order.status``.

    The caller holds the row lock (``order_lock``) inside its transaction.
    """
    if not allowed(order.status, to):
        raise IllegalTransition(
            IllegalTransition.default_message % {"from": _label(order.status), "to": _label(to)},
            details={"from": order.status, "to": to},
        )
    now = timezone.now()
    from_status = order.status
    order.status = to
    fields = ["status", "updated_at"]
    stamp = TIMESTAMPS.get(to)
    if stamp:
        setattr(order, stamp, now)
        fields.append(stamp)
    order.save(update_fields=fields)
    event_record(
        order=order, from_status=from_status, to_status=to, actor=actor, source=source, reason=reason
    )
    if notify:
        order_notify(order, reason=reason)
    return order


def event_record(
    *, order: Order, from_status: str, to_status: str, actor=None, source: str = "", reason: str = ""
):
    return OrderEvent.objects.create(
        order=order,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        source=source,
        reason=str(reason)[:255],
    )


def stock_return(order: Order, *, actor=None) -> None:
    """Give the order's units back to the shop, once (the flag is set under the order's lock)."""
    if order.stock_released:
        return
    for line in order.lines.select_related("variant").order_by("variant_id"):
        stock_release(
            variant=line.variant, quantity=line.quantity, reference=order.escrow_reference, actor=actor
        )
    order.stock_released = True
    order.save(update_fields=["stock_released", "updated_at"])


@transaction.atomic
def order_mark_paid(*, order: Order, source: str = "payments") -> Order:
    """The payment landed in escrow. Idempotent: an order already past ``placed`` is left alone."""
    order = order_lock(order)
    if order.status != S.PLACED:
        return order
    order_set_status(order=order, to=S.PAID, source=source, reason=str(_("payment received")))
    fx_on_paid(order)
    return order


@transaction.atomic
def order_accept(*, order: Order, actor) -> Order:
    order = order_lock(order)
    require(actor, "orders.seller_act", order)
    return order_set_status(order=order, to=S.ACCEPTED, actor=actor)


@transaction.atomic
def order_hand_over(*, order: Order, actor, reason: str = "") -> Order:
    order = order_lock(order)
    require(actor, "orders.seller_act", order)
    return order_set_status(order=order, to=S.HANDED_OVER, actor=actor, reason=reason)


@transaction.atomic
def order_in_transit(*, order: Order, actor=None, source: str = "", reason: str = "") -> Order:
    """Called by the seller, a courier or logistics tracking (``actor=None, source="logistics"``)."""
    order = order_lock(order)
    if actor is not None:
        require(actor, "orders.mark_delivered", order)
    return order_set_status(order=order, to=S.IN_TRANSIT, actor=actor, source=source, reason=reason)


@transaction.atomic
def order_mark_delivered(*, order: Order, actor=None, source: str = "", reason: str = "") -> Order:
    """At the door or at the pickup centre. From here the complaint window runs."""
    order = order_lock(order)
    if actor is not None:
        require(actor, "orders.mark_delivered", order)
    if order.status == S.ACCEPTED:
        # Handed straight to the buyer in the same village: record both steps.
        order_set_status(order=order, to=S.HANDED_OVER, actor=actor, source=source, notify=False)
    return order_set_status(order=order, to=S.DELIVERED, actor=actor, source=source, reason=reason)


@transaction.atomic
def order_hold(*, order: Order, held: bool, reason: str, actor=None, source: str = "aftersales") -> Order:
    """Stop (or allow again) the automatic completion while a complaint is open."""
    order = order_lock(order)
    if order.on_hold != held:
        order.on_hold = held
        order.save(update_fields=["on_hold", "updated_at"])
        event_record(
            order=order,
            from_status=order.status,
            to_status=order.status,
            actor=actor,
            source=source,
            reason=reason,
        )
        audit.record(
            "orders.hold" if held else "orders.unhold", actor=actor, obj=order, data={"reason": reason}
        )
    return order
