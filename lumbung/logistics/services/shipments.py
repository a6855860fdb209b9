"""Shipments with the carrier, and the tracking events it sends back.

Booking (``shipment_book``): reserve a ``Shipment`` row (one per parcel and carrier) and commit,
call Biteship outside any lock, then re-lock and store the answer. A carrier that does not answer
leaves the row ``pending`` for ``shipments_book_pending`` (a periodic job) to try again.

Tracking (``tracking_record``) keeps every carrier event once (unique per shipment and carrier
event id) and moves the parcel only *forward*:

1. an event no newer than the newest already seen for the shipment is stored, changes nothing;
2. the carrier's status maps to a parcel status (``biteship.PARCEL_STATUS_FOR``, with the
   parcel's own context: a pickup parcel "delivered" by the carrier is at the destination centre;
   ``on_hold`` while out for delivery is a failed attempt);
3. the parcel moves along the transition map's path to it, each step recorded, only when that path
   never goes back (``status.is_forward``).

So webhooks replayed, duplicated or out of order take effect once, and never regress a parcel.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import biteship
from ..models import Batch, Carrier, Parcel, Shipment, TrackingEvent, TrackingSource
from ..status import P, is_forward, parcel_path
from .parcels import parcel_set_status

log = logging.getLogger(__name__)


# --- booking --------------------------------------------------------------------------------------
def _postcode(area, fallback: str = "") -> str:
    codes = [
        c.strip() for c in (fallback or area.postal_codes or "").replace(";", ",").split(",") if c.strip()
    ]
    return codes[0] if codes else ""


def order_body(parcel: Parcel, carrier: Carrier) -> dict[str, Any]:
    """Biteship's order object for one parcel: from the origin centre to the recipient (or centre)."""
    centre = parcel.origin_centre
    if parcel.destination_centre_id:
        dest = parcel.destination_centre
        destination = {
            "destination_contact_name": f"{dest.name} / {parcel.recipient_name}",
            "destination_contact_phone": dest.phone or parcel.recipient_phone,
            "destination_address": f"{dest.address}, {dest.village.path}".strip(", "),
            "destination_postal_code": _postcode(dest.village),
        }
    else:
        destination = {
            "destination_contact_name": parcel.recipient_name,
            "destination_contact_phone": parcel.recipient_phone,
            "destination_address": f"{parcel.recipient_address}, {parcel.recipient_village.path}".strip(", "),
            "destination_postal_code": _postcode(parcel.recipient_village, parcel.recipient_postcode),
        }
    body: dict[str, Any] = {
        "shipper_contact_name": parcel.sender_name,
        "shipper_contact_phone": parcel.sender_phone,
        "shipper_organization": centre.name,
        "origin_contact_name": centre.name,
        "origin_contact_phone": centre.phone or parcel.sender_phone,
        "origin_address": f"{centre.address}, {centre.village.path}".strip(", "),
        "origin_postal_code": _postcode(centre.village),
        "origin_collection_method": "pickup",
        **destination,
        "courier_company": carrier.courier_code,
        "courier_type": carrier.courier_type or "reg",
        "delivery_type": "now",
        "reference_id": parcel.code,
        "order_note": parcel.contents,
        "metadata": {"parcel": parcel.public_id, "reference": parcel.reference},
        "items": [
            {
                "name": parcel.contents or "Paket",
                "value": int(parcel.declared_value),
                "quantity": 1,
                "weight": parcel.weight_g,
                "length": parcel.length_cm or 1,
                "width": parcel.width_cm or 1,
                "height": parcel.height_cm or 1,
            }
        ],
    }
    for key in ("origin_postal_code", "destination_postal_code"):
        body[key] = int(body[key]) if str(body[key]).isdigit() else body[key]
    if parcel.cod_amount:
        body["destination_cash_on_delivery"] = int(parcel.cod_amount)
        body["destination_cash_on_delivery_type"] = "7_days"
    return body


