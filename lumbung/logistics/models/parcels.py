"""Parcels: one box from a sender to a recipient, and every status change it went through.

A parcel knows nothing of orders: it carries a free-form ``reference`` ("order:<public_id>") that
higher apps use to find their own rows when ``logistics.parcel_status_changed`` arrives. Sender and
recipient are *snapshots* (name, phone, village, address as typed), so a label printed today reads
the same next year. Status changes only through ``services.parcel_set_status``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_public_id

from ..status import ParcelStatus
from .rates import ServiceLevel, ShippingMethod

# Crockford-style: no I, L, O, U, 0 or 1, so a code read aloud over a phone is not misheard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PREFIX = "LBG-"
CODE_LENGTH = 7


def new_parcel_code() -> str:
    """A short human code printed on the label and typed into the tracking page: LBG-7KQ2M4X."""
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Parcel(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    code = models.CharField(_("parcel code"), max_length=16, unique=True, default=new_parcel_code)
    reference = models.CharField(
        _("reference"), max_length=64, blank=True, db_index=True, help_text=_('e.g. "order:<public id>"')
    )
    # The service centre (its organisation) where the parcel entered the network; its agents own it.
    origin_centre = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="parcels_sent",
        limit_choices_to={"kind": "service_centre"},
        verbose_name=_("origin centre"),
    )
    # Set for pickup parcels: the centre where the recipient collects it.
    destination_centre = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parcels_received",
        limit_choices_to={"kind": "service_centre"},
        verbose_name=_("destination centre"),
    )
    delivery_method = models.CharField(
        _("delivery"), max_length=8, choices=ShippingMethod.choices, default=ShippingMethod.DOOR
    )
    service_level = models.CharField(
        _("service"), max_length=8, choices=ServiceLevel.choices, default=ServiceLevel.REGULAR
    )
    sender_name = models.CharField(_("sender"), max_length=120)
    sender_phone = models.CharField(_("sender's phone"), max_length=20, blank=True)
    sender_village = models.ForeignKey(
        "regions.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("sender's village")
    )
    sender_address = models.CharField(_("sender's address"), max_length=255, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=120)
    recipient_phone = models.CharField(_("recipient's phone"), max_length=20)
    recipient_village = models.ForeignKey(
        "regions.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient's village")
    )
    recipient_address = models.CharField(_("recipient's address"), max_length=255, blank=True)
    recipient_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    contents = models.CharField(_("contents"), max_length=120, blank=True)
    declared_value = models.DecimalField(
        _("declared value (rupiah)"), max_digits=14, decimal_places=0, default=0
    )
    cod_amount = models.DecimalField(
        _("cash to collect on delivery (rupiah)"), max_digits=14, decimal_places=0, default=0
    )
    declared_weight_g = models.PositiveIntegerField(_("declared weight (g)"))
    measured_weight_g = models.PositiveIntegerField(_("measured weight (g)"), null=True, blank=True)
    length_cm = models.PositiveSmallIntegerField(_("length (cm)"), null=True, blank=True)
    width_cm = models.PositiveSmallIntegerField(_("width (cm)"), null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=ParcelStatus.choices, default=ParcelStatus.CREATED
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    batch = models.ForeignKey(
        "logistics.Batch", null=True, blank=True, on_delete=models.SET_NULL, related_name="parcels"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        indexes = [models.Index(fields=["origin_centre", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(declared_weight_g__gt=0), name="logistics_parcel_weight"),
            models.CheckConstraint(
                condition=Q(declared_value__gte=0) & Q(cod_amount__gte=0), name="logistics_parcel_amounts"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ParcelStatus.values), name="logistics_parcel_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def weight_g(self) -> int:
        """What the scale said at intake, else what the sender declared."""
        return self.measured_weight_g or self.declared_weight_g

    @property
    def dimensions(self) -> tuple[int, int, int] | None:
        if self.length_cm and self.width_cm and self.height_cm:
            return (self.length_cm, self.width_cm, self.height_cm)
        return None


class ParcelEvent(models.Model):
    """One status change: who, when, from, to and why. Written only by ``parcel_set_status``."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, choices=ParcelStatus.choices)
    to_status = models.CharField(max_length=24, choices=ParcelStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # centre, courier, carrier (tracking), system...
    source = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("parcel event")
        verbose_name_plural = _("parcel events")

    def __str__(self) -> str:
        return f"{self.parcel_id}: {self.from_status} → {self.to_status}"
