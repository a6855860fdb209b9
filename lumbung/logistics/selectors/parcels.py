"""Reads about parcels, batches, carriers and tracking, with their joins planned.

``parcel_public_tracking`` is what anyone may see by parcel code: status, service, the origin and
destination *regencies*, and the history of statuses with times. Never names, phones, addresses,
villages, references or the carrier's free-text notes (they often name the person who signed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from ..models import Batch, BatchStatus, Carrier, Parcel, ParcelEvent, ParcelStatus, Shipment
from ..status import P

PARCEL_JOINS = (
    "origin_centre__village",
    "destination_centre__village",
    "sender_village",
    "recipient_village__parent",
    "batch__carrier__organisation",
)


def parcel_by_public_id(public_id: str) -> Parcel | None:
    return Parcel.objects.select_related(*PARCEL_JOINS).filter(public_id=public_id).first()


def parcel_by_code(code: str) -> Parcel | None:
    code = (code or "").strip().upper()
    if code and not code.startswith("LBG-"):
        code = "LBG-" + code
    return Parcel.objects.select_related(*PARCEL_JOINS).filter(code=code).first()


def parcels_by_reference(reference: str) -> QuerySet[Parcel]:
    """Parcels carrying this reference ("order:<public_id>"), newest first."""
    return Parcel.objects.select_related(*PARCEL_JOINS).filter(reference=reference)


def parcel_events(parcel: Parcel) -> QuerySet[ParcelEvent]:
    """The parcel's history in the order its moves were made.

    Not by ``at``: a carrier event carries the carrier's clock, which may run ahead of ours or
    arrive late, and sorting by it could show "collected" before "at the destination hub".
    """
    return parcel.events.select_related("actor").order_by("id")


def parcels_ready_to_batch(*, centre) -> QuerySet[Parcel]:
    """Accepted at this centre's counter and not in a batch yet, oldest first."""
    return (
        Parcel.objects.select_related("recipient_village__parent__parent", "destination_centre")
        .filter(origin_centre=centre, status=P.ACCEPTED_AT_CENTRE, batch__isnull=True)
        .order_by("status_changed_at", "pk")
    )


def parcels_at_centre(*, centre, statuses: list[str] | None = None) -> QuerySet[Parcel]:
    """Parcels whose origin or destination is this centre (the agent's list), newest first."""
    from django.db.models import Q

    qs = Parcel.objects.select_related(*PARCEL_JOINS).filter(
        Q(origin_centre=centre) | Q(destination_centre=centre)
    )
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-status_changed_at", "-pk")


def batches_of_centre(*, centre, statuses: list[str] | None = None) -> QuerySet[Batch]:
    qs = Batch.objects.select_related("carrier", "destination_area").filter(origin_centre=centre)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-created_at", "-pk")


def batches_for_courier(*, user) -> QuerySet[Batch]:
    """Closed batches waiting for the user's carriers, then those they took, newest first."""
    from lumbung.accounts.models import Membership, Role

    orgs = Membership.objects.filter(user=user, role=Role.COURIER, is_active=True).values("organisation")
    return (
        Batch.objects.select_related("carrier", "origin_centre__village", "destination_area")
        .filter(carrier__organisation__in=orgs, status__in=[BatchStatus.CLOSED, BatchStatus.HANDED_OVER])
        .order_by("status", "-closed_at", "-pk")
    )


def batch_by_public_id(public_id: str) -> Batch | None:
    return (
        Batch.objects.select_related(
            "carrier__organisation", "origin_centre__village", "destination_area", "handed_over_to"
        )
        .prefetch_related(
            Prefetch(
                "parcels",
                queryset=Parcel.objects.select_related(*PARCEL_JOINS).order_by("pk"),
            )
        )
        .filter(public_id=public_id)
        .first()
    )


def batch_by_code(code: str) -> Batch | None:
    batch = Batch.objects.filter(code=(code or "").strip().upper()).only("public_id").first()
    return batch_by_public_id(batch.public_id) if batch else None


def carriers_active() -> QuerySet[Carrier]:
    return Carrier.objects.select_related("organisation").filter(is_active=True).order_by("name")


def shipment_current(parcel: Parcel) -> Shipment | None:
    return parcel.shipments.select_related("carrier").order_by("-created_at", "-pk").first()


@dataclass(frozen=True)
class PublicStep:
    status: str
    label: str
    at: datetime


@dataclass(frozen=True)
class PublicTracking:
    code: str
    status: str
    status_label: str
    service_level: str
    delivery_method: str
    origin_region: str
    destination_region: str
    carrier: str
    waybill: str
    updated_at: datetime
    steps: list[PublicStep]


def _region(area) -> str:
    """The regency (or Chinese prefecture/county) of a village: never the village itself."""
    regency = area
    while regency is not None and regency.level > 2:
        regency = regency.parent
    return regency.name if regency is not None else ""


def parcel_public_tracking(code: str) -> PublicTracking | None:
    parcel = parcel_by_code(code)
    if parcel is None:
        return None
    steps = [
        PublicStep(status=e.to_status, label=str(ParcelStatus(e.to_status).label), at=e.at)
        for e in parcel.events.order_by("id")  # the order of the moves, as parcel_events
    ]
    shipment = shipment_current(parcel)
    return PublicTracking(
        code=parcel.code,
        status=parcel.status,
        status_label=str(ParcelStatus(parcel.status).label),
        service_level=parcel.get_service_level_display(),
        delivery_method=parcel.get_delivery_method_display(),
        origin_region=_region(parcel.sender_village),
        destination_region=_region(parcel.recipient_village),
        carrier=shipment.carrier.name if shipment else (parcel.batch.carrier.name if parcel.batch_id else ""),
        waybill=shipment.waybill_id if shipment else "",
        updated_at=parcel.status_changed_at,
        steps=steps,
    )
