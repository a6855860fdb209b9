"""The order's states and the only moves between them (docs/adr/0007-order-state-machine.md).

``TRANSITIONS`` is the whole map: ``services.lifecycle.order_set_status`` refuses anything not in it
and writes an ``OrderEvent`` for every move it allows. Money follows the states:

- placed      stock reserved, payment awaited (until ``reserved_until``)
- paid        the buyer's money sits in ``escrow:order:<id>``
- accepted    the seller will send it
- handed_over the goods are with the centre or the carrier
- in_transit  on the road
- delivered   at the buyer's door or at the pickup centre; the complaint window runs
- completed   escrow released: seller payable, platform fee, centre commission
- cancelled   nothing was delivered; stock back, any escrow refunded in full
- refunded    everything the buyer paid went back after delivery or completion
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("waiting for payment")
    PAID = "paid", _("paid, waiting for the seller")
    ACCEPTED = "accepted", _("accepted by the seller")
    HANDED_OVER = "handed_over", _("handed over for shipping")
    IN_TRANSIT = "in_transit", _("on the way")
    DELIVERED = "delivered", _("delivered")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")
    REFUNDED = "refunded", _("refunded")


S = OrderStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLACED: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.ACCEPTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.HANDED_OVER, S.CANCELLED}),
    # A seller in the same village may hand the parcel straight to the buyer.
    S.HANDED_OVER: frozenset({S.IN_TRANSIT, S.DELIVERED}),
    S.IN_TRANSIT: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.COMPLETED, S.REFUNDED}),
    S.COMPLETED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# The buyer's money is in escrow in these states (some of it may have been refunded).
ESCROW_HELD = frozenset({S.PAID, S.ACCEPTED, S.HANDED_OVER, S.IN_TRANSIT, S.DELIVERED})
# Goods have not left the seller: cancelling still returns the stock.
BEFORE_SHIPPING = frozenset({S.PLACED, S.PAID, S.ACCEPTED})
FINAL = frozenset({S.CANCELLED, S.REFUNDED})


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
