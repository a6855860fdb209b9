"""Standards, what each category requires, certificates, inspections: the data of the standards gate.

Rules these tables keep (``services.py`` is the one way to write them):
- A standard's code is stable (``PIRT``, ``BPOM_MD``...); catalog stores the codes a product carries.
- A category requires a list of *requirement groups*; a group is satisfied when ANY of its standards
  is held. Requirements are inherited by sub-categories.
- A certificate always names its shop; when ``product`` is set it covers that product only,
  otherwise every product of the shop. Only a ``verified`` certificate that has not expired counts.
- Certificate files live in private storage (never under a public URL) and are served only to the
  shop and to inspectors, after a permission check.
- An inspection is append-only evidence; the latest one for a product decides whether an
  inspector's approval still stands.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_public_id

CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_BYTES = 5 * 1024 * 1024


def private_root() -> Path:
    """Where private uploads live: outside MEDIA_ROOT, so nothing there has a public URL."""
    configured = getattr(settings, "LUMBUNG_PRIVATE_MEDIA_ROOT", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "private"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """File storage under ``private_root()``, read at each use so tests can point it elsewhere."""

    @property
    def base_location(self):  # type: ignore[override]
        return str(private_root())

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through a permission-checked view")


private_storage = PrivateStorage()


def _language_suffix(language: str | None = None) -> str:
    code = (language or get_language() or "id").lower()
    return "zh" if code.startswith("zh") else ("en" if code.startswith("en") else "id")


class Standard(models.Model):
    """A standard or licence a product can carry (PIRT, BPOM MD, halal...). Managed in the admin."""

    code = models.SlugField(
        _("code"), max_length=24, unique=True, help_text=_("Upper-case, stable: PIRT, BPOM_MD, HALAL...")
    )
    name_id = models.CharField(_("name (Indonesian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    issuer = models.CharField(_("issuing body"), max_length=160, blank=True)
    # Halal certificates under UU 6/2023 stay valid while the recipe and process are unchanged.
    expiry_required = models.BooleanField(_("certificates must have an expiry date"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        suffix = _language_suffix(language)
        return getattr(self, f"name_{suffix}") or self.name_id or self.code

    def description(self, language: str | None = None) -> str:
        suffix = _language_suffix(language)
        return getattr(self, f"description_{suffix}") or self.description_en or self.description_id


class RequirementGroup(models.Model):
    """One thing a category requires: ANY one of ``standards`` (e.g. PIRT or BPOM MD or BPOM ML)."""

    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.CASCADE,
        related_name="quality_requirements",
        verbose_name=_("category"),
    )
    standards = models.ManyToManyField(Standard, related_name="requirement_groups", verbose_name=_("any of"))
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Why the category needs this (shown to admins).")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category_id", "position", "id"]
        verbose_name = _("category requirement")
        verbose_name_plural = _("category requirements")

    def __str__(self) -> str:
        codes = " | ".join(s.code for s in self.standards.all()) if self.pk else ""
        return f"{self.category}: {codes}"


class CertificateStatus(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for verification")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


def certificate_path(instance: Certificate, filename: str) -> str:
    # The name the seller gave is not kept: it may say anything and end in anything.
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
        instance.content_type, "bin"
    )
    return f"certificates/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Certificate(models.Model):
    """A certificate a shop holds, for the whole shop or for one of its products."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    shop = models.ForeignKey(
        "catalog.Shop", on_delete=models.CASCADE, related_name="+", verbose_name=_("shop")
    )
    # Set: the certificate covers this product only. Empty: every product of the shop.
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("product"),
    )
    standard = models.ForeignKey(
        Standard, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("standard")
    )
    number = models.CharField(_("certificate number"), max_length=80)
    issuer = models.CharField(_("issued by"), max_length=160)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True, db_index=True)
    file = models.FileField(_("file"), upload_to=certificate_path, storage=private_storage, max_length=200)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("inspector"),
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    # Set by the daily expiry job once it has unpublished and notified, so it acts only once.
    expiry_handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["shop", "status"], name="quality_cert_shop_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="quality_cert_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="quality_cert_expires_after_issue",
            ),
        ]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.standard.code} {self.number}"

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today

    def counts(self, today=None) -> bool:
        """Does this certificate satisfy the gate today?"""
        return self.status == CertificateStatus.VERIFIED and not self.is_expired(today)


class InspectionOutcome(models.TextChoices):
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class Grade(models.TextChoices):
    A = "A", _("grade A")
    B = "B", _("grade B")
    C = "C", _("grade C")
    EXPORT_PREMIUM = "EXPORT_PREMIUM", _("export grade: premium")
    EXPORT_STANDARD = "EXPORT_STANDARD", _("export grade: standard")


class Inspection(models.Model):
    """An inspector's check of a product (or, later, of another subject such as an export lot)."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # For subjects in higher apps (an export lot...): their app label and public id, no FK upward.
    subject_type = models.CharField(max_length=40, blank=True, db_index=True)
    subject_id = models.CharField(max_length=40, blank=True, db_index=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # [{"item": "no mould", "passed": true, "note": ""}, ...]
    checklist = models.JSONField(default=list)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, blank=True)
    # {"moisture_pct": "11.5", "size_mm": "18", ...}: values as decimal strings, never floats.
    measurements = models.JSONField(default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=InspectionOutcome.choices)
    # An approval lets the product through the gate until this date (inclusive).
    valid_until = models.DateField(_("approval valid until"), null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["product", "-at"], name="quality_insp_product_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | ~Q(subject_type=""),
                name="quality_inspection_has_subject",
            ),
        ]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.public_id} {self.outcome}"

    def approval_stands(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.outcome == InspectionOutcome.APPROVED and (
            self.valid_until is None or self.valid_until >= today
        )


def inspection_photo_path(instance: InspectionPhoto, filename: str) -> str:
    return f"inspections/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class InspectionPhoto(models.Model):
    """A photo taken at an inspection, re-encoded to WebP from its pixels (no EXIF, no location)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=inspection_photo_path, storage=private_storage, max_length=200)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    size_bytes = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self) -> str:
        return f"{self.inspection_id} photo {self.pk}"


class PublicationRequest(models.Model):
    """A seller asked for a product to be published; the gate answered. Feeds the inspectors' queue."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    published = models.BooleanField(default=False)
    # The standard codes the gate found missing at that moment (for the inspector's queue).
    missing_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["product", "-requested_at"], name="quality_pubreq_product_at")]
        verbose_name = _("publication request")
        verbose_name_plural = _("publication requests")

    def __str__(self) -> str:
        return f"{self.product_id} {self.requested_at:%Y-%m-%d}"
