"""The logistics API (/api/logistics).

Public:
- ``GET /quote?origin=&destination=&weight_grams=&method=door|pickup``: the rate card's price in
  rupiah with how it was reached (zone, chargeable kilograms, surcharge or discount).
- ``GET /parcel-quote?...&service_level=&length_cm=&width_cm=&height_cm=&cod_amount=&collection=``:
  the rate engine (volumetric weight, service level, COD fee, collection surcharge).
- ``GET /track/{code}``: where a parcel is, without names, phones or addresses.

Logged in (token or session):
- ``GET /carrier-quotes?...``: live prices from the carriers (Biteship rates).
- ``GET /parcels/{public_id}``: a parcel and its history (its centres' agents, its courier, admins).
- ``GET /centres/{org_public_id}/parcels/ready``: parcels waiting for a batch (the centre's agents).
- ``POST /batches`` {centre, carrier, destination?, parcels[]}; ``GET /batches/{public_id}``;
  ``POST /batches/{public_id}/close``; ``POST /batches/{public_id}/handover`` (the carrier's courier;
  a second confirmation answers 200 with ``already_done: true`` and changes nothing).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lumbung.accounts.api_auth import api_auth
from lumbung.accounts.selectors import organisation_by_public_id
from lumbung.core.errors import NotFound, ValidationFailed
from lumbung.core.money import Money, format_money
from lumbung.core.permissions import can, require
from lumbung.core.schemas import ErrorOut
from lumbung.regions.selectors import area_find

from . import selectors, services
from .models import Batch, Carrier, Parcel, ServiceLevel, ShippingMethod
from .selectors import QuoteDetail, shipping_quote_detail

router = Router(tags=["logistics"])

ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ShippingQuoteIn(Schema):
    origin: str = Field(max_length=16, description="Area code where the parcel starts (a village)")
    destination: str = Field(max_length=16, description="Area code where it goes (a village)")
    weight_grams: int = Field(description="Parcel weight in grams; rounded up to whole kilograms")
    method: ShippingMethod = Field(description="door: to the buyer's door; pickup: at a service centre")


class QuoteArea(Schema):
    code: str
    name: str
    path: str


class ShippingQuoteOut(Schema):
    origin: QuoteArea
    destination: QuoteArea
    zone: str
    zone_label: str
    method: str
    weight_grams: int
    chargeable_kg: int
    currency: str
    first_kg: Decimal
    further_kg: Decimal
    base: Decimal
    adjustment: Decimal
    amount: Decimal
    amount_display: str
    rate_card: str
    rate_card_valid_from: str


def _area(code: str, field: str):
    area = area_find(code=code)
    if area is None:
        raise ValidationFailed(
            _("No area has the code %(code)s.") % {"code": code}, details={"field": field, "code": code}
        )
    return area


def quote_out(detail: QuoteDetail, *, origin, destination, weight_grams: int) -> dict:
    return {
        "origin": {"code": origin.code, "name": origin.name, "path": origin.path},
        "destination": {"code": destination.code, "name": destination.name, "path": destination.path},
        "zone": detail.zone.value,
        "zone_label": str(detail.zone.label),
        "method": detail.method,
        "weight_grams": weight_grams,
        "chargeable_kg": detail.chargeable_kg,
        "currency": detail.total.currency,
        "first_kg": detail.first_kg.amount,
        "further_kg": detail.further_kg.amount,
        "base": detail.base.amount,
        "adjustment": detail.adjustment.amount,
        "amount": detail.total.amount,
        "amount_display": format_money(detail.total),
        "rate_card": detail.rate_card.name,
        "rate_card_valid_from": detail.rate_card.valid_from.isoformat(),
    }


@router.get("/quote", auth=None, response={200: ShippingQuoteOut, **ERRORS}, summary="Shipping quote")
def quote(request: HttpRequest, params: Query[ShippingQuoteIn]):
    """What a parcel costs by zone and weight. China ↔ Indonesia is refused (the export desk handles it)."""
    origin = _area(params.origin, "origin")
    destination = _area(params.destination, "destination")
    detail = shipping_quote_detail(
        origin=origin, destination=destination, weight_grams=params.weight_grams, method=params.method
    )
    return quote_out(detail, origin=origin, destination=destination, weight_grams=params.weight_grams)


# --- the rate engine and carriers' prices ----------------------------------------------------------
class ParcelQuoteIn(ShippingQuoteIn):
    service_level: ServiceLevel = ServiceLevel.REGULAR
    length_cm: int | None = Field(default=None, ge=1, le=300)
    width_cm: int | None = Field(default=None, ge=1, le=300)
    height_cm: int | None = Field(default=None, ge=1, le=300)
    cod_amount: int = Field(default=0, ge=0, description="Rupiah the courier collects on delivery")
    collection: bool = Field(default=False, description="The courier collects at the sender's door")


class ParcelQuoteOut(Schema):
    quote: ShippingQuoteOut
    actual_grams: int
    volumetric_grams: int
    chargeable_grams: int
    service_level: str
    service_adjustment: Decimal
    cod_fee: Decimal
    collection_fee: Decimal
    total: Decimal
    total_display: str


def _dimensions(params) -> tuple[int, int, int] | None:
    sides = (params.length_cm, params.width_cm, params.height_cm)
    if all(sides):
        return sides  # type: ignore[return-value]
    if any(sides):
        raise ValidationFailed(_("Give all three sides, or none."), details={"field": "length_cm"})
    return None


@router.get("/parcel-quote", auth=None, response={200: ParcelQuoteOut, **ERRORS}, summary="Rate engine quote")
def parcel_quote(request: HttpRequest, params: Query[ParcelQuoteIn]):
    origin = _area(params.origin, "origin")
    destination = _area(params.destination, "destination")
    result = services.parcel_quote(
        origin=origin,
        destination=destination,
        weight_grams=params.weight_grams,
        method=params.method,
        service_level=params.service_level,
        dimensions_cm=_dimensions(params),
        cod_amount=Money(Decimal(params.cod_amount), "IDR") if params.cod_amount else None,
        collection=params.collection,
    )
    return {
        "quote": quote_out(
            result.detail, origin=origin, destination=destination, weight_grams=result.chargeable_g
        ),
        "actual_grams": result.actual_g,
        "volumetric_grams": result.volumetric_g,
        "chargeable_grams": result.chargeable_g,
        "service_level": result.service_level,
        "service_adjustment": result.service_adjustment.amount,
        "cod_fee": result.cod_fee.amount,
        "collection_fee": result.collection_fee.amount,
        "total": result.total.amount,
        "total_display": format_money(result.total),
    }


class CarrierQuoteIn(Schema):
    origin: str = Field(max_length=16)
    destination: str = Field(max_length=16)
    weight_grams: int = Field(ge=1, le=1_000_000)
    length_cm: int | None = Field(default=None, ge=1, le=300)
    width_cm: int | None = Field(default=None, ge=1, le=300)
    height_cm: int | None = Field(default=None, ge=1, le=300)
    cod_amount: int = Field(default=0, ge=0)


class CarrierQuoteOut(Schema):
    carrier: str
    carrier_name: str
    service_code: str
    service_name: str
    service_type: str
    price: Decimal
    price_display: str
    duration: str
    cash_on_delivery: bool


ALL_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 502: ErrorOut}


@router.get(
    "/carrier-quotes",
    auth=api_auth,
    response={200: list[CarrierQuoteOut], **ALL_ERRORS},
    summary="Carriers' live prices",
)
def carrier_quotes(request: HttpRequest, params: Query[CarrierQuoteIn]):
    require(request.user, "logistics.quote_carriers")
    quotes = services.carrier_quotes(
        origin=_area(params.origin, "origin"),
        destination=_area(params.destination, "destination"),
        weight_grams=params.weight_grams,
        dimensions_cm=_dimensions(params),
        cod_amount=Money(Decimal(params.cod_amount), "IDR") if params.cod_amount else None,
    )
    return [
        {
            "carrier": q.carrier.public_id,
            "carrier_name": q.carrier.name,
            "service_code": q.service_code,
            "service_name": q.service_name,
            "service_type": q.service_type,
            "price": q.price.amount,
            "price_display": format_money(q.price),
            "duration": q.duration,
            "cash_on_delivery": q.cash_on_delivery,
        }
        for q in quotes
    ]


# --- tracking and parcels --------------------------------------------------------------------------
class StepOut(Schema):
    status: str
    label: str
    at: datetime


class PublicTrackingOut(Schema):
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
    steps: list[StepOut]


@router.get(
    "/track/{code}", auth=None, response={200: PublicTrackingOut, 404: ErrorOut}, summary="Track a parcel"
)
def track(request: HttpRequest, code: str):
    """Anyone with the code: status and regions only, never names, phones or addresses."""
    tracking = selectors.parcel_public_tracking(code)
    if tracking is None:
        raise NotFound(_("No parcel has the code %(code)s.") % {"code": code[:20]})
    return tracking


class ParcelEventOut(Schema):
    from_status: str
    to_status: str
    source: str
    reason: str
    at: datetime


class ParcelOut(Schema):
    public_id: str
    code: str
    reference: str
    status: str
    status_label: str
    delivery_method: str
    service_level: str
    origin_centre: str
    destination_centre: str | None
    sender_name: str
    sender_village: str
    recipient_name: str
    recipient_phone: str
    recipient_village: str
    recipient_address: str
    declared_weight_g: int
    measured_weight_g: int | None
    batch: str | None
    waybill: str
    events: list[ParcelEventOut]


def parcel_out(parcel: Parcel) -> dict:
    shipment = selectors.shipment_current(parcel)
    return {
        "public_id": parcel.public_id,
        "code": parcel.code,
        "reference": parcel.reference,
        "status": parcel.status,
        "status_label": parcel.get_status_display(),
        "delivery_method": parcel.delivery_method,
        "service_level": parcel.service_level,
        "origin_centre": parcel.origin_centre.public_id,
        "destination_centre": parcel.destination_centre.public_id if parcel.destination_centre_id else None,
        "sender_name": parcel.sender_name,
        "sender_village": parcel.sender_village.code,
        "recipient_name": parcel.recipient_name,
        "recipient_phone": parcel.recipient_phone,
        "recipient_village": parcel.recipient_village.code,
        "recipient_address": parcel.recipient_address,
        "declared_weight_g": parcel.declared_weight_g,
        "measured_weight_g": parcel.measured_weight_g,
        "batch": parcel.batch.public_id if parcel.batch_id else None,
        "waybill": shipment.waybill_id if shipment else "",
        "events": list(selectors.parcel_events(parcel)),
    }


def _parcel_visible(request, public_id: str) -> Parcel:
    parcel = selectors.parcel_by_public_id(public_id)
    if parcel is None or not can(request.user, "logistics.view_parcel", parcel):
        raise NotFound(_("No such parcel."))
    return parcel


@router.get(
    "/parcels/{public_id}", auth=api_auth, response={200: ParcelOut, **ALL_ERRORS}, summary="A parcel"
)
def parcel_get(request: HttpRequest, public_id: str):
    return parcel_out(_parcel_visible(request, public_id))


class ReadyParcelOut(Schema):
    public_id: str
    code: str
    recipient_village: str
    recipient_village_path: str
    weight_g: int
    accepted_at: datetime


@router.get(
    "/centres/{org_public_id}/parcels/ready",
    auth=api_auth,
    response={200: list[ReadyParcelOut], **ALL_ERRORS},
    summary="Parcels waiting for a batch",
)
def parcels_ready(request: HttpRequest, org_public_id: str):
    centre = organisation_by_public_id(org_public_id)
    if centre is None:
        raise NotFound()
    require(request.user, "logistics.manage_batches", centre)
    return [
        {
            "public_id": p.public_id,
            "code": p.code,
            "recipient_village": p.recipient_village.code,
            "recipient_village_path": p.recipient_village.path,
            "weight_g": p.weight_g,
            "accepted_at": p.status_changed_at,
        }
        for p in selectors.parcels_ready_to_batch(centre=centre)
    ]


# --- batches ---------------------------------------------------------------------------------------
class ParcelBatchIn(Schema):
    centre: str = Field(max_length=16, description="The centre organisation's public id")
    carrier: str = Field(max_length=16, description="The carrier's public id")
    destination: str = Field(default="", max_length=16, description="Hub area code (optional)")
    parcels: list[str] = Field(default_factory=list, max_length=500, description="Parcel public ids")


class ParcelBatchOut(Schema):
    public_id: str
    code: str
    status: str
    origin_centre: str
    carrier: str
    destination: str | None
    parcels: list[str]
    handed_over_at: datetime | None


class HandoverOut(Schema):
    batch: ParcelBatchOut
    already_done: bool
    message: str


def batch_out(batch: Batch) -> dict:
    return {
        "public_id": batch.public_id,
        "code": batch.code,
        "status": batch.status,
        "origin_centre": batch.origin_centre.public_id,
        "carrier": batch.carrier.public_id,
        "destination": batch.destination_area.code if batch.destination_area_id else None,
        "parcels": [p.code for p in batch.parcels.order_by("pk")],
        "handed_over_at": batch.handed_over_at,
    }


def _batch_visible(request, public_id: str) -> Batch:
    batch = selectors.batch_by_public_id(public_id)
    if batch is None or not can(request.user, "logistics.view_batch", batch):
        raise NotFound(_("No such batch."))
    return batch


@router.post("/batches", auth=api_auth, response={201: ParcelBatchOut, **ALL_ERRORS}, summary="Make a batch")
def batch_create(request: HttpRequest, body: ParcelBatchIn):
    centre = organisation_by_public_id(body.centre)
    if centre is None:
        raise ValidationFailed(_("No such centre."), details={"field": "centre"})
    require(request.user, "logistics.manage_batches", centre)
    carrier = Carrier.objects.filter(public_id=body.carrier, is_active=True).first()
    if carrier is None:
        raise ValidationFailed(_("No such carrier."), details={"field": "carrier"})
    destination = _area(body.destination, "destination") if body.destination else None
    parcels = list(Parcel.objects.filter(public_id__in=body.parcels))
    if len(parcels) != len(set(body.parcels)):
        raise ValidationFailed(_("Some parcels do not exist."), details={"field": "parcels"})
    with transaction.atomic():
        batch = services.batch_create(
            origin_centre=centre, carrier=carrier, destination_area=destination, actor=request.user
        )
        if parcels:
            services.batch_add_parcels(batch=batch, parcels=parcels, actor=request.user)
    return Status(201, batch_out(batch))


@router.get(
    "/batches/{public_id}", auth=api_auth, response={200: ParcelBatchOut, **ALL_ERRORS}, summary="A batch"
)
def batch_get(request: HttpRequest, public_id: str):
    return batch_out(_batch_visible(request, public_id))


@router.post(
    "/batches/{public_id}/close",
    auth=api_auth,
    response={200: ParcelBatchOut, **ALL_ERRORS},
    summary="Close a batch",
)
def batch_close(request: HttpRequest, public_id: str):
    batch = _batch_visible(request, public_id)
    with transaction.atomic():
        batch = services.batch_close(batch=batch, actor=request.user)
    return batch_out(batch)


@router.post(
    "/batches/{public_id}/handover",
    auth=api_auth,
    response={200: HandoverOut, **ALL_ERRORS},
    summary="Courier takes a batch",
)
def batch_handover(request: HttpRequest, public_id: str):
    batch = _batch_visible(request, public_id)
    with transaction.atomic():
        result = services.batch_hand_over(batch=batch, courier=request.user)
    return {"batch": batch_out(result.batch), "already_done": result.already_done, "message": result.message}
