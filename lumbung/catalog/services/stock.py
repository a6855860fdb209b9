"""Stock changes: single conditional UPDATEs, never read-modify-write, each leaving a StockMovement.

``stock_reserve`` is what checkout calls: ``UPDATE ... SET stock = stock - n WHERE id = ? AND stock >= n``.
Zero rows updated means another buyer got there first, and the caller gets ``SoldOut``. The row's
new figure is read back inside the same transaction (the UPDATE holds its row lock until commit),
so ``stock_after`` in the journal is exact.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..errors import SoldOut, StockChanged, invalid
from ..models import StockMovement, StockReason, Variant
from ._common import MAX_STOCK, audit_record, authorise, clean_int

SELLER_REASONS = (StockReason.RESTOCK, StockReason.ADJUSTMENT, StockReason.DAMAGE, StockReason.RETURN)


def _journal(
    variant_id: int, delta: int, reason: str, *, reference: str, actor, on_behalf_of, note: str = ""
):
    after = Variant.objects.filter(pk=variant_id).values_list("stock", flat=True).first()
    return StockMovement.objects.create(
        variant_id=variant_id,
        delta=delta,
        reason=reason,
        reference=reference[:64],
        stock_after=after,
        actor=actor if getattr(actor, "pk", None) else None,
        on_behalf_of=on_behalf_of if getattr(on_behalf_of, "pk", None) else None,
        note=note[:255],
    )


def _take(variant_id: int, quantity: int) -> bool:
    return bool(
        Variant.objects.filter(pk=variant_id, is_active=True, stock__gte=quantity).update(
            stock=F("stock") - quantity, updated_at=timezone.now()
        )
    )


def _put(variant_id: int, quantity: int) -> bool:
    return bool(
        Variant.objects.filter(pk=variant_id, stock__lte=MAX_STOCK - quantity).update(
            stock=F("stock") + quantity, updated_at=timezone.now()
        )
    )


def _positive(quantity) -> int:
    return clean_int(
        quantity,
        field="quantity",
        minimum=1,
        maximum=MAX_STOCK,
        message=_("The quantity must be at least 1."),
    )


@transaction.atomic
def stock_reserve(
    *, variant: Variant, quantity: int, reference: str = "", actor=None, on_behalf_of=None
) -> StockMovement:
    """Hold ``quantity`` units for an order. Raises ``SoldOut`` (nothing held) if not enough are left."""
    quantity = _positive(quantity)
    if not _take(variant.pk, quantity):
        raise SoldOut(details={"variant": variant.public_id, "requested": quantity})
    return _journal(
        variant.pk,
        -quantity,
        StockReason.SALE_RESERVE,
        reference=reference,
        actor=actor,
        on_behalf_of=on_behalf_of,
    )


@transaction.atomic
def stock_reserve_many(
    *, lines: Iterable[tuple[Variant, int]], reference: str = "", actor=None, on_behalf_of=None
) -> list[StockMovement]:
    """Reserve several lines, all or nothing. Rows are touched in primary-key order (no deadlocks)."""
    movements = []
    for variant, quantity in sorted(lines, key=lambda line: line[0].pk):
        movements.append(
            stock_reserve(
                variant=variant,
                quantity=quantity,
                reference=reference,
                actor=actor,
                on_behalf_of=on_behalf_of,
            )
        )
    return movements


@transaction.atomic
def stock_release(*, variant: Variant, quantity: int, reference: str = "", actor=None) -> StockMovement:
    """Give back units held for an order that was cancelled or expired."""
    quantity = _positive(quantity)
    if not _put(variant.pk, quantity):
        raise invalid("quantity", _("That would take the stock over the limit."))
    return _journal(
        variant.pk,
        quantity,
        StockReason.RESERVATION_RELEASE,
        reference=reference,
        actor=actor,
        on_behalf_of=None,
    )


@transaction.atomic
def stock_adjust(
    *,
    actor,
    variant: Variant,
    delta: int,
    reason: str = StockReason.ADJUSTMENT,
    note: str = "",
    reference: str = "",
    on_behalf_of=None,
) -> StockMovement:
    """A seller adds (restock) or removes (damage, count) units. Never below zero."""
    authorise(actor=actor, action="catalog.edit_product", obj=variant.product, on_behalf_of=on_behalf_of)
    if reason not in SELLER_REASONS:
        raise invalid("reason", _("Choose restock, adjustment, damage or return."))
    try:
        delta = int(delta)
    except (TypeError, ValueError):
        raise invalid("delta", _("Please enter a whole number.")) from None
    if delta == 0:
        raise invalid("delta", _("The change cannot be zero."))
    if abs(delta) > MAX_STOCK:
        raise invalid("delta", _("That number is too large to be right. Please check it."))
    changed = _put(variant.pk, delta) if delta > 0 else _take_any(variant.pk, -delta)
    if not changed:
        if delta > 0:
            raise invalid("delta", _("That would take the stock over the limit."))
        raise invalid("delta", _("You cannot remove more units than are in stock."))
    movement = _journal(
        variant.pk, delta, reason, reference=reference, actor=actor, on_behalf_of=on_behalf_of, note=note
    )
    audit_record(
        "catalog.stock_adjust",
        actor=actor,
        on_behalf_of=on_behalf_of,
        obj=variant,
        data={"delta": delta, "reason": reason, "stock_after": movement.stock_after},
    )
    return movement


def _take_any(variant_id: int, quantity: int) -> bool:
    """Like ``_take`` but also for an inactive variant (a seller counting a paused line)."""
    return bool(
        Variant.objects.filter(pk=variant_id, stock__gte=quantity).update(
            stock=F("stock") - quantity, updated_at=timezone.now()
        )
    )


@transaction.atomic
def stock_set(
    *, actor, variant: Variant, expected: int, new: int, note: str = "", on_behalf_of=None
) -> StockMovement | None:
    """Set stock to a counted figure, only if it still is what the seller saw (compare-and-set).

    Forms use this: the page shows the stock, the seller types the count, and if an order took
    units meanwhile the change is refused with ``StockChanged`` instead of overwriting the sale.
    """
    authorise(actor=actor, action="catalog.edit_product", obj=variant.product, on_behalf_of=on_behalf_of)
    expected = clean_int(expected, field="stock", maximum=MAX_STOCK)
    new = clean_int(new, field="stock", maximum=MAX_STOCK)
    if new == expected:
        return None
    if not Variant.objects.filter(pk=variant.pk, stock=expected).update(stock=new, updated_at=timezone.now()):
        raise StockChanged(details={"variant": variant.public_id})
    movement = _journal(
        variant.pk,
        new - expected,
        StockReason.RESTOCK if new > expected else StockReason.ADJUSTMENT,
        reference="",
        actor=actor,
        on_behalf_of=on_behalf_of,
        note=note,
    )
    audit_record(
        "catalog.stock_set",
        actor=actor,
        on_behalf_of=on_behalf_of,
        obj=variant,
        data={"from": expected, "to": new},
    )
    return movement
