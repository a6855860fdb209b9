"""The rate engine: the card's zone price for the *chargeable* weight, adjusted for service level,
cash on delivery and courier collection; and live carrier quotes through the adapter.

- Chargeable weight = the larger of the actual weight and the volumetric weight
  (length × width × height in cm / the card's divisor, 6,000 by default), in grams.
- Service level: express adds ``express_surcharge_percent`` of the zone price, economy takes off
  ``economy_discount_percent`` (whole rupiah, rounded half up).
- Cash on delivery: ``cod_fee_percent`` of the amount collected, at least ``cod_fee_minimum``.
- Collection at the sender's door (instead of a drop-off at a centre): ``collection_surcharge``.

``shipping_quote`` (orders' contract) is unchanged and never applies these extras.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import ValidationFailed
from lumbung.core.money import Money
from lumbung.regions.models import Area

from .. import biteship
from ..models import Carrier, ServiceLevel
from .rates import QuoteDetail, _check_areas, rate_card_current, shipping_quote_detail

GRAMS_PER_KG = 1000


@dataclass(frozen=True)
class ParcelQuote:
    detail: QuoteDetail  # the zone price for the chargeable weight, with the door/pickup adjustment
    actual_g: int
    volumetric_g: int
    chargeable_g: int
    service_level: str
    service_adjustment: Money
    cod_fee: Money
    collection_fee: Money
    total: Money


@dataclass(frozen=True)
class CarrierQuote:
    carrier: Carrier
    service_code: str
    service_name: str
    service_type: str
    price: Money
    duration: str
    cash_on_delivery: bool


def volumetric_weight_g(dimensions_cm: tuple[int, int, int] | None, *, divisor: int = 6000) -> int:
    """L × W × H (cm) / divisor, in grams rounded up; 0 without dimensions."""
    if not dimensions_cm:
        return 0
    length, width, height = dimensions_cm
    if min(length, width, height) <= 0:
        raise ValidationFailed(_("Each side must be above zero."), details={"field": "dimensions_cm"})
    volume = length * width * height * GRAMS_PER_KG
    return -(-volume // divisor)


def chargeable_weight_g(weight_grams: int, dimensions_cm=None, *, divisor: int = 6000) -> int:
    return max(weight_grams, volumetric_weight_g(dimensions_cm, divisor=divisor))


def _percent(amount: Money, percent) -> Money:
    value = (amount.amount * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Money(value, amount.currency)


def parcel_quote(
    *,
    origin: Area,
    destination: Area,
    weight_grams: int,
    method: str,
    service_level: str = ServiceLevel.REGULAR,
    dimensions_cm: tuple[int, int, int] | None = None,
    cod_amount: Money | None = None,
    collection: bool = False,
) -> ParcelQuote:
    """The full price of one parcel from the card in force, with every step shown."""
    if service_level not in ServiceLevel.values:
        raise ValidationFailed(_("Choose economy, regular or express."), details={"field": "service_level"})
    card = rate_card_current()
    if isinstance(weight_grams, bool) or not isinstance(weight_grams, int):
        raise ValidationFailed(
            _("The weight must be a whole number of grams."), details={"field": "weight_grams"}
        )
    volumetric = volumetric_weight_g(dimensions_cm, divisor=card.volumetric_divisor)
    chargeable = max(weight_grams, volumetric) if weight_grams > 0 else weight_grams
    detail = shipping_quote_detail(
        origin=origin, destination=destination, weight_grams=chargeable, method=method
    )
    currency = detail.total.currency
    zero = Money(Decimal(0), currency)
    if service_level == ServiceLevel.EXPRESS:
        service_adjustment = _percent(detail.base, card.express_surcharge_percent)
    elif service_level == ServiceLevel.ECONOMY:
        service_adjustment = -_percent(detail.base, card.economy_discount_percent)
    else:
        service_adjustment = zero
    cod_fee = zero
    if cod_amount is not None and cod_amount.amount > 0:
        if cod_amount.currency != currency:
            raise ValidationFailed(
                _("Cash on delivery is collected in rupiah."), details={"field": "cod_amount"}
            )
        cod_fee = max(_percent(cod_amount, card.cod_fee_percent), Money(card.cod_fee_minimum, currency))
    collection_fee = Money(card.collection_surcharge, currency) if collection else zero
    return ParcelQuote(
        detail=detail,
        actual_g=weight_grams,
        volumetric_g=volumetric,
        chargeable_g=chargeable,
        service_level=service_level,
        service_adjustment=service_adjustment,
        cod_fee=cod_fee,
        collection_fee=collection_fee,
        total=detail.total + service_adjustment + cod_fee + collection_fee,
    )


def _postcode(area: Area, field: str) -> str:
    for code in (area.postal_codes or "").replace(";", ",").split(","):
        if code.strip().isdigit():
            return code.strip()
    raise ValidationFailed(
        _("%(area)s has no postcode, so carriers cannot quote it.") % {"area": area.name},
        details={"field": field, "code": area.code},
    )


def carrier_quotes(
    *,
    origin: Area,
    destination: Area,
    weight_grams: int,
    dimensions_cm: tuple[int, int, int] | None = None,
    cod_amount: Money | None = None,
    value: Money | None = None,
) -> list[CarrierQuote]:
    """Live prices from every active Biteship carrier (POST /v1/rates/couriers), cheapest first.

    Raises ``biteship.CarrierUnavailable`` when the aggregator does not answer: callers fall back
    to ``parcel_quote``.
    """
    _check_areas(origin, destination)
    if isinstance(weight_grams, bool) or not isinstance(weight_grams, int) or weight_grams <= 0:
        raise ValidationFailed(_("The weight must be more than zero."), details={"field": "weight_grams"})
    carriers = {
        c.courier_code: c for c in Carrier.objects.filter(is_active=True, adapter=Carrier.Adapter.BITESHIP)
    }
    if not carriers:
        return []
    length, width, height = dimensions_cm or (1, 1, 1)
    item = {
        "name": "Paket",
        "value": int(value.amount) if value else 0,
        "quantity": 1,
        "weight": weight_grams,
        "length": length,
        "width": width,
        "height": height,
    }
    rates = biteship.rates(
        origin_postal_code=_postcode(origin, "origin"),
        destination_postal_code=_postcode(destination, "destination"),
        couriers=",".join(sorted(carriers)),
        items=[item],
        destination_cash_on_delivery=int(cod_amount.amount) if cod_amount else None,
    )
    quotes = [
        CarrierQuote(
            carrier=carriers[rate.company],
            service_code=rate.service_code,
            service_name=rate.service_name,
            service_type=rate.service_type,
            price=Money(rate.price, "IDR"),
            duration=rate.duration,
            cash_on_delivery=rate.cash_on_delivery,
        )
        for rate in rates
        if rate.company in carriers and (not cod_amount or rate.cash_on_delivery)
    ]
    return sorted(quotes, key=lambda q: (q.price.amount, q.carrier.name, q.service_code))
