"""Exporters: register, read, list; facilitators verify; the HS code table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import Field

from lumbung.accounts.models import Organisation
from lumbung.core.permissions import require

from .. import selectors
from ..services import profiles as services
from .common import ERRORS, found

router = Router()


class HsCodeOut(Schema):
    code: str
    chapter: str
    description: str
    description_id: str
    description_en: str
    description_zh: str


class ProductIn(Schema):
    hs_code: str = Field(max_length=7)
    name: str = Field(max_length=120)
    monthly_capacity_kg: Decimal


class ExporterIn(Schema):
    organisation: str = Field(max_length=16, description="The BUMDes or producer group's public id")
    nib: str = Field(max_length=20)
    npwp: str = Field(max_length=24)
    monthly_capacity_kg: Decimal
    languages: list[str]
    products: list[ProductIn]


class ExporterProductOut(Schema):
    hs_code: str
    name: str
    monthly_capacity_kg: Decimal


class ExporterCertificateOut(Schema):
    standard: str
    number: str
    expires_on: date | None


class ExporterOut(Schema):
    public_id: str
    name: str
    organisation: str
    village: str
    nib: str
    npwp: str
    monthly_capacity_kg: Decimal
    languages: list[str]
    status: str
    readiness_score: int | None
    products: list[ExporterProductOut]
    certificates: list[ExporterCertificateOut]


class VerificationIn(Schema):
    documents_checked: list[str]
    visited_on: date | None = None
    visit_notes: str = Field(default="", max_length=4000)
    facility_ok: bool = False


class VerificationOut(Schema):
    public_id: str
    exporter: str
    score: int
    breakdown: dict[str, int]
    status: str


def hs_out(row) -> dict:
    return {
        "code": row.code,
        "chapter": row.chapter,
        "description": row.description(),
        "description_id": row.description_id,
        "description_en": row.description_en,
        "description_zh": row.description_zh,
    }


def exporter_out(row) -> dict:
    return {
        "public_id": row.public_id,
        "name": row.organisation.name,
        "organisation": row.organisation.public_id,
        "village": row.organisation.village.path,
        "nib": row.nib,
        "npwp": row.npwp,
        "monthly_capacity_kg": row.monthly_capacity_kg,
        "languages": row.languages,
        "status": row.status,
        "readiness_score": row.readiness_score,
        "products": [
            {"hs_code": p.hs_code.code, "name": p.name, "monthly_capacity_kg": p.monthly_capacity_kg}
            for p in row.products.all()
        ],
        "certificates": [
            {"standard": c.standard.code, "number": c.number, "expires_on": c.expires_on}
            for c in selectors.exporter_certificates(row)
        ],
    }


@router.get("/hs-codes", auth=None, response=list[HsCodeOut], summary="The curated HS code table")
def hs_codes(request):
    return [hs_out(row) for row in selectors.hs_codes()]


@router.get("/exporters", response={200: list[ExporterOut], **ERRORS}, summary="Exporters")
def exporters_list(request):
    """Verified exporters for everyone logged in; facilitators see all; managers also their own."""
    from ..rules import is_facilitator

    if is_facilitator(request.auth):
        rows = selectors.exporters_all()
    else:
        rows = selectors.exporters_all().filter(status="verified") | selectors.exporters_managed_by(
            request.auth
        )
    return [exporter_out(row) for row in rows.distinct()]


@router.post("/exporters", response={201: ExporterOut, **ERRORS}, summary="Register an exporter")
def exporter_create(request, payload: ExporterIn):
    organisation = found(
        Organisation.objects.filter(public_id=payload.organisation).first(), _("No organisation has this id.")
    )
    with transaction.atomic():
        row = services.exporter_register(
            actor=request.auth,
            organisation=organisation,
            nib=payload.nib,
            npwp=payload.npwp,
            monthly_capacity_kg=payload.monthly_capacity_kg,
            languages=payload.languages,
            products=[p.model_dump() for p in payload.products],
        )
    return Status(201, exporter_out(selectors.exporter_by_public_id(row.public_id)))


@router.get("/exporters/{public_id}", response={200: ExporterOut, **ERRORS}, summary="One exporter")
def exporter_get(request, public_id: str):
    return exporter_out(found(selectors.exporter_by_public_id(public_id), _("No exporter has this id.")))


@router.post(
    "/exporters/{public_id}/verifications",
    response={201: VerificationOut, **ERRORS},
    summary="Record a facilitator's verification",
)
def verification_create(request, public_id: str, payload: VerificationIn):
    row = found(selectors.exporter_by_public_id(public_id), _("No exporter has this id."))
    require(request.auth, "export.facilitate")
    with transaction.atomic():
        check = services.verification_record(actor=request.auth, exporter=row, **payload.model_dump())
    row.refresh_from_db()
    out = {
        "public_id": check.public_id,
        "exporter": row.public_id,
        "score": check.score,
        "breakdown": check.breakdown,
        "status": row.status,
    }
    return Status(201, out)
