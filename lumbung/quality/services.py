"""Writes of the standards gate: certificates, inspections, publication requests, and the gate itself.

Each function is keyword-only and nests in the caller's transaction (the view, API operation or job
owns it). Anything that can change whether a product may be sold ends by re-applying the gate to
the products it touches, so ``is_published`` never disagrees with the certificates for long: at
most until the daily expiry job.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from lumbung.accounts.models import Membership, Role
from lumbung.catalog.models import Product, ProductStatus, Shop
from lumbung.core import audit
from lumbung.core.errors import Conflict, ValidationFailed
from lumbung.core.permissions import require
from lumbung.notify.services import message_queue

from . import catalog_port
from .models import (
    Certificate,
    CertificateStatus,
    Grade,
    Inspection,
    InspectionOutcome,
    InspectionPhoto,
    PublicationRequest,
    Standard,
)
from .selectors import GateResult, certificates_newly_expired, gate_evaluate, products_affected_by
from .uploads import certificate_file_check, photo_reencode

log = logging.getLogger(__name__)

# How long an inspector's approval lets a product through when the inspector does not say.
APPROVAL_DEFAULT_DAYS = 365
APPROVAL_MAX_DAYS = 730
MAX_CHECKLIST_ITEMS = 40
MAX_MEASUREMENTS = 20
MAX_PHOTOS = 6
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_MEASURE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def invalid(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={"field": field, "errors": {field: [str(message)]}})


def _line(value: Any, *, field: str, max_length: int, required: bool) -> str:
    text = _CONTROL.sub("", str(value or "")).strip()
    text = " ".join(text.split())
    if required and not text:
        raise invalid(field, _("This field is required."))
    if len(text) > max_length:
        raise invalid(field, _("At most %(n)d characters.") % {"n": max_length})
    return text


def _text(value: Any, *, field: str, max_length: int = 4000) -> str:
    text = _CONTROL.sub("", str(value or "")).strip()
    if len(text) > max_length:
        raise invalid(field, _("At most %(n)d characters.") % {"n": max_length})
    return text


# --- the gate ------------------------------------------------------------------------------------


def wants_publication(product: Product) -> bool:
    """The seller wants this product on sale: it is published, waiting for the gate, or was taken off
    sale by the gate (only the gate unpublishes; a seller who is done with a product archives it)."""
    return product.is_published or product.status in (
        ProductStatus.PENDING,
        ProductStatus.PUBLISHED,
        ProductStatus.UNPUBLISHED,
    )


def gate_apply(*, product: Product, actor=None, requested: bool = False) -> GateResult:
    """Evaluate the gate and make the catalog agree: standards carried, published or not.

    A product is published only when the gate says yes AND the seller wants it on sale (``requested``
    or already pending/published): verifying a shop-wide certificate never puts a draft on sale.
    """
    with transaction.atomic():
        product = (
            Product.objects.select_for_update(of=("self",))
            .select_related("shop", "category")
            .get(pk=product.pk)
        )
        result = gate_evaluate(product)
        if sorted(c.lower() for c in product.standard_codes) != sorted(c.lower() for c in result.held_codes):
            catalog_port.set_standards(product=product, codes=result.held_codes)
        if result.publishable and not product.is_published and (requested or wants_publication(product)):
            catalog_port.publish(product=product)
            audit.record("quality.gate_published", actor=actor, obj=product, data={"held": result.held_codes})
        elif not result.publishable and product.is_published:
            # The reason is stored once, so write it in the shop's own language.
            reason = gate_evaluate(product, language=product.shop.language).summary
            catalog_port.unpublish(product=product, reason=reason)
            audit.record(
                "quality.gate_unpublished", actor=actor, obj=product, data={"missing": result.missing_codes}
            )
        return result


def product_request_publication(*, actor, product: Product) -> GateResult:
    """The seller asks for the product to go on sale: the gate publishes it now, or says what is missing
    and the request waits in the inspectors' queue."""
    require(actor, "quality.request_publication", product)
    if product.status == ProductStatus.ARCHIVED:
        raise Conflict(_("This product is archived. Restore it before asking for publication."))
    with transaction.atomic():
        if not product.is_published:
            # catalog marks it "awaiting quality check" (and tells listeners, which is us: see handlers).
            catalog_port.submit(actor=actor, product=product)
        result = gate_apply(product=product, actor=actor, requested=True)
        publication_request_record(product=product, actor=actor, result=result)
    return result


