"""The few payments services orders calls (money contract), in one place.

Orders is above payments in the layers, so it calls payments directly; payments tells orders back
only through the ``payments.intent_paid`` / ``payments.intent_expired`` events.
"""

from __future__ import annotations

from collections.abc import Sequence

from lumbung.core.money import Money
from lumbung.ledger.services import Line
from lumbung.payments import services
from lumbung.payments.models import PaymentIntent, Status


def intent_create(*, payer, allocations: list[tuple[str, str, Money]], method: str, idempotency_key: str):
    """One intent paying for several orders in one currency: ``(reference, escrow code, amount)``."""
    return services.intent_create(
        payer=payer,
        allocations=[
            services.Allocation(reference=reference, escrow_account=escrow, amount=amount)
            for reference, escrow, amount in allocations
        ],
        method=method,
        idempotency_key=idempotency_key,
        source="checkout",
    )


def intent_is_paid(public_id: str) -> bool:
    return PaymentIntent.objects.filter(public_id=public_id, status=Status.PAID).exists()


def intent_expire(public_id: str) -> None:
    """Close an unpaid intent whose orders lapsed, so no payment is taken for them any more."""
    intent = PaymentIntent.objects.filter(public_id=public_id, status=Status.PENDING).first()
    if intent is not None:
        services.intent_expire(intent=intent, source="orders", reason="the orders' stock hold lapsed")


def refund_issue(
    *,
    intent_public_id: str,
    reference: str,
    amount: Money,
    debit_lines: Sequence[Line],
    reason: str,
    idempotency_key: str,
):
    return services.refund_issue(
        intent=PaymentIntent.objects.get(public_id=intent_public_id),
        reference=reference,
        amount=amount,
        debit_lines=list(debit_lines),
        reason=reason,
        idempotency_key=idempotency_key,
    )


def fx_rate_current(*, base: str, quote: str):
    return services.fx_rate_current(base, quote)
