"""Logistics writes, keyword-only, each owning its transaction (nesting in the caller's).

What other apps call (see docs/logistics.md, "For the centres"):

- parcels: ``parcel_create``, ``parcel_intake``, ``parcel_receive_at_centre``,
  ``parcel_ready_for_pickup``, ``parcel_collect``, ``parcel_out_for_delivery``,
  ``parcel_mark_delivered``, ``parcel_delivery_failed``, ``parcel_return_to_sender`` and the one
  status writer ``parcel_set_status``;
- batches: ``batch_create``, ``batch_add_parcels``, ``batch_remove_parcel``, ``batch_close``,
  ``batch_reopen``, ``batch_hand_over``;
- carriers: ``shipment_book``, ``batch_book_shipments``, ``tracking_record``, ``webhook_receive``,
  ``tracking_refresh``.

Quoting is a read (``selectors``); ``shipping_quote`` is re-exported here because checkout
(orders) calls it next to the writes it makes.
"""

from __future__ import annotations

from ..selectors import carrier_quotes, parcel_quote, shipping_quote, shipping_quote_detail
from .batches import (
    HandoverResult,
    IllegalBatchMove,
    batch_add_parcels,
    batch_close,
    batch_create,
    batch_hand_over,
    batch_remove_parcel,
    batch_reopen,
)
from .parcels import (
    PARCEL_STATUS_CHANGED,
    IllegalParcelMove,
    Party,
    parcel_collect,
    parcel_create,
    parcel_delivery_failed,
    parcel_intake,
    parcel_mark_delivered,
    parcel_out_for_delivery,
    parcel_ready_for_pickup,
    parcel_receive_at_centre,
    parcel_return_to_sender,
    parcel_set_status,
)
from .shipments import (
    batch_book_shipments,
    shipment_book,
    shipments_book_pending,
    tracking_record,
    tracking_refresh,
    webhook_receive,
)

__all__ = [
    "PARCEL_STATUS_CHANGED",
    "HandoverResult",
    "IllegalBatchMove",
    "IllegalParcelMove",
    "Party",
    "batch_add_parcels",
    "batch_book_shipments",
    "batch_close",
    "batch_create",
    "batch_hand_over",
    "batch_remove_parcel",
    "batch_reopen",
    "carrier_quotes",
    "parcel_collect",
    "parcel_create",
    "parcel_delivery_failed",
    "parcel_intake",
    "parcel_mark_delivered",
    "parcel_out_for_delivery",
    "parcel_quote",
    "parcel_ready_for_pickup",
    "parcel_receive_at_centre",
    "parcel_return_to_sender",
    "parcel_set_status",
    "shipment_book",
    "shipments_book_pending",
    "shipping_quote",
    "shipping_quote_detail",
    "tracking_record",
    "tracking_refresh",
    "webhook_receive",
]
