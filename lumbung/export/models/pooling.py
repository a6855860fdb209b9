"""Pooling many producers' supply: pools, pledges, weighed deliveries (sub-lots), export lots, payouts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_code, new_public_id
from lumbung.core.money import DECIMAL_PLACES, MAX_DIGITS

from .profiles import WEIGHT, Exporter
from .trade import Contract

GRADE_CHOICES = [
    ("A", _("grade A")),
    ("B", _("grade B")),
    ("C", _("grade C")),
    ("EXPORT_PREMIUM", _("export grade: premium")),
    ("EXPORT_STANDARD", _("export grade: standard")),
]


class PoolStatus(models.TextChoices):
    OPEN = "open", _("open for pledges and deliveries")
    CLOSED = "closed", _("closed")


class Pool(models.Model):
    """The supply a BUMDes gathers from its members for one contract."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="pool")
    exporter = models.ForeignKey(Exporter, on_delete=models.PROTECT, related_name="pools")
    needed_kg = models.DecimalField(_("quantity needed (kg)"), **WEIGHT)
    # What the BUMDes pays producers per kg of each accepted grade, in rupiah: {"A": "42000"}.
    grade_prices = models.JSONField(default=dict)
    status = models.CharField(
        max_length=8, choices=PoolStatus.choices, default=PoolStatus.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Pool for {self.contract}"


class Pledge(models.Model):
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="pledges")
    producer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quantity_kg = models.DecimalField(**WEIGHT)
    asked_kg = models.DecimalField(**WEIGHT)  # what the producer offered; more than quantity when capped
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "producer"], name="export_one_pledge_per_producer"),
            models.CheckConstraint(condition=models.Q(quantity_kg__gt=0), name="export_pledge_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.producer} {self.quantity_kg} kg"


class DeliveryStatus(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected (grade not in the contract)")


class Delivery(models.Model):
    """A weighed delivery from one producer: a traceable sub-lot."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="deliveries")
    producer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Area", on_delete=models.PROTECT, related_name="+")
    harvested_on = models.DateField(_("harvest date"))
    packed_on = models.DateField(_("pack date"), null=True, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), **WEIGHT)
    grade = models.CharField(_("grade"), max_length=16, choices=GRADE_CHOICES)
    quality_check = models.ForeignKey(
        "quality.Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, db_index=True)
    note = models.CharField(max_length=255, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight_kg__gt=0), name="export_delivery_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.weight_kg} kg {self.grade}"


class LotStatus(models.TextChoices):
    ASSEMBLED = "assembled", _("assembled, waiting for inspection")
    PASSED = "passed", _("passed pre-shipment inspection")
    FAILED = "failed", _("failed pre-shipment inspection")
    SHIPPED = "shipped", _("shipped")


class ExportLot(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code)
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="lots")
    grade = models.CharField(max_length=16, choices=GRADE_CHOICES)
    net_kg = models.DecimalField(**WEIGHT)
    gross_kg = models.DecimalField(**WEIGHT)
    packages = models.PositiveIntegerField()
    marks = models.CharField(_("shipping marks"), max_length=255)
    status = models.CharField(max_length=10, choices=LotStatus.choices, default=LotStatus.ASSEMBLED)
    # The pre-shipment inspection, recorded in quality with subject_type="export.lot".
    inspection = models.ForeignKey(
        "quality.Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Lot {self.code}"


class LotComponent(models.Model):
    """One sub-lot in an export lot; a delivery goes into one lot only."""

    lot = models.ForeignKey(ExportLot, on_delete=models.CASCADE, related_name="components")
    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="component")

    def __str__(self) -> str:
        return f"{self.lot_id}:{self.delivery_id}"


class RetailPack(models.Model):
    """A retail pack cut from an export lot, with its own QR code to the same provenance."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    lot = models.ForeignKey(ExportLot, on_delete=models.CASCADE, related_name="packs")
    net_grams = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Pack {self.public_id}"


class ProvenanceConsent(models.Model):
    """Whether a producer agreed to show their first name on public provenance pages."""

    producer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    show_first_name = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.producer_id} {self.show_first_name}"


class PayoutRun(models.Model):
    """The one pro-rata distribution of a pool's producer money (OneToOne: computed once)."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    pool = models.OneToOneField(Pool, on_delete=models.PROTECT, related_name="payout_run")
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = models.CharField(max_length=3, default="IDR")
    rounding_rule = models.CharField(max_length=255)
    ledger_entry = models.CharField(max_length=16, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Payout {self.public_id}"


class ProducerPayout(models.Model):
    run = models.ForeignKey(PayoutRun, on_delete=models.CASCADE, related_name="lines")
    producer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_kg = models.DecimalField(**WEIGHT)
    value_basis = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=4)
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    account_code = models.CharField(max_length=64)

    class Meta:
        ordering = ["producer_id"]
        constraints = [models.UniqueConstraint(fields=["run", "producer"], name="export_payout_once")]

    def __str__(self) -> str:
        return f"{self.producer_id} {self.amount}"
