"""Which fee rule applies to a line, and the platform fee and centre commission it gives.

A line's rule is the newest rule in force for its category, else for the nearest ancestor category,
else the default rule (no category), else nothing is taken. Amounts are rounded half-up to the
currency's minor unit per line, so an order's fee is the sum of its lines' fees.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from lumbung.catalog.models import Category
from lumbung.core.money import Money, quantum

from .models import FeeRule

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rates:
    platform_fee_percent: Decimal = ZERO
    centre_commission_percent: Decimal = ZERO


class FeeBook:
    """The rules in force at one moment, read once per checkout."""

    def __init__(self, at=None) -> None:
        at = at or timezone.now()
        self.by_category: dict[int | None, Rates] = {}
        for rule in FeeRule.objects.filter(valid_from__lte=at).order_by("-valid_from", "-id"):
            self.by_category.setdefault(
                rule.category_id, Rates(rule.platform_fee_percent, rule.centre_commission_percent)
            )
        self._parents: dict[int, int | None] = {}

    def note_categories(self, categories) -> None:
        """Categories already loaded (e.g. with the cart's lines) need no query for their parent."""
        for category in categories:
            if category is not None:
                self._parents.setdefault(category.pk, category.parent_id)

    def _parent(self, category_id: int) -> int | None:
        if category_id not in self._parents:
            self._parents[category_id] = (
                Category.objects.filter(pk=category_id).values_list("parent_id", flat=True).first()
            )
        return self._parents[category_id]

    def rates_for(self, category_id: int | None) -> Rates:
        seen = set()
        while category_id is not None and category_id not in seen:
            seen.add(category_id)
            if category_id in self.by_category:
                return self.by_category[category_id]
            category_id = self._parent(category_id)
        return self.by_category.get(None, Rates())


def percent_of(amount: Money, percent: Decimal) -> Money:
    value = (amount.amount * percent / HUNDRED).quantize(quantum(amount.currency), rounding=ROUND_HALF_UP)
    return Money(value, amount.currency)


def share_of(part: Decimal, numerator: Decimal, denominator: Decimal, currency: str) -> Decimal:
    """``part × numerator / denominator`` rounded half-up to the currency (0 when the denominator is 0)."""
    if denominator == 0:
        return ZERO
    return (part * numerator / denominator).quantize(quantum(currency), rounding=ROUND_HALF_UP)
