"""The counter: find what a villager came to pay, and take their cash (``payments.cash_receive``).

A lookup accepts a payment number (the intent's public id). Order codes are looked up through the
orders app's selectors once they exist; until then an agent types the payment number shown on the
buyer's order page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lumbung.core.money import Money

if TYPE_CHECKING:
    from lumbung.payments.models import PaymentIntent


@dataclass(frozen=True)
class CounterMatch:
    intent: PaymentIntent
    references: list[str]

    @property
    def amount(self) -> Money:
        return self.intent.total

    @property
    def is_cash(self) -> bool:
        return self.intent.method == "cash"


def counter_lookup(*, query: str) -> CounterMatch | None:
    """The payment a code names, or None. Payment numbers are lower-case; order codes upper-case."""
    from lumbung.payments.models import PaymentAllocation, PaymentIntent

    text = "".join((query or "").split())
    if not text:
        return None
    intent = PaymentIntent.objects.select_related("payer", "centre").filter(public_id=text.lower()).first()
    if intent is None:
        return None
    references = list(
        PaymentAllocation.objects.filter(intent=intent).order_by("id").values_list("reference", flat=True)
    )
    return CounterMatch(intent, references)


def intent_by_public_id(public_id: str) -> PaymentIntent | None:
    from lumbung.payments.models import PaymentIntent

    return PaymentIntent.objects.select_related("payer", "centre").filter(public_id=public_id).first()
