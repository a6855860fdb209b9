"""The shipping rate card (rate engine inputs): what a parcel costs by zone and weight, editable by platform admins.

One card is in force at a time: the newest whose ``valid_from`` has passed. A new price list is a
new card with a later ``valid_from`` (the old one stays, so yesterday's quotes can be explained);
orders keep the amount they were quoted, never a link to the card.

Prices are whole rupiah. The card's pickup discount must stay below every zone's first-kg price, so
a quote is always a positive amount (checked by ``clean()`` and by database constraints).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_public_id

from ..zones import Zone

# The heaviest parcel the card quotes at all; anything heavier is freight (export desk, a truck).
ABSOLUTE_MAX_WEIGHT_KG = 1000


class ShippingMethod(models.TextChoices):
    DOOR = "door", _("Delivery to the door")
    PICKUP = "pickup", _("Pickup at the service centre")


class ServiceLevel(models.TextChoices):
    """How fast the carrier moves the parcel; the card prices express and economy against regular."""

    ECONOMY = "economy", _("Economy")
    REGULAR = "regular", _("Regular")
    EXPRESS = "express", _("Express")


def _rupiah(label, help_text=""):
    return models.DecimalField(label, max_digits=12, decimal_places=0, help_text=help_text)


# Field name of each zone's (first kg, each further kg) price, in zone order.
ZONE_FIELDS: dict[str, tuple[str, str]] = {
    Zone.SAME_REGENCY: ("same_regency_first_kg", "same_regency_next_kg"),
    Zone.SAME_PROVINCE: ("same_province_first_kg", "same_province_next_kg"),
    Zone.SAME_ISLAND_GROUP: ("same_island_first_kg", "same_island_next_kg"),
    Zone.ELSEWHERE: ("elsewhere_first_kg", "elsewhere_next_kg"),
}


class RateCard(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    name = models.CharField(_("name"), max_length=120)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now, db_index=True)
    # Domestic rates are in rupiah; cross-border parcels go through the export desk.
    currency = models.CharField(_("currency"), max_length=3, default="IDR", editable=False)
    same_regency_first_kg = _rupiah(_("same regency: first kg"))
    same_regency_next_kg = _rupiah(_("same regency: each further kg"))
    same_province_first_kg = _rupiah(_("same province: first kg"))
    same_province_next_kg = _rupiah(_("same province: each further kg"))
    same_island_first_kg = _rupiah(_("same island group: first kg"))
    same_island_next_kg = _rupiah(_("same island group: each further kg"))
    elsewhere_first_kg = _rupiah(_("elsewhere in Indonesia: first kg"))
    elsewhere_next_kg = _rupiah(_("elsewhere in Indonesia: each further kg"))
    pickup_discount = _rupiah(
        _("pickup discount"), _("Taken off when the buyer collects the parcel at a service centre.")
    )
    door_surcharge = _rupiah(_("door delivery surcharge"), _("Added for the last stretch to the door."))
    max_weight_kg = models.PositiveIntegerField(
        _("heaviest parcel (kg)"),
        default=50,
        help_text=_("Heavier parcels are not quoted; they go as freight."),
    )
    # The rate engine (``selectors.parcel_quote``): volumetric weight, service level, COD, collection.
    volumetric_divisor = models.PositiveIntegerField(
        _("volumetric divisor (cm³ per kg)"),
        default=6000,
        help_text=_("Volumetric weight in kg = length × width × height (cm) / this number."),
    )
    express_surcharge_percent = models.PositiveSmallIntegerField(
        _("express surcharge (%)"), default=50, help_text=_("Added to the zone price for express.")
    )
    economy_discount_percent = models.PositiveSmallIntegerField(
        _("economy discount (%)"), default=15, help_text=_("Taken off the zone price for economy.")
    )
    cod_fee_percent = models.DecimalField(
        _("cash on delivery fee (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3.00"),
        help_text=_("Of the amount the courier collects from the recipient."),
    )
    cod_fee_minimum = models.DecimalField(
        _("cash on delivery fee, at least"), max_digits=12, decimal_places=0, default=Decimal(2500)
    )
    collection_surcharge = models.DecimalField(
        _("collection surcharge"),
        max_digits=12,
        decimal_places=0,
        default=Decimal(5000),
        help_text=_("Added when the courier collects the parcel at the sender's door instead of a centre."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("shipping rate card")
        verbose_name_plural = _("shipping rate cards")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    same_regency_first_kg__gt=0,
                    same_regency_next_kg__gte=0,
                    same_province_first_kg__gt=0,
                    same_province_next_kg__gte=0,
                    same_island_first_kg__gt=0,
                    same_island_next_kg__gte=0,
                    elsewhere_first_kg__gt=0,
                    elsewhere_next_kg__gte=0,
                    door_surcharge__gte=0,
                    pickup_discount__gte=0,
                ),
                name="logistics_ratecard_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(pickup_discount__lt=F("same_regency_first_kg"))
                & Q(pickup_discount__lt=F("same_province_first_kg"))
                & Q(pickup_discount__lt=F("same_island_first_kg"))
                & Q(pickup_discount__lt=F("elsewhere_first_kg")),
                name="logistics_ratecard_discount_below_first_kg",
            ),
            models.CheckConstraint(
                condition=Q(max_weight_kg__gte=1) & Q(max_weight_kg__lte=ABSOLUTE_MAX_WEIGHT_KG),
                name="logistics_ratecard_max_weight_range",
            ),
            models.CheckConstraint(condition=Q(currency="IDR"), name="logistics_ratecard_idr"),
            models.CheckConstraint(
                condition=Q(volumetric_divisor__gte=1000)
                & Q(economy_discount_percent__lt=100)
                & Q(cod_fee_percent__gte=0)
                & Q(cod_fee_percent__lt=100)
                & Q(cod_fee_minimum__gte=0)
                & Q(collection_surcharge__gte=0),
                name="logistics_ratecard_engine_ranges",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def prices(self, zone: str) -> tuple[Decimal, Decimal]:
        """(first kg, each further kg) for a zone."""
        first, further = ZONE_FIELDS[zone]
        return getattr(self, first), getattr(self, further)

    def rows(self) -> list[tuple[str, Decimal, Decimal]]:
        """(zone label, first kg, each further kg) in zone order, for pages."""
        return [(str(Zone(zone).label), *self.prices(zone)) for zone in ZONE_FIELDS]

    def clean(self) -> None:
        errors = {}
        for first, further in ZONE_FIELDS.values():
            first_value, further_value = getattr(self, first), getattr(self, further)
            if first_value is not None and first_value <= 0:
                errors[first] = _("The first kilogram must cost something.")
            if further_value is not None and further_value < 0:
                errors[further] = _("A price cannot be negative.")
            if (
                self.pickup_discount is not None
                and first_value is not None
                and self.pickup_discount >= first_value
            ):
                errors.setdefault(
                    "pickup_discount",
                    _("The pickup discount must be smaller than every zone's first-kilogram price."),
                )
        if self.door_surcharge is not None and self.door_surcharge < 0:
            errors["door_surcharge"] = _("A price cannot be negative.")
        if self.pickup_discount is not None and self.pickup_discount < 0:
            errors["pickup_discount"] = _("A price cannot be negative.")
        if self.max_weight_kg is not None and not 1 <= self.max_weight_kg <= ABSOLUTE_MAX_WEIGHT_KG:
            errors["max_weight_kg"] = _("Between 1 and %(max)s kg.") % {"max": ABSOLUTE_MAX_WEIGHT_KG}
        if errors:
            raise ValidationError(errors)
