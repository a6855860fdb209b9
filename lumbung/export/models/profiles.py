"""Exporters (a BUMDes or producer group), the HS code table, and the facilitator's verification."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_public_id

WEIGHT = {"max_digits": 14, "decimal_places": 3}


class HsCode(models.Model):
    """A curated Harmonized System subheading (6 digits, written 0000.00) with names in id/en/zh."""

    code = models.CharField(_("HS code"), max_length=7, unique=True)
    chapter = models.CharField(max_length=2, db_index=True)
    description_id = models.CharField(_("description (Indonesian)"), max_length=255)
    description_en = models.CharField(_("description (English)"), max_length=255)
    description_zh = models.CharField(_("description (Chinese)"), max_length=255)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("HS code")
        verbose_name_plural = _("HS codes")

    def __str__(self) -> str:
        return f"{self.code} {self.description_en}"

    def description(self, language: str | None = None) -> str:
        lang = (language or get_language() or "id").lower()
        if lang.startswith("zh"):
            return self.description_zh
        if lang.startswith("en"):
            return self.description_en
        return self.description_id


class ExporterStatus(models.TextChoices):
    REGISTERED = "registered", _("registered, waiting for verification")
    VERIFIED = "verified", _("verified by a facilitator")
    NOT_READY = "not_ready", _("not ready yet")


class Exporter(models.Model):
    """An organisation that sells abroad: its legal numbers, capacity, languages and readiness."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="exporter"
    )
    nib = models.CharField(_("NIB (business identification number)"), max_length=13)
    npwp = models.CharField(_("NPWP (tax number)"), max_length=16, help_text=_("16 digits"))
    monthly_capacity_kg = models.DecimalField(_("monthly capacity (kg)"), **WEIGHT)
    languages = models.JSONField(_("languages spoken"), default=list)
    status = models.CharField(
        max_length=12, choices=ExporterStatus.choices, default=ExporterStatus.REGISTERED, db_index=True
    )
    readiness_score = models.PositiveSmallIntegerField(null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("exporter")
        verbose_name_plural = _("exporters")

    def __str__(self) -> str:
        return str(self.organisation)


class ExporterProduct(models.Model):
    exporter = models.ForeignKey(Exporter, on_delete=models.CASCADE, related_name="products")
    hs_code = models.ForeignKey(HsCode, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("product"), max_length=120)
    monthly_capacity_kg = models.DecimalField(_("monthly capacity (kg)"), **WEIGHT)

    class Meta:
        ordering = ["hs_code__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["exporter", "hs_code", "name"], name="export_product_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hs_code.code})"


class Verification(models.Model):
    """One facilitator review: documents checked, a visit, and the readiness score from the rubric."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    exporter = models.ForeignKey(Exporter, on_delete=models.CASCADE, related_name="verifications")
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    documents_checked = models.JSONField(default=list)
    visited_on = models.DateField(_("visit date"), null=True, blank=True)
    visit_notes = models.TextField(_("visit notes"), blank=True)
    facility_ok = models.BooleanField(_("drying, storage and packing place fit for export"), default=False)
    breakdown = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="export_score_max_100")
        ]

    def __str__(self) -> str:
        return f"{self.exporter} {self.score}/100"