def shipment_book(*, parcel: Parcel) -> Shipment:
    """Book the parcel with its batch's carrier. Call outside any transaction; safe to repeat."""
    if parcel.batch_id is None:
        raise ValueError("only batched parcels are booked")
    carrier = parcel.batch.carrier
    with transaction.atomic():
        shipment, _created = Shipment.objects.get_or_create(parcel=parcel, carrier=carrier)
    if shipment.state == Shipment.State.BOOKED or carrier.adapter != Carrier.Adapter.BITESHIP:
        return shipment
    body = order_body(parcel, carrier)
    try:
        result = biteship.order_create(body=body)
    except biteship.CarrierUnavailable as exc:
        Shipment.objects.filter(pk=shipment.pk).update(last_error=str(exc.details)[:255])
        shipment.refresh_from_db()
        return shipment
    except biteship.CarrierRefused as exc:
        Shipment.objects.filter(pk=shipment.pk).update(
            state=Shipment.State.FAILED, last_error=str(exc.details)[:255]
        )
        shipment.refresh_from_db()
        return shipment
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.state != Shipment.State.BOOKED:
            shipment.state = Shipment.State.BOOKED
            shipment.carrier_order_id = result.id
            shipment.tracking_id = result.tracking_id
            shipment.waybill_id = result.waybill_id
            shipment.courier_type = result.courier_type
            shipment.carrier_status = result.status
            shipment.price = result.price
            shipment.last_error = ""
            shipment.booked_at = timezone.now()
            shipment.save()
    return shipment


def batch_book_shipments(*, batch: Batch) -> list[Shipment]:
    """Book every parcel of a closed batch (one carrier call each, no lock held across calls)."""
    parcels = list(
        batch.parcels.select_related(
            "origin_centre__village", "destination_centre__village", "recipient_village", "batch__carrier"
        ).order_by("pk")
    )
    return [shipment_book(parcel=parcel) for parcel in parcels]


def shipments_book_pending() -> int:
    """The periodic retry: parcels in closed or handed-over batches with no booked shipment."""
    parcels = Parcel.objects.filter(
        batch__carrier__adapter=Carrier.Adapter.BITESHIP,
        batch__status__in=["closed", "handed_over"],
        status__in=[P.BATCHED, P.HANDED_TO_CARRIER],
    ).exclude(shipments__state__in=[Shipment.State.BOOKED, Shipment.State.FAILED])
    count = 0
    for parcel in parcels.select_related("batch__carrier")[:200]:
        if shipment_book(parcel=parcel).state == Shipment.State.BOOKED:
            count += 1
    return count


# --- tracking -------------------------------------------------------------------------------------
def parcel_status_for(carrier_status: str, parcel: Parcel) -> str | None:
    """The parcel status a carrier status implies, in the parcel's context."""
    if carrier_status == "on_hold":
        return P.FAILED_DELIVERY if parcel.status == P.OUT_FOR_DELIVERY else None
    target = biteship.PARCEL_STATUS_FOR.get(carrier_status)
    if parcel.destination_centre_id:
        # The carrier's last mile ends at the destination centre, which takes it from there.
        if target == P.DELIVERED:
            return P.AT_DESTINATION_HUB
        if target == P.OUT_FOR_DELIVERY:
            return None
    return target