def publication_request_record(*, product: Product, actor, result: GateResult) -> PublicationRequest:
    request = PublicationRequest.objects.create(
        product=product, requested_by=actor, published=result.publishable, missing_codes=result.missing_codes
    )
    audit.record(
        "quality.publication_requested",
        actor=actor,
        obj=product,
        data={"publishable": result.publishable, "missing": result.missing_codes},
    )
    return request


def gate_reapply_for(*, certificate: Certificate, actor=None) -> list[Product]:
    """Re-apply the gate to every product a certificate touches; return those that went off sale."""
    unpublished = []
    for product in products_affected_by(certificate).order_by("pk"):
        was_published = product.is_published
        result = gate_apply(product=product, actor=actor)
        if was_published and not result.publishable:
            unpublished.append(product)
    return unpublished


# --- certificates --------------------------------------------------------------------------------


def certificate_submit(
    *,
    actor,
    shop: Shop,
    standard: Standard,
    number: str,
    issuer: str = "",
    issued_on: date | None = None,
    expires_on: date | None = None,
    file,
    product: Product | None = None,
) -> Certificate:
    """A shop uploads a certificate (for the whole shop, or for one product). It waits for an inspector."""
    require(actor, "quality.submit_certificate", shop)
    today = timezone.localdate()
    if product is not None and product.shop_id != shop.pk:
        raise invalid("product", _("That product belongs to another shop."))
    if not standard.is_active:
        raise invalid("standard", _("This standard is no longer accepted."))
    number = _line(number, field="number", max_length=80, required=True)
    issuer = _line(issuer, field="issuer", max_length=160, required=False) or standard.issuer[:160]
    if issued_on is not None and issued_on > today:
        raise invalid("issued_on", _("The issue date cannot be in the future."))
    if expires_on is None and standard.expiry_required:
        raise invalid("expires_on", _("Please enter the expiry date printed on the certificate."))
    if expires_on is not None and expires_on < today:
        raise invalid(
            "expires_on",
            _("This certificate expired on %(date)s. Please upload a valid one.")
            % {"date": formats.date_format(expires_on, "DATE_FORMAT")},
        )
    if issued_on is not None and expires_on is not None and expires_on < issued_on:
        raise invalid("expires_on", _("The expiry date is before the issue date."))
    if file is None:
        raise invalid("file", _("Please attach the certificate (PDF or photo)."))
    try:
        checked = certificate_file_check(file)
    except ValidationFailed as exc:
        raise invalid("file", exc.message) from exc

    certificate = Certificate(
        shop=shop,
        product=product,
        standard=standard,
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        expires_on=expires_on,
        content_type=checked.content_type,
        size_bytes=checked.size,
        submitted_by=actor,
    )
    # The upload path uses content_type, so set it before the file is named.
    certificate.file.save("certificate", checked.content, save=False)
    try:
        certificate.save()
    except Exception:
        certificate.file.delete(save=False)
        raise
    audit.record(
        "quality.certificate_submitted",
        actor=actor,
        obj=certificate,
        data={"standard": standard.code, "number": number, "product": product.public_id if product else ""},
    )
    return certificate


def _lock_certificate(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("standard", "shop", "product")
        .get(pk=certificate.pk)
    )


def certificate_verify(*, actor, certificate: Certificate) -> Certificate:
    """An inspector checked the certificate against the issuer's records: it now counts at the gate."""
    require(actor, "quality.review_certificate", certificate)
    with transaction.atomic():
        certificate = _lock_certificate(certificate)
        if certificate.status != CertificateStatus.SUBMITTED:
            raise Conflict(_("Only a certificate waiting for verification can be verified."))
        if certificate.is_expired():
            raise Conflict(_("This certificate has already expired; reject it instead."))
        certificate.status = CertificateStatus.VERIFIED
        certificate.verified_by = actor
        certificate.verified_at = timezone.now()
        certificate.rejection_reason = ""
        certificate.save(update_fields=["status", "verified_by", "verified_at", "rejection_reason"])
        audit.record("quality.certificate_verified", actor=actor, obj=certificate)
        gate_reapply_for(certificate=certificate, actor=actor)
    return certificate


