"""The parcel and batch state machines: explicit transition maps, and nothing else.

Plain Python (no database), so property tests can walk them freely. ``services.parcels`` owns the
one writer (``parcel_set_status``) and refuses any move these maps do not allow.

Parcel flow (``→`` is a legal move)::

    created → accepted_at_centre → batched → handed_to_carrier → in_transit → at_destination_hub
            → out_for_delivery → delivered
    at_destination_hub → ready_for_pickup → collected            (pickup at a centre)
    out_for_delivery → failed_delivery → out_for_delivery (retry) | returning → returned
    created → refused (intake said no);  carrier states → lost;  batched → accepted_at_centre (unbatch)

Carrier tracking may only move a parcel *forward*: along a path of this map, never to a state it
has passed (``is_forward``), and never on an event older than the last one applied.
"""

from __future__ import annotations

from collections import deque

from django.db import models
from django.utils.translation import gettext_lazy as _


class ParcelStatus(models.TextChoices):
    CREATED = "created", _("Created")
    REFUSED = "refused", _("Refused at the centre")
    ACCEPTED_AT_CENTRE = "accepted_at_centre", _("Accepted at the centre")
    BATCHED = "batched", _("In a batch for the carrier")
    HANDED_TO_CARRIER = "handed_to_carrier", _("Handed to the carrier")
    IN_TRANSIT = "in_transit", _("In transit")
    AT_DESTINATION_HUB = "at_destination_hub", _("At the destination hub")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    COLLECTED = "collected", _("Collected")
    FAILED_DELIVERY = "failed_delivery", _("Delivery failed")
    RETURNING = "returning", _("Returning to the sender")
    RETURNED = "returned", _("Returned to the sender")
    LOST = "lost", _("Lost")


P = ParcelStatus

PARCEL_TRANSITIONS: dict[str, frozenset[str]] = {
    P.CREATED: frozenset({P.ACCEPTED_AT_CENTRE, P.REFUSED}),
    P.REFUSED: frozenset(),
    P.ACCEPTED_AT_CENTRE: frozenset({P.BATCHED}),
    P.BATCHED: frozenset({P.HANDED_TO_CARRIER, P.ACCEPTED_AT_CENTRE}),
    P.HANDED_TO_CARRIER: frozenset({P.IN_TRANSIT, P.LOST, P.RETURNING}),
    P.IN_TRANSIT: frozenset({P.AT_DESTINATION_HUB, P.OUT_FOR_DELIVERY, P.LOST, P.RETURNING}),
    P.AT_DESTINATION_HUB: frozenset({P.OUT_FOR_DELIVERY, P.READY_FOR_PICKUP, P.LOST, P.RETURNING}),
    P.OUT_FOR_DELIVERY: frozenset({P.DELIVERED, P.FAILED_DELIVERY, P.LOST}),
    P.FAILED_DELIVERY: frozenset({P.OUT_FOR_DELIVERY, P.RETURNING, P.READY_FOR_PICKUP, P.LOST}),
    P.READY_FOR_PICKUP: frozenset({P.COLLECTED, P.RETURNING}),
    P.RETURNING: frozenset({P.RETURNED, P.LOST}),
    P.DELIVERED: frozenset(),
    P.COLLECTED: frozenset(),
    P.RETURNED: frozenset(),
    P.LOST: frozenset(),
}

# How far along a parcel is. Tracking never lowers it; the retry edge (failed → out for delivery)
# is the one legal move to a lower rank, and only a centre or a *newer* carrier event makes it.
PARCEL_RANK: dict[str, int] = {
    P.CREATED: 0,
    P.REFUSED: 1,
    P.ACCEPTED_AT_CENTRE: 1,
    P.BATCHED: 2,
    P.HANDED_TO_CARRIER: 3,
    P.IN_TRANSIT: 4,
    P.AT_DESTINATION_HUB: 5,
    P.OUT_FOR_DELIVERY: 6,
    P.FAILED_DELIVERY: 7,
    P.READY_FOR_PICKUP: 7,
    P.RETURNING: 8,
    P.DELIVERED: 9,
    P.COLLECTED: 9,
    P.RETURNED: 9,
    P.LOST: 9,
}

# A new delivery attempt after a failed one: the one legal move to a lower rank.
RETRY_EDGE = (P.FAILED_DELIVERY, P.OUT_FOR_DELIVERY)
FINAL_PARCEL_STATES = frozenset(s for s, nxt in PARCEL_TRANSITIONS.items() if not nxt)
# Where a parcel is in the carrier's hands (a courier may see it; tracking may move it).
WITH_CARRIER = frozenset({P.HANDED_TO_CARRIER, P.IN_TRANSIT, P.OUT_FOR_DELIVERY, P.RETURNING})


def parcel_can_move(current: str, to: str) -> bool:
    return to in PARCEL_TRANSITIONS.get(current, frozenset())


def parcel_path(current: str, target: str) -> list[str] | None:
    """The shortest chain of legal moves from ``current`` to ``target`` (excluding ``current``).

    ``[]`` when they are equal; ``None`` when the map has no way there. Tracking uses it so an
    event that skips steps ("delivered" while we thought "in transit") still moves through every
    state in order, each recorded.
    """
    if current == target:
        return []
    seen = {current}
    queue: deque[tuple[str, list[str]]] = deque([(current, [])])
    while queue:
        state, path = queue.popleft()
        for nxt in sorted(PARCEL_TRANSITIONS.get(state, ())):
            if nxt in seen:
                continue
            if nxt == target:
                return [*path, nxt]
            seen.add(nxt)
            queue.append((nxt, [*path, nxt]))
    return None


def is_forward(current: str, target: str) -> bool:
    """May carrier tracking take a parcel from ``current`` to ``target``? Only onward, never back."""
    path = parcel_path(current, target)
    if not path:
        return False
    steps = zip([current, *path], path, strict=False)
    return all(PARCEL_RANK[b] > PARCEL_RANK[a] or (a, b) == RETRY_EDGE for a, b in steps)


class BatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed, waiting for the courier")
    HANDED_OVER = "handed_over", _("Handed over to the courier")


B = BatchStatus
BATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    B.OPEN: frozenset({B.CLOSED}),
    B.CLOSED: frozenset({B.HANDED_OVER, B.OPEN}),
    B.HANDED_OVER: frozenset(),
}


def batch_can_move(current: str, to: str) -> bool:
    return to in BATCH_TRANSITIONS.get(current, frozenset())
