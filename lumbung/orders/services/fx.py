"""Orders in a currency payments cannot take (a CNY shop): the buyer pays rupiah at a recorded rate.

The rate is fixed at checkout (``Order.fx_rate``, CNY→IDR, from payments' rate table) and used for
every conversion of that order, so the rupiah paid, refunded in parts and refunded in full always
add up: each refund converts the *cumulative* amount refunded and takes the difference.

- paid:    Dr escrow:order:<id>:IDR pay_total / Cr fx:CNY-IDR:IDR  and  Dr fx:CNY-IDR:CNY total / Cr escrow:order:<id> total
- refund:  the order-currency debit lines / Cr fx:CNY-IDR:CNY R  and  Dr fx:CNY-IDR:IDR X / Cr escrow:order:<id>:IDR X,
           then payments refunds X rupiah out of the transit escrow.
The platform's FX position accounts carry the difference between the two sides (its currency risk).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from lumbung.core.money import Money, quantum
from lumbung.ledger.services import Line, entry_post

from .. import accounts


def pay_amount(order, amount: Decimal) -> Decimal:
    """``amount`` (order currency) in the pay currency at the order's rate, rounded half-up."""
    if not order.settles_in_other_currency:
        return amount
    return (amount * order.fx_rate).quantize(quantum(order.pay_currency), rounding=ROUND_HALF_UP)


def _positions(order):
    return (
        accounts.fx_position_open(order.currency, order.pay_currency, order.currency),
        accounts.fx_position_open(order.currency, order.pay_currency, order.pay_currency),
    )


def fx_on_paid(order) -> None:
    """Move the rupiah that landed in the transit escrow into the order's own escrow, at the rate."""
    if not order.settles_in_other_currency:
        return
    own, paid = _positions(order)
    entry_post(
        kind="order.fx_in",
        reference=order.escrow_reference,
        lines=[
            Line(accounts.escrow_settlement_open(order), Money(order.pay_total, order.pay_currency)),
            Line(paid, -Money(order.pay_total, order.pay_currency)),
            Line(own, order.total_money),
            Line(accounts.escrow_open(order), -order.total_money),
        ],
        memo=f"Order {order.code}: {order.pay_currency} → {order.currency} at {order.fx_rate}",
        idempotency_key=f"order-fx-in:{order.public_id}",
        metadata={"rate": str(order.fx_rate), "rate_ref": order.fx_rate_ref},
    )


def fx_refund_lines(order, amount: Money, debit_lines: list[Line], *, key: str) -> tuple[Money, list[Line]]:
    """What payments must refund (pay currency) and from where, after converting if needed."""
    if not order.settles_in_other_currency:
        return amount, debit_lines
    before = pay_amount(order, order.refunded)
    after = pay_amount(order, order.refunded + amount.amount)
    paid = Money(after - before, order.pay_currency)
    own, pay_position = _positions(order)
    transit = accounts.escrow_settlement_open(order)
    entry_post(
        kind="order.fx_out",
        reference=order.escrow_reference,
        lines=[*debit_lines, Line(own, -amount), Line(pay_position, paid), Line(transit, -paid)],
        memo=f"Order {order.code}: refund {amount} as {paid} at {order.fx_rate}",
        idempotency_key=f"order-fx-out:{key}",
        metadata={"rate": str(order.fx_rate), "rate_ref": order.fx_rate_ref},
    )
    return paid, [Line(transit, paid)]