def certificate_reject(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Refuse a submitted certificate, or withdraw a verified one (e.g. the issuer has no such number)."""
    require(actor, "quality.review_certificate", certificate)
    reason = _line(reason, field="reason", max_length=500, required=True)
    with transaction.atomic():
        certificate = _lock_certificate(certificate)
        if certificate.status == CertificateStatus.REJECTED:
            raise Conflict(_("This certificate is already rejected."))
        certificate.status = CertificateStatus.REJECTED
        certificate.verified_by = actor
        certificate.verified_at = timezone.now()
        certificate.rejection_reason = reason
        certificate.save(update_fields=["status", "verified_by", "verified_at", "rejection_reason"])
        audit.record("quality.certificate_rejected", actor=actor, obj=certificate, data={"reason": reason})
        gate_reapply_for(certificate=certificate, actor=actor)
    return certificate


def _shop_owners(shop: Shop) -> list:
    memberships = (
        Membership.objects.filter(
            organisation_id=shop.organisation_id, role=Role.OWNER, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
    )
    return [m.user for m in memberships]


def certificates_expire(*, today: date | None = None) -> list[Certificate]:
    """The daily job: for each verified certificate past its expiry date, take the products that
    relied on it off sale and tell the shop's owners by SMS. Each certificate is handled once."""
    today = today or timezone.localdate()
    handled = []
    for certificate in certificates_newly_expired(today):
        with transaction.atomic():
            claimed = Certificate.objects.filter(pk=certificate.pk, expiry_handled_at__isnull=True).update(
                expiry_handled_at=timezone.now()
            )
            if not claimed:
                continue  # another run got there first
            unpublished = gate_reapply_for(certificate=certificate)
            audit.record(
                "quality.certificate_expired",
                obj=certificate,
                data={"unpublished": [p.public_id for p in unpublished]},
            )
            for owner in _shop_owners(certificate.shop):
                _notify_expired(owner=owner, certificate=certificate, unpublished=unpublished)
        handled.append(certificate)
    return handled


def _notify_expired(*, owner, certificate: Certificate, unpublished: list[Product]) -> None:
    language = owner.language or "id"
    with translation.override(language):
        context = {
            "shop": certificate.shop.name,
            "standard": certificate.standard.name(language),
            "number": certificate.number,
            "expired_on": formats.date_format(certificate.expires_on, "DATE_FORMAT"),
            "products": ", ".join(p.name(language) for p in unpublished[:5]),
            "product_count": len(unpublished),
        }
    message_queue(to=owner.phone, template="certificate_expired", context=context, language=language)


# --- inspections ---------------------------------------------------------------------------------


def _clean_checklist(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not items:
        raise invalid("checklist", _("Record at least one checklist item."))
    if len(items) > MAX_CHECKLIST_ITEMS:
        raise invalid("checklist", _("At most %(n)d checklist items.") % {"n": MAX_CHECKLIST_ITEMS})
    cleaned = []
    for raw in items:
        if not isinstance(raw, dict):
            raise invalid("checklist", _("Each checklist item needs a name and whether it passed."))
        item = _line(raw.get("item"), field="checklist", max_length=120, required=True)
        passed = raw.get("passed")
        if not isinstance(passed, bool):
            raise invalid("checklist", _("Say whether “%(item)s” passed.") % {"item": item})
        note = _line(raw.get("note"), field="checklist", max_length=300, required=False)
        cleaned.append({"item": item, "passed": passed, "note": note})
    return cleaned


def _clean_measurements(values: Any) -> dict[str, str]:
    if values in (None, ""):
        return {}
    if not isinstance(values, dict):
        raise invalid("measurements", _("Measurements must be names with numbers."))
    if len(values) > MAX_MEASUREMENTS:
        raise invalid("measurements", _("At most %(n)d measurements.") % {"n": MAX_MEASUREMENTS})
    cleaned = {}
    for name, value in values.items():
        key = str(name).strip().lower().replace(" ", "_").replace("%", "pct")
        if not _MEASURE_NAME.match(key):
            raise invalid("measurements", _("“%(name)s” is not a valid measurement name.") % {"name": name})
        if isinstance(value, float):
            value = repr(value)  # keep what was typed; never compute with it as a float
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation as exc:
            raise invalid("measurements", _("“%(name)s” must be a number.") % {"name": name}) from exc
        if not number.is_finite() or abs(number) >= Decimal("1e9"):
            raise invalid("measurements", _("“%(name)s” must be a number.") % {"name": name})
        cleaned[key] = str(number)
    return cleaned


def inspection_record(
    *,
    actor,
    outcome: str,
    checklist: list[dict[str, Any]],
    product: Product | None = None,
    subject_type: str = "",
    subject_id: str = "",
    grade: str = "",
    measurements: dict[str, Any] | None = None,
    notes: str = "",
    photos: list | None = None,
    valid_until: date | None = None,
) -> Inspection:
    """Record an inspection. For a product, an approval lets it through the gate until ``valid_until``
    (a year by default); the gate is re-applied at once either way.

    Other subjects (an export lot...) pass ``subject_type``/``subject_id`` and check permissions
    themselves before calling: this function then only validates and records.
    """
    if product is not None:
        require(actor, "quality.inspect_product", product)
    else:
        require(actor, "quality.review")
        subject_type = _line(subject_type, field="subject_type", max_length=40, required=True)
        subject_id = _line(subject_id, field="subject_id", max_length=40, required=True)
    today = timezone.localdate()
    if outcome not in InspectionOutcome.values:
        raise invalid("outcome", _("Choose approve or reject."))
    if grade and grade not in Grade.values:
        raise invalid("grade", _("Choose a grade from the list."))
    cleaned_checklist = _clean_checklist(checklist)
    cleaned_measurements = _clean_measurements(measurements)
    notes = _text(notes, field="notes")
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise invalid("photos", _("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    if outcome == InspectionOutcome.APPROVED:
        if not grade:
            raise invalid("grade", _("An approval needs a grade."))
        if not photos:
            raise invalid("photos", _("An approval needs at least one photo of the product."))
        failed = [item["item"] for item in cleaned_checklist if not item["passed"]]
        if failed:
            raise invalid(
                "checklist",
                _("Cannot approve: these checks failed: %(items)s.") % {"items": ", ".join(failed)},
            )
        if valid_until is None:
            valid_until = today + timedelta(days=APPROVAL_DEFAULT_DAYS)
        if valid_until < today or valid_until > today + timedelta(days=APPROVAL_MAX_DAYS):
            raise invalid("valid_until", _("An approval can last from today up to two years."))
    else:
        if not notes:
            raise invalid("notes", _("Say in the notes why the product was rejected."))
        valid_until = None
    # Decode every photo before writing anything, so a bad one leaves nothing half-saved.
    encoded = []
    for photo in photos:
        try:
            encoded.append(photo_reencode(photo))
        except ValidationFailed as exc:
            raise invalid("photos", exc.message) from exc

    with transaction.atomic():
        inspection = Inspection.objects.create(
            product=product,
            subject_type=subject_type,
            subject_id=subject_id,
            inspector=actor,
            checklist=cleaned_checklist,
            grade=grade,
            measurements=cleaned_measurements,
            notes=notes,
            outcome=outcome,
            valid_until=valid_until,
        )
        for content, width, height in encoded:
            photo = InspectionPhoto(
                inspection=inspection, width=width, height=height, size_bytes=content.size
            )
            photo.image.save("photo.webp", content, save=False)
            photo.save()
        audit.record(
            "quality.inspection_recorded",
            actor=actor,
            obj=inspection,
            data={"outcome": outcome, "grade": grade, "product": product.public_id if product else ""},
        )
        if product is not None:
            gate_apply(product=product, actor=actor)
    return inspection
