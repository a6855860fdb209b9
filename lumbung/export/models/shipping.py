"""After the contract: payments into escrow, milestones, the document pack, and claims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lumbung.core.ids import new_public_id
from lumbung.core.money import CURRENCY_CHOICES, DECIMAL_PLACES, MAX_DIGITS
from lumbung.quality.models import private_storage

from .trade import Contract


class PaymentKind(models.TextChoices):
    DEPOSIT = "deposit", _("deposit")
    BALANCE = "balance", pgettext_lazy("export payment", "balance")


class ContractPayment(models.Model):
    """Money the buyer sent for a contract, booked into the contract's escrow in its currency."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=PaymentKind.choices)
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    bank_reference = models.CharField(max_length=64)
    ledger_entry = models.CharField(max_length=16)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "kind"], name="export_payment_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency}"


class MilestoneKind(models.TextChoices):
    DEPOSIT_PAID = "deposit_paid", _("deposit paid")
    POOLING_COMPLETE = "pooling_complete", _("pooling complete")
    INSPECTION_PASSED = "inspection_passed", _("inspection passed")
    DOCUMENTS_READY = "documents_ready", _("documents ready")
    SHIPPED = "shipped", _("shipped")
    ARRIVED = "arrived", _("arrived")
    BALANCE_RELEASED = "balance_released", _("balance released")


class Milestone(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=20, choices=MilestoneKind.choices)
    reference = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["contract", "kind"], name="export_milestone_once")]

    def __str__(self) -> str:
        return self.kind


class DocumentKind(models.TextChoices):
    PROFORMA_INVOICE = "proforma_invoice", _("proforma invoice")
    COMMERCIAL_INVOICE = "commercial_invoice", _("commercial invoice")
    PACKING_LIST = "packing_list", _("packing list")
    COO_FORM_E = "coo_form_e", _("certificate of origin Form E (ASEAN–China)")
    COO_FORM_AHK = "coo_form_ahk", _("certificate of origin Form AHK (ASEAN–Hong Kong, China)")
    COO_FORM_D = "coo_form_d", _("certificate of origin Form D (within ASEAN)")
    COO_GENERAL = "coo_general", _("certificate of origin (general, non-preferential)")
    HEALTH_CERTIFICATE = "health_certificate", _("health certificate KI-1 for fish products")
    PHYTOSANITARY = "phytosanitary", _("phytosanitary certificate")
    INSURANCE = "insurance", _("insurance certificate")
    PEB = "peb", _("PEB export declaration (with its NPE)")
    TRANSPORT = "transport", _("bill of lading or air waybill")


class DocumentRequirement(models.Model):
    """A document the contract needs, with the plain-language reason it applies."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    reason = models.CharField(max_length=500)
    generated = models.BooleanField(default=False)  # Lumbung writes it (invoice, packing list...)
    needed_to_ship = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["contract", "kind"], name="export_requirement_once")]

    def __str__(self) -> str:
        return self.kind


def document_path(instance: Document, filename: str) -> str:
    return f"export/{instance.contract.public_id}/{instance.public_id}"


class Document(models.Model):
    """An uploaded (or generated) document in its slot, with the number printed on it."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("document number"), max_length=64)
    issued_on = models.DateField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)  # e.g. {"npe": "..."} for the PEB
    file = models.FileField(upload_to=document_path, storage=private_storage, max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "kind"], name="export_document_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("waiting for the supplier's answer")
    ANSWERED = "answered", _("answered by the supplier")
    ESCALATED = "escalated", _("escalated to the facilitator")
    RESOLVED = "resolved", _("resolved")


class Claim(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="claims")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    answer_due = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Claim {self.public_id}"
