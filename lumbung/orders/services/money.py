"""The acts that move an order's money: cancel (with a refund), complete (escrow release), refund.

Ledger entries (debit positive; see docs/orders.md for worked examples):

- completion: Dr escrow:order:<id> E / Cr payable:seller (E − fee − commission) / Cr revenue:platform_fee
  fee / Cr commission:agent:<centre> commission, where E is what is still in escrow. After a partial
  refund before completion the fee and the commission shrink in proportion (E / total).
- refund before completion: the money comes out of the order's escrow.
- refund after completion: out of the seller's payable, the platform fee and the centre commission in
  the proportions completion credited them (cumulative, so rounding never claws back more than was
  credited). If the seller was already paid out the refund is refused (not enough in the payable).

Payments books the other side (clearing or the centre's cash) and talks to the gateway after commit.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lumbung.core import audit
from lumbung.core.errors import Forbidden, ValidationFailed
from lumbung.core.money import CurrencyMismatch, Money, format_money
from lumbung.core.permissions import can, require
from lumbung.ledger.services import Line, entry_post

from .. import accounts, payments_port
from ..errors import IllegalTransition, RefundTooLarge
from ..fees import share_of
from ..models import Order
from ..notifications import order_notify
from ..states import BEFORE_SHIPPING, ESCROW_HELD, OrderStatus
from .fx import fx_refund_lines
from .lifecycle import event_record, order_lock, order_set_status, stock_return

S = OrderStatus


def _refund(order: Order, amount: Money, debit_lines: list[Line], *, reason: str, key: str) -> None:
    """Ask payments to send ``amount`` (order currency) back, taken from ``debit_lines``."""
    paid, lines = fx_refund_lines(order, amount, debit_lines, key=key)
    payments_port.refund_issue(
        intent_public_id=order.payment_intent,
        reference=order.escrow_reference,
        amount=paid,
        debit_lines=lines,
        reason=reason,
        idempotency_key=key,
    )


@transaction.atomic
def order_cancel(*, order: Order, actor=None, reason: str = "", source: str = "") -> Order:
    """Cancel before shipping: the stock goes back and any money in escrow goes back in full.

    ``actor=None`` is the system (reservation expired, seller never accepted). Who may cancel when:
    the buyer until the seller accepts, the seller until hand-over, staff until hand-over.
    """
    order = order_lock(order)
    if actor is not None and not (
        can(actor, "orders.buyer_cancel", order)
        or can(actor, "orders.seller_act", order)
        or can(actor, "orders.staff", order)
    ):
        if can(actor, "orders.view", order):
            raise Forbidden(_("The seller has accepted this order. Ask the seller to cancel it."))
        raise Forbidden()
    if order.status not in BEFORE_SHIPPING:
        raise IllegalTransition(
            _("This order has already left the seller and cannot be cancelled any more."),
            details={"from": order.status, "to": S.CANCELLED},
        )
    was_paid = order.status in ESCROW_HELD
    reason = reason or str(_("cancelled"))
    order_set_status(order=order, to=S.CANCELLED, actor=actor, source=source, reason=reason)
    stock_return(order, actor=actor)
    if was_paid and order.refunded < order.total:
        amount = order.refundable_money
        lines = [Line(accounts.escrow_open(order), amount)]
        _refund(order, amount, lines, reason=reason, key=f"order-cancel:{order.public_id}")
        order.refunded = order.total
        order.save(update_fields=["refunded", "updated_at"])
    audit.record(
        "orders.cancel", actor=actor, obj=order, data={"reason": reason, "refunded": str(order.refunded)}
    )
    return order


@transaction.atomic
def order_refund_late_payment(*, order: Order) -> Order:
    """Money arrived for an order that had already lapsed: send all of it back."""
    order = order_lock(order)
    if order.status != S.CANCELLED or order.refunded >= order.total:
        return order
    # Nothing was converted for a lapsed order: the money is still where payments put it.
    amount = Money(order.pay_total, order.pay_currency)
    reason = str(_("payment arrived after the order was cancelled"))
    payments_port.refund_issue(
        intent_public_id=order.payment_intent,
        reference=order.escrow_reference,
        amount=amount,
        debit_lines=[Line(accounts.escrow_settlement_open(order), amount)],
        reason=reason,
        idempotency_key=f"order-late-payment:{order.public_id}",
    )
    order.refunded = order.total
    order.save(update_fields=["refunded", "updated_at"])
    event_record(
        order=order, from_status=order.status, to_status=order.status, source="payments", reason=reason
    )
    order_notify(order, event="refund", amount=amount)
    return order


@transaction.atomic
def order_complete(*, order: Order, actor=None, source: str = "", reason: str = "") -> Order:
    """Release the escrow: the buyer confirmed receipt, or the complaint window passed."""
    order = order_lock(order)
    if actor is not None:
        require(actor, "orders.confirm_received", order)
    elif order.on_hold:
        # Automatic completion waits while a complaint is open; re-checked under the lock because a case
        # may have been opened since the job picked this order.
        return order
    if order.status != S.DELIVERED:
        raise IllegalTransition(
            _("Only a delivered order can be completed."), details={"from": order.status, "to": S.COMPLETED}
        )
    held = order.total - order.refunded
    currency = order.currency
    fee = share_of(order.platform_fee, held, order.total, currency)
    commission = (
        share_of(order.centre_commission, held, order.total, currency)
        if order.commission_org_id
        else Decimal(0)
    )
    seller = held - fee - commission
    lines = [Line(accounts.escrow_open(order), Money(held, currency))]
    if seller:
        lines.append(Line(accounts.seller_payable_open(order), -Money(seller, currency)))
    if fee:
        lines.append(Line(accounts.platform_fee_open(currency), -Money(fee, currency)))
    if commission:
        lines.append(Line(accounts.commission_open(order), -Money(commission, currency)))
    if held:
        entry_post(
            kind="order.escrow_release",
            reference=order.escrow_reference,
            lines=lines,
            memo=f"Order {order.code} completed",
            idempotency_key=f"order-release:{order.public_id}",
            created_by=actor,
            metadata={"order": order.public_id, "shop": order.shop.public_id},
        )
    order.released_seller, order.released_fee, order.released_commission = seller, fee, commission
    order.save(update_fields=["released_seller", "released_fee", "released_commission", "updated_at"])
    reason = reason or (str(_("buyer confirmed receipt")) if actor is not None else "")
    return order_set_status(order=order, to=S.COMPLETED, actor=actor, source=source, reason=reason)


def _clawback_lines(order: Order, amount: Decimal) -> list[Line]:
    """Debits that take ``amount`` back out of what completion credited, in the same proportions."""
    currency = order.currency
    released = order.released_seller + order.released_fee + order.released_commission
    before = order.refunded - (order.total - released)  # refunded since completion
    after = before + amount
    fee = share_of(order.released_fee, after, released, currency) - share_of(
        order.released_fee, before, released, currency
    )
    commission = share_of(order.released_commission, after, released, currency) - share_of(
        order.released_commission, before, released, currency
    )
    seller = amount - fee - commission
    lines = []
    if seller:
        lines.append(Line(accounts.seller_payable_open(order), Money(seller, currency)))
    if fee:
        lines.append(Line(accounts.platform_fee_open(currency), Money(fee, currency)))
    if commission:
        lines.append(Line(accounts.commission_open(order), Money(commission, currency)))
    return lines


@transaction.atomic
def order_refund(*, order: Order, amount: Money, actor, reason: str, idempotency_key: str) -> Order:
    """Refund part or all of what the buyer paid (staff by hand; aftersales once a case decides).

    Before completion the money leaves the escrow; after it, it is clawed back from the seller's
    payable, the platform fee and the centre's commission. A full refund of a delivered or completed
    order ends it as ``refunded``; a full refund before shipping is a cancellation.
    """
    order = order_lock(order)
    if actor is not None:
        require(actor, "orders.staff", order)
    if not isinstance(amount, Money):
        raise ValidationFailed(_("Not a valid amount."))
    if amount.currency != order.currency:
        raise CurrencyMismatch(
            _("This order is paid in %(currency)s; refund it in %(currency)s.")
            % {"currency": order.currency},
            details={"order": order.currency, "refund": amount.currency},
        )
    if amount.amount <= 0:
        raise ValidationFailed(_("A refund must be more than zero."), details={"field": "amount"})
    if order.status not in ESCROW_HELD and order.status != S.COMPLETED:
        raise IllegalTransition(
            _("Only a paid order can be refunded."), details={"from": order.status, "to": "refund"}
        )
    left = order.refundable_money
    if amount > left:
        raise RefundTooLarge(
            _("At most %(left)s is left to refund on this order.") % {"left": format_money(left)},
            details={"left": str(left.amount), "currency": left.currency},
        )
    full = amount == left
    if full and order.status in BEFORE_SHIPPING:
        return order_cancel(order=order, actor=actor, reason=reason, source="refund")
    if full and order.status in (S.HANDED_OVER, S.IN_TRANSIT):
        raise IllegalTransition(
            _("The goods are on the way: wait for delivery, or refund part of the order."),
            details={"from": order.status, "to": S.REFUNDED},
        )
    if order.status == S.COMPLETED:
        debit_lines = _clawback_lines(order, amount.amount)
    else:
        debit_lines = [Line(accounts.escrow_open(order), amount)]
    _refund(
        order, amount, debit_lines, reason=reason, key=f"order-refund:{order.public_id}:{idempotency_key}"
    )
    order.refunded += amount.amount
    order.save(update_fields=["refunded", "updated_at"])
    audit.record(
        "orders.refund", actor=actor, obj=order, data={"amount": str(amount.amount), "reason": reason}
    )
    if full:
        return order_set_status(order=order, to=S.REFUNDED, actor=actor, reason=reason)
    event_record(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor=actor,
        reason=f"{_('refund')} {format_money(amount)}: {reason}"[:255],
    )
    order_notify(order, event="refund", amount=amount)
    return order
