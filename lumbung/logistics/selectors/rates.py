"""Reads for logistics: the rate card in force and shipping quotes.

``shipping_quote`` is the contract other apps call (orders at checkout); ``shipping_quote_detail``
gives the same number with how it was reached, for the API and the rates page.

Rules: the weight is rounded up to the next whole kilogram (minimum 1 kg); a parcel between China
and Indonesia (or within China) is refused (the export desk handles it); a weight of zero or less,
or above the card's heaviest parcel, is refused. Money is Decimal rupiah throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import Conflict, ValidationFailed
from lumbung.core.money import Money
from lumbung.regions.models import Area, Country

from ..models import ABSOLUTE_MAX_WEIGHT_KG, RateCard, ShippingMethod
from ..zones import Zone, zone_between

GRAMS_PER_KG = 1000


class CrossBorderNotQuoted(ValidationFailed):
    code = "cross_border_not_quoted"
    default_message = _(
        "Shipping between China and Indonesia is not quoted here. The export desk arranges it."
    )


class WeightOutOfRange(ValidationFailed):
    code = "weight_out_of_range"
    default_message = _("The weight must be more than zero.")


class NoRateCard(Conflict):
    code = "no_rate_card"
    default_message = _("No shipping rates are in force yet. Please try again later.")


@dataclass(frozen=True)
class QuoteDetail:
    zone: Zone
    chargeable_kg: int
    first_kg: Money
    further_kg: Money  # the price of each kilogram after the first
    base: Money  # first kg + further kilograms
    adjustment: Money  # + door surcharge, or − pickup discount
    total: Money
    method: str
    rate_card: RateCard


def rate_card_current(*, at: datetime | None = None) -> RateCard:
    """The card in force at ``at`` (default now): the newest whose ``valid_from`` has passed."""
    card = (
        RateCard.objects.filter(valid_from__lte=at or timezone.now()).order_by("-valid_from", "-id").first()
    )
    if card is None:
        raise NoRateCard()
    return card


def chargeable_kg(weight_grams: int) -> int:
    """Whole kilograms charged for a weight: rounded up, at least 1. Refuses 0, negatives and non-ints."""
    if isinstance(weight_grams, bool) or not isinstance(weight_grams, int):
        raise WeightOutOfRange(
            _("The weight must be a whole number of grams."), details={"field": "weight_grams"}
        )
    if weight_grams <= 0:
        raise WeightOutOfRange(details={"field": "weight_grams", "weight_grams": weight_grams})
    return max(1, -(-weight_grams // GRAMS_PER_KG))


def _check_areas(origin: Area, destination: Area) -> None:
    if Country.CHINA in (origin.country, destination.country):
        raise CrossBorderNotQuoted(details={"origin": origin.code, "destination": destination.code})
    for field, area in (("origin", origin), ("destination", destination)):
        if not area.regency_code:
            raise ValidationFailed(
                _("Choose a regency, district or village for the %(which)s, not a whole province.")
                % {"which": _("origin") if field == "origin" else _("destination")},
                details={"field": field, "code": area.code},
            )


def shipping_quote_detail(
    *, origin: Area, destination: Area, weight_grams: int, method: str, at: datetime | None = None
) -> QuoteDetail:
    if method not in ShippingMethod.values:
        raise ValidationFailed(
            _("Choose delivery to the door or pickup at the service centre."),
            details={"field": "method", "allowed": list(ShippingMethod.values)},
        )
    _check_areas(origin, destination)
    kg = chargeable_kg(weight_grams)
    card = rate_card_current(at=at)
    limit = min(card.max_weight_kg, ABSOLUTE_MAX_WEIGHT_KG)
    if kg > limit:
        raise WeightOutOfRange(
            _("Parcels above %(max)s kg are not quoted here; send them as freight.") % {"max": limit},
            details={"field": "weight_grams", "max_kg": limit},
        )
    zone = zone_between(origin, destination)
    first, further = card.prices(zone)
    currency = card.currency
    first_money, further_money = Money(first, currency), Money(further, currency)
    base = first_money + further_money * (kg - 1)
    if method == ShippingMethod.DOOR:
        adjustment = Money(card.door_surcharge, currency)
    else:
        adjustment = -Money(card.pickup_discount, currency)
    return QuoteDetail(
        zone=zone,
        chargeable_kg=kg,
        first_kg=first_money,
        further_kg=further_money,
        base=base,
        adjustment=adjustment,
        total=base + adjustment,
        method=method,
        rate_card=card,
    )


def shipping_quote(*, origin: Area, destination: Area, weight_grams: int, method: str) -> Money:
    """What shipping ``weight_grams`` from ``origin`` to ``destination`` costs now, in IDR."""
    return shipping_quote_detail(
        origin=origin, destination=destination, weight_grams=weight_grams, method=method
    ).total
