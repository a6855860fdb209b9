"""The quality API (/api/quality): standards, category requirements, certificates, inspections and
the gate status of a product.

Thin: each operation checks who asks, calls one service (inside one transaction) and shapes the
answer. Errors are core ``DomainError``s, which the API turns into ``{code, message, details}``.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from lumbung.accounts.api_auth import api_auth
from lumbung.catalog.models import Category, Shop
from lumbung.core.errors import NotFound, ValidationFailed
from lumbung.core.permissions import can, require
from lumbung.core.schemas import ErrorOut

from . import selectors, services
from .models import Certificate, CertificateStatus, Inspection
from .schemas import (
    CategoryRequirementsOut,
    CertificateIn,
    CertificateOut,
    GateOut,
    InspectionIn,
    InspectionOut,
    RejectIn,
    StandardOut,
)

router = Router(tags=["quality"], auth=api_auth)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _standard(standard) -> dict:
    return {
        "code": standard.code,
        "name": standard.name(),
        "names": {"id": standard.name_id, "en": standard.name_en, "zh": standard.name_zh},
        "description": standard.description(),
        "issuer": standard.issuer,
        "expiry_required": standard.expiry_required,
    }


def _certificate(cert: Certificate) -> dict:
    return {
        "public_id": cert.public_id,
        "shop": cert.shop.public_id,
        "product": cert.product.public_id if cert.product_id else None,
        "standard": cert.standard.code,
        "number": cert.number,
        "issuer": cert.issuer,
        "issued_on": cert.issued_on,
        "expires_on": cert.expires_on,
        "content_type": cert.content_type,
        "size_bytes": cert.size_bytes,
        "status": cert.status,
        "expired": cert.is_expired(),
        "submitted_at": cert.submitted_at,
        "verified_at": cert.verified_at,
        "rejection_reason": cert.rejection_reason,
    }


def _inspection(inspection: Inspection) -> dict:
    return {
        "public_id": inspection.public_id,
        "product": inspection.product.public_id if inspection.product_id else None,
        "subject_type": inspection.subject_type,
        "subject_id": inspection.subject_id,
        "inspector": inspection.inspector.public_id,
        "checklist": inspection.checklist,
        "grade": inspection.grade,
        "measurements": inspection.measurements,
        "notes": inspection.notes,
        "outcome": inspection.outcome,
        "valid_until": inspection.valid_until,
        "at": inspection.at,
        "photo_count": len(inspection.photos.all()),
    }


def _gate(product, result) -> dict:
    return {
        "product": product.public_id,
        "publishable": result.publishable,
        "is_published": product.is_published,
        "status": product.status,
        "missing": [
            {
                "codes": list(m.codes),
                "names": list(m.names),
                "state": m.state,
                "message": m.message,
                "category": m.category,
                "expired_on": m.expired_on,
                "rejection_reason": m.rejection_reason,
                "certificate": m.certificate_public_id or None,
            }
            for m in result.missing
        ],
        "met": [{"codes": list(m.codes), "held": m.held_code, "category": m.category} for m in result.met],
        "held": result.held_codes,
        "approved_by_inspection": result.approval.public_id if result.approval else None,
        "approved_until": result.approved_until,
    }


def _certificate_or_404(public_id: str) -> Certificate:
    cert = selectors.certificate_by_public_id(public_id)
    if cert is None:
        raise NotFound(_("Certificate not found."))
    return cert


def _product_or_404(public_id: str):
    product = selectors.product_by_public_id(public_id)
    if product is None:
        raise NotFound(_("Product not found."))
    return product


# --- reference data (public) -----------------------------------------------------------------------


@router.get("/standards", auth=None, response=list[StandardOut], summary="Standards a product can carry")
def standards_list(request):
    return [_standard(s) for s in selectors.standards_active()]


@router.get(
    "/categories/{slug}/requirements",
    auth=None,
    response={200: CategoryRequirementsOut, 404: ErrorOut},
    summary="What a category requires, its ancestors' requirements included",
)
def category_requirements(request, slug: str):
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise NotFound(_("Category not found."))
    groups = []
    for group in selectors.requirement_groups_for(category.pk):
        standards = [s for s in group.standards.all() if s.is_active]
        if standards:
            groups.append(
                {
                    "category": group.category.slug,
                    "any_of": [s.code for s in standards],
                    "names": [s.name() for s in standards],
                }
            )
    return {"category": category.slug, "groups": groups}


# --- certificates --------------------------------------------------------------------------------


@router.post(
    "/certificates",
    response={201: CertificateOut, **ERRORS},
    summary="Submit a certificate (multipart: fields and a PDF or photo of at most 5 MB)",
)
def certificate_submit(request, data: Form[CertificateIn], file: File[UploadedFile]):
    shop = Shop.objects.select_related("organisation").filter(public_id=data.shop).first()
    if shop is None:
        raise NotFound(_("Shop not found."))
    require(request.auth, "quality.submit_certificate", shop)
    standard = selectors.standard_by_code(data.standard)
    if standard is None:
        raise ValidationFailed(
            _("Unknown standard."),
            details={"field": "standard", "errors": {"standard": [_("Unknown standard.")]}},
        )
    product = None
    if data.product:
        product = selectors.product_by_public_id(data.product)
        if product is None:
            raise ValidationFailed(
                _("Product not found."),
                details={"field": "product", "errors": {"product": [_("Product not found.")]}},
            )
    with transaction.atomic():
        cert = services.certificate_submit(
            actor=request.auth,
            shop=shop,
            product=product,
            standard=standard,
            number=data.number,
            issuer=data.issuer,
            issued_on=data.issued_on,
            expires_on=data.expires_on,
            file=file,
        )
    return Status(201, _certificate(selectors.certificate_by_public_id(cert.public_id)))


@router.get(
    "/certificates", response={200: list[CertificateOut], **ERRORS}, summary="Certificates of my shops"
)
def certificates_mine(request, status: str = ""):
    qs = selectors.certificates_of_user(request.auth)
    if status in CertificateStatus.values:
        qs = qs.filter(status=status)
    return [_certificate(c) for c in qs[:200]]


@router.get(
    "/certificates/queue",
    response={200: list[CertificateOut], **ERRORS},
    summary="Inspectors: certificates waiting for verification, oldest first",
)
def certificates_queue(request):
    require(request.auth, "quality.review")
    return [_certificate(c) for c in selectors.certificates_to_verify()[:200]]


@router.get("/certificates/{public_id}", response={200: CertificateOut, **ERRORS})
def certificate_detail(request, public_id: str):
    cert = _certificate_or_404(public_id)
    require(request.auth, "quality.view_certificate", cert)
    return _certificate(cert)


@router.post("/certificates/{public_id}/verify", response={200: CertificateOut, **ERRORS})
def certificate_verify(request, public_id: str):
    cert = _certificate_or_404(public_id)
    require(request.auth, "quality.review_certificate", cert)
    with transaction.atomic():
        services.certificate_verify(actor=request.auth, certificate=cert)
    return _certificate(_certificate_or_404(public_id))


@router.post("/certificates/{public_id}/reject", response={200: CertificateOut, **ERRORS})
def certificate_reject(request, public_id: str, data: RejectIn):
    cert = _certificate_or_404(public_id)
    require(request.auth, "quality.review_certificate", cert)
    with transaction.atomic():
        services.certificate_reject(actor=request.auth, certificate=cert, reason=data.reason)
    return _certificate(_certificate_or_404(public_id))


# --- inspections ---------------------------------------------------------------------------------


def _json_field(raw: str, field: str, kind: type):
    if not raw:
        return kind()
    try:
        value = json.loads(raw)
    except ValueError as exc:
        message = _("Not valid JSON.")
        raise ValidationFailed(message, details={"field": field, "errors": {field: [message]}}) from exc
    if not isinstance(value, kind):
        message = _("Not valid JSON.")
        raise ValidationFailed(message, details={"field": field, "errors": {field: [message]}})
    return value


@router.post(
    "/inspections",
    response={201: InspectionOut, **ERRORS},
    summary="Inspectors: record an inspection of a product (multipart, photos as JPEG/PNG/WebP)",
)
def inspection_create(request, data: Form[InspectionIn], photos: File[list[UploadedFile]] = None):
    product = _product_or_404(data.product)
    require(request.auth, "quality.inspect_product", product)
    with transaction.atomic():
        inspection = services.inspection_record(
            actor=request.auth,
            product=product,
            outcome=data.outcome,
            grade=data.grade,
            checklist=_json_field(data.checklist, "checklist", list),
            measurements=_json_field(data.measurements, "measurements", dict),
            notes=data.notes,
            valid_until=data.valid_until,
            photos=photos or [],
        )
    return Status(201, _inspection(selectors.inspection_by_public_id(inspection.public_id)))


@router.get("/inspections", response={200: list[InspectionOut], **ERRORS}, summary="Inspections I may see")
def inspections_list(request, product: str = ""):
    qs = selectors.inspections_visible_to(request.auth, reviewer=can(request.auth, "quality.review"))
    if product:
        qs = qs.filter(product__public_id=product)
    return [_inspection(i) for i in qs[:200]]


# --- the gate ------------------------------------------------------------------------------------


@router.get(
    "/products/{public_id}/gate",
    response={200: GateOut, **ERRORS},
    summary="Whether a product may be published and exactly what is missing",
)
def product_gate(request, public_id: str):
    product = _product_or_404(public_id)
    require(request.auth, "quality.view_gate", product)
    return _gate(product, selectors.gate_evaluate(product, today=timezone.localdate()))


@router.post(
    "/products/{public_id}/request-publication",
    response={200: GateOut, **ERRORS},
    summary="Sellers: ask for the product to be published; the gate answers at once",
)
def product_request_publication(request, public_id: str):
    product = _product_or_404(public_id)
    with transaction.atomic():
        result = services.product_request_publication(actor=request.auth, product=product)
    product.refresh_from_db()
    return _gate(product, result)
