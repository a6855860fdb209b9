"""What centres do when logistics says a parcel moved (registered in ``CentersConfig.ready``).

Logistics knows nothing of orders or centres; its parcels carry ``reference="order:<public_id>"``.
- with the carrier (handed over, in transit, at the hub): the order is "on the way";
- on the destination centre's shelf, or out for door delivery by a centre: the recipient gets a
  pickup code;
- delivered by the carrier at the door: the order is delivered (orders then runs its completion).
Handlers run after logistics commits, each in its own transaction, and are safe to run twice.
"""

from __future__ import annotations

import logging

from django.db import transaction

from lumbung.core import events
from lumbung.logistics.models import Parcel
from lumbung.logistics.services import PARCEL_STATUS_CHANGED
from lumbung.logistics.status import P
from lumbung.orders.services import order_lock, order_set_status
from lumbung.orders.states import OrderStatus

from .services.lastmile import order_of_parcel, pickup_code_issue

log = logging.getLogger(__name__)
S = OrderStatus
ON_THE_WAY = frozenset(
    {P.HANDED_TO_CARRIER, P.IN_TRANSIT, P.AT_DESTINATION_HUB, P.OUT_FOR_DELIVERY, P.READY_FOR_PICKUP}
)


@events.on(PARCEL_STATUS_CHANGED)
def on_parcel_status_changed(
    *, parcel_public_id: str = "", status: str = "", reference: str = "", **_payload
) -> None:
    if not (reference or "").startswith("order:"):
        return
    with transaction.atomic():
        parcel = Parcel.objects.filter(public_id=parcel_public_id).first()
        if parcel is None:
            return
        order = order_of_parcel(parcel)
        if order is None:
            return
        order = order_lock(order)
        if status in ON_THE_WAY and order.status == S.HANDED_OVER:
            order_set_status(order=order, to=S.IN_TRANSIT, source="logistics", reason=P(status).label)
        if status == P.DELIVERED and order.status in (S.HANDED_OVER, S.IN_TRANSIT):
            order_set_status(order=order, to=S.DELIVERED, source="logistics", reason=P(status).label)
        if parcel.status == status and (
            status == P.READY_FOR_PICKUP or (status == P.OUT_FOR_DELIVERY and parcel.destination_centre_id)
        ):
            pickup_code_issue(parcel=parcel)