@transaction.atomic
def tracking_record(
    *,
    shipment: Shipment,
    carrier_event_id: str,
    carrier_status: str,
    occurred_at: datetime,
    note: str = "",
    source: str = TrackingSource.WEBHOOK,
    payload: dict[str, Any] | None = None,
) -> tuple[TrackingEvent, bool]:
    """Store one carrier event (once) and apply it if it moves the parcel forward.

    Returns ``(event, created)``; a repeated event id returns the stored one with ``False``.
    """
    shipment = Shipment.objects.select_for_update().select_related("carrier").get(pk=shipment.pk)
    existing = TrackingEvent.objects.filter(shipment=shipment, carrier_event_id=carrier_event_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            event = TrackingEvent.objects.create(
                shipment=shipment,
                carrier_event_id=carrier_event_id,
                carrier_status=carrier_status[:32],
                note=note[:255],
                occurred_at=occurred_at,
                source=source,
                payload=payload or {},
            )
    except IntegrityError:  # a concurrent delivery of the same event got there first
        return TrackingEvent.objects.get(shipment=shipment, carrier_event_id=carrier_event_id), False

    newest_before = shipment.last_applied_at
    if newest_before is not None and occurred_at <= newest_before:
        event.ignored_reason = "older_than_last_event"
        event.save(update_fields=["ignored_reason"])
        return event, True
    shipment.last_applied_at = occurred_at
    shipment.carrier_status = carrier_status[:32]
    shipment.save(update_fields=["last_applied_at", "carrier_status"])

    parcel = Parcel.objects.select_for_update().get(pk=shipment.parcel_id)
    target = parcel_status_for(carrier_status, parcel)
    if target is None:
        event.ignored_reason = "no_parcel_change"
    elif not is_forward(parcel.status, target):
        event.ignored_reason = "not_forward" if target != parcel.status else "already_there"
    else:
        reason = f"{shipment.carrier.name}: {carrier_status}" + (f" — {note}" if note else "")
        for step in parcel_path(parcel.status, target) or []:
            parcel = parcel_set_status(
                parcel=parcel, to=step, source="carrier", reason=reason, at=occurred_at
            )
        event.applied_status = target
    event.save(update_fields=["ignored_reason", "applied_status"])
    return event, True


def shipment_by_carrier_order(order_id: str) -> Shipment | None:
    if not order_id:
        return None
    return (
        Shipment.objects.select_related("carrier", "parcel")
        .filter(carrier__adapter=Carrier.Adapter.BITESHIP, carrier_order_id=order_id)
        .first()
    )


def webhook_receive(*, payload: dict[str, Any], body: bytes = b"") -> str:
    """A verified Biteship webhook. Returns what happened: recorded, duplicate, unknown_shipment,
    updated (waybill or price), or ignored (an event we do not use)."""
    event = str(payload.get("event") or "")
    order_id = str(payload.get("order_id") or "")
    shipment = shipment_by_carrier_order(order_id)
    if shipment is None:
        log.warning("Biteship webhook %s for unknown order %r: nothing changed", event, order_id[:64])
        return "unknown_shipment"
    if event == "order.waybill_id":
        waybill = str(payload.get("courier_waybill_id") or "")[:64]
        if waybill:
            Shipment.objects.filter(pk=shipment.pk).update(waybill_id=waybill)
        return "updated"
    if event == "order.price":
        price = biteship._decimal(payload.get("price"))
        if price is not None:
            Shipment.objects.filter(pk=shipment.pk).update(price=price)
        return "updated"
    if event != "order.status":
        return "ignored"
    status = str(payload.get("status") or "")
    if status not in biteship.KNOWN_STATUSES:
        log.warning("Biteship webhook with unknown status %r for order %s", status[:32], order_id)
        return "ignored"
    updated_at = str(payload.get("updated_at") or "")
    occurred_at = biteship.parse_time(updated_at) or timezone.now()
    event_id = biteship.event_id_for(order_id=order_id, status=status, updated_at=updated_at, body=body)
    waybill = str(payload.get("courier_waybill_id") or "")[:64]
    if waybill and not shipment.waybill_id:
        Shipment.objects.filter(pk=shipment.pk, waybill_id="").update(waybill_id=waybill)
    _event, created = tracking_record(
        shipment=shipment,
        carrier_event_id=event_id,
        carrier_status=status,
        occurred_at=occurred_at,
        note=str(payload.get("note") or ""),
        source=TrackingSource.WEBHOOK,
        payload=json.loads(json.dumps(payload, default=str)),
    )
    return "recorded" if created else "duplicate"


def tracking_refresh(*, shipment: Shipment) -> int:
    """Ask Biteship for the whole history (GET /v1/trackings/{id}) and record what is new."""
    if not shipment.tracking_id:
        return 0
    result = biteship.tracking_get(shipment.tracking_id)
    new = 0
    for entry in sorted(result.history, key=lambda e: e.updated_at):
        event_id = biteship.event_id_for(
            order_id=shipment.carrier_order_id, status=entry.status, updated_at=entry.updated_at.isoformat()
        )
        _event, created = tracking_record(
            shipment=shipment,
            carrier_event_id=event_id,
            carrier_status=entry.status,
            occurred_at=entry.updated_at,
            note=entry.note,
            source=TrackingSource.POLL,
        )
        new += int(created)
    return new


__all__ = [
    "batch_book_shipments",
    "order_body",
    "parcel_status_for",
    "shipment_book",
    "shipments_book_pending",
    "tracking_record",
    "tracking_refresh",
    "webhook_receive",
]
