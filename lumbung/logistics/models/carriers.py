"""Carriers, the batches a centre hands them, the carrier's shipments and its tracking events.

- ``Carrier``: a courier company we work with. It *is* an organisation of kind ``carrier``; its
  couriers hold ``Role.COURIER`` there. ``adapter`` says how we talk to it (``biteship``, or
  ``manual`` for a local courier with no API).
- ``Batch``: the manifest of parcels one centre hands one carrier for one destination hub,
  ``open → closed → handed_over`` (the courier confirms by scanning or logging in).
- ``Shipment``: the carrier's order for one parcel (Biteship order id, waybill).
- ``TrackingEvent``: what the carrier reported, stored once per carrier event id. Out-of-order and
  repeated events are kept but never move a parcel backwards (``services.tracking``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_public_id

from ..status import BatchStatus, ParcelStatus
from .parcels import CODE_ALPHABET


class Carrier(models.Model):
    class Adapter(models.TextChoices):
        BITESHIP = "biteship", _("Biteship (courier aggregator API)")
        MANUAL = "manual", _("Manual (scans by the courier, no API)")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="carrier",
        limit_choices_to={"kind": "carrier"},
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=80)
    adapter = models.CharField(_("adapter"), max_length=12, choices=Adapter.choices, default=Adapter.MANUAL)
    # Biteship's courier_company ("jne", "sicepat"...) and default courier_type ("reg").
    courier_code = models.CharField(_("courier code"), max_length=32, blank=True)
    courier_type = models.CharField(_("default service code"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return self.name


def new_batch_code() -> str:
    return "BT-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Batch(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    code = models.CharField(_("batch code"), max_length=12, unique=True, default=new_batch_code)
    origin_centre = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="batches",
        limit_choices_to={"kind": "service_centre"},
        verbose_name=_("origin centre"),
    )
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="batches")
    # The hub the batch goes to: a regency (or province) area; null = mixed destinations.
    destination_area = models.ForeignKey(
        "regions.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("destination hub"),
    )
    status = models.CharField(max_length=12, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("courier"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=BatchStatus.values), name="logistics_batch_status_known"
            )
        ]

    def __str__(self) -> str:
        return self.code


class Shipment(models.Model):
    """The carrier's order for one parcel. Booked outside any row lock, after the batch is closed."""

    class State(models.TextChoices):
        PENDING = "pending", _("Not booked yet")
        BOOKED = "booked", _("Booked with the carrier")
        FAILED = "failed", _("Booking refused")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    parcel = models.ForeignKey("logistics.Parcel", on_delete=models.PROTECT, related_name="shipments")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="shipments")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    # Biteship: order id (``id``), ``courier.tracking_id``, ``courier.waybill_id``.
    carrier_order_id = models.CharField(max_length=64, blank=True)
    tracking_id = models.CharField(max_length=64, blank=True)
    waybill_id = models.CharField(_("waybill"), max_length=64, blank=True)
    courier_type = models.CharField(max_length=32, blank=True)
    carrier_status = models.CharField(max_length=32, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=0, null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    # The newest carrier event applied to the parcel: older ones are kept but change nothing.
    last_applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "carrier_order_id"],
                condition=~models.Q(carrier_order_id=""),
                name="logistics_shipment_carrier_order_unique",
            ),
            # One live booking per parcel and carrier: a retry reuses the row, never books twice.
            models.UniqueConstraint(fields=["parcel", "carrier"], name="logistics_shipment_one_per_carrier"),
        ]

    def __str__(self) -> str:
        return self.waybill_id or self.carrier_order_id or self.public_id


class TrackingSource(models.TextChoices):
    WEBHOOK = "webhook", _("Carrier webhook")
    POLL = "poll", _("Carrier tracking API")
    SCAN = "scan", _("Courier scan")


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="tracking_events")
    # The carrier's own id for the event; Biteship sends none, so we derive one (see services.tracking).
    carrier_event_id = models.CharField(max_length=128)
    carrier_status = models.CharField(max_length=32)
    note = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=8, choices=TrackingSource.choices)
    # What it did to the parcel: the status it moved it to, or blank when it changed nothing.
    applied_status = models.CharField(max_length=24, blank=True, choices=ParcelStatus.choices)
    ignored_reason = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "carrier_event_id"], name="logistics_tracking_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier_status} @ {self.occurred_at:%Y-%m-%d %H:%M}"
