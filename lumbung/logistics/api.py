"""The logistics API (/api/logistics): public shipping quotes.

``GET /quote?origin=<area code>&destination=<area code>&weight_grams=<int>&method=door|pickup``
answers the price in rupiah with how it was reached (zone, chargeable kilograms, surcharge or
discount). Anyone may ask: a buyer sees shipping before logging in.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from lumbung.accounts.schemas import ErrorOut
from lumbung.core.errors import ValidationFailed
from lumbung.core.money import format_money
from lumbung.regions.selectors import area_find

from .models import ShippingMethod
from .selectors import QuoteDetail, shipping_quote_detail

router = Router(tags=["logistics"])

ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class QuoteIn(Schema):
    origin: str = Field(max_length=16, description="Area code where the parcel starts (a village)")
    destination: str = Field(max_length=16, description="Area code where it goes (a village)")
    weight_grams: int = Field(description="Parcel weight in grams; rounded up to whole kilograms")
    method: ShippingMethod = Field(description="door: to the buyer's door; pickup: at a service centre")


class QuoteArea(Schema):
    code: str
    name: str
    path: str


class QuoteOut(Schema):
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


@router.get("/quote", auth=None, response={200: QuoteOut, **ERRORS}, summary="Shipping quote")
def quote(request: HttpRequest, params: Query[QuoteIn]):
    """What a parcel costs by zone and weight. China ↔ Indonesia is refused (the export desk handles it)."""
    origin = _area(params.origin, "origin")
    destination = _area(params.destination, "destination")
    detail = shipping_quote_detail(
        origin=origin, destination=destination, weight_grams=params.weight_grams, method=params.method
    )
    return quote_out(detail, origin=origin, destination=destination, weight_grams=params.weight_grams)
