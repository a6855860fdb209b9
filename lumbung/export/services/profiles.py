"""Registering an exporter and the facilitator's verification with its readiness score.

Readiness rubric (0–100), stated here and in docs/export.md:
- documents the facilitator checked: NIB 10, NPWP 10, deed of establishment (Perdes/AD-ART) 10,
  bank account in the organisation's name 5 — up to 35;
- at least one product with an HS code: 10;
- monthly capacity: 10 from 1,000 kg, 5 from 250 kg;
- at least one valid (verified, unexpired) certificate held by the organisation's shop: 15;
- a site visit recorded: 10, and the facility found fit (drying, storage, packing): 10;
- speaks a buyer's language (English or Chinese): 10.
An exporter is *verified* when the score is at least 60 and the visit found the facility fit;
otherwise it is *not ready* (and can be verified again later).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lokal import parse_npwp

from lumbung.accounts.models import Organisation, OrganisationKind
from lumbung.core import audit
from lumbung.core.errors import Conflict
from lumbung.core.permissions import require

from ..models import Exporter, ExporterProduct, ExporterStatus, HsCode, Verification
from ..selectors import exporter_certificates
from .common import decimal_in, invalid, text_in

EXPORTER_KINDS = (OrganisationKind.BUMDES, OrganisationKind.PRODUCER_GROUP)
LANGUAGES = ("id", "en", "zh")
DOCUMENT_POINTS = {"nib": 10, "npwp": 10, "deed": 10, "bank_account": 5}
VERIFIED_FROM = 60


def _nib(value: Any) -> str:
    nib = "".join(ch for ch in str(value or "") if not ch.isspace())
    if len(nib) != 13 or not nib.isdigit():
        raise invalid("nib", _("An NIB has exactly 13 digits."))
    return nib


def _npwp(value: Any) -> str:
    info = parse_npwp(str(value or ""))
    if not info.valid:
        raise invalid("npwp", _("This is not a valid NPWP (15 or 16 digits)."))
    return info.npwp16


def _products(items: Any) -> list[tuple[HsCode, str, Decimal]]:
    if not items:
        raise invalid("products", _("List at least one product with its HS code."))
    cleaned = []
    codes = {row.code: row for row in HsCode.objects.filter(is_active=True)}
    for item in items:
        hs = codes.get(str(item.get("hs_code", "")).strip())
        if hs is None:
            raise invalid("products", _("Choose an HS code from the list."))
        name = text_in(item.get("name"), field="products", max_length=120)
        capacity = decimal_in(item.get("monthly_capacity_kg"), field="products")
        cleaned.append((hs, name, capacity))
    if len({(hs.code, name) for hs, name, _c in cleaned}) != len(cleaned):
        raise invalid("products", _("Each product may appear only once."))
    return cleaned


def exporter_register(
    *,
    actor,
    organisation: Organisation,
    nib: str,
    npwp: str,
    monthly_capacity_kg: Any,
    languages: list[str],
    products: list[dict[str, Any]],
) -> Exporter:
    """A BUMDes or producer group registers as an exporter; refuses bad input before writing."""
    require(actor, "export.manage_exporter", organisation)
    if organisation.kind not in EXPORTER_KINDS:
        raise invalid("organisation", _("Only a BUMDes or a producer group can register as an exporter."))
    nib_clean = _nib(nib)
    npwp_clean = _npwp(npwp)
    capacity = decimal_in(monthly_capacity_kg, field="monthly_capacity_kg")
    langs = [lang for lang in LANGUAGES if lang in set(languages or [])]
    if not langs or len(set(languages)) != len(langs):
        raise invalid("languages", _("Choose the languages from Indonesian, English and Chinese."))
    cleaned = _products(products)
    with transaction.atomic():
        if Exporter.objects.select_for_update().filter(organisation=organisation).exists():
            raise Conflict(_("This organisation is already registered as an exporter."))
        exporter = Exporter.objects.create(
            organisation=organisation,
            nib=nib_clean,
            npwp=npwp_clean,
            monthly_capacity_kg=capacity,
            languages=langs,
            registered_by=actor,
        )
        ExporterProduct.objects.bulk_create(
            [
                ExporterProduct(exporter=exporter, hs_code=hs, name=name, monthly_capacity_kg=cap)
                for hs, name, cap in cleaned
            ]
        )
        audit.record("export.exporter_registered", actor=actor, obj=exporter, data={"nib": nib_clean})
    return exporter


def readiness_breakdown(
    *, exporter: Exporter, documents_checked: list[str], visited: bool, facility_ok: bool
) -> dict[str, int]:
    """Points per rubric line (see the module docstring); their sum is the score."""
    capacity = exporter.monthly_capacity_kg
    return {
        "documents": sum(DOCUMENT_POINTS[d] for d in set(documents_checked)),
        "products": 10 if exporter.products.exists() else 0,
        "capacity": 10 if capacity >= 1000 else 5 if capacity >= 250 else 0,
        "certificates": 15 if exporter_certificates(exporter).exists() else 0,
        "visit": 10 if visited else 0,
        "facility": 10 if visited and facility_ok else 0,
        "languages": 10 if {"en", "zh"} & set(exporter.languages) else 0,
    }


def verification_record(
    *,
    actor,
    exporter: Exporter,
    documents_checked: list[str],
    visited_on: date | None,
    visit_notes: str = "",
    facility_ok: bool = False,
) -> Verification:
    """A facilitator records the documents checked and the visit; the score sets the exporter's status."""
    require(actor, "export.facilitate")
    unknown = set(documents_checked or []) - set(DOCUMENT_POINTS)
    if unknown:
        raise invalid("documents_checked", _("Unknown document: %(name)s") % {"name": sorted(unknown)[0]})
    if visited_on is not None and visited_on > timezone.localdate():
        raise invalid("visited_on", _("A visit cannot be in the future."))
    if visited_on is None and facility_ok:
        raise invalid("facility_ok", _("Record the visit date to say the facility is fit."))
    notes = text_in(visit_notes, field="visit_notes", max_length=4000, required=visited_on is not None)
    breakdown = readiness_breakdown(
        exporter=exporter,
        documents_checked=list(documents_checked or []),
        visited=visited_on is not None,
        facility_ok=facility_ok,
    )
    score = sum(breakdown.values())
    with transaction.atomic():
        exporter = Exporter.objects.select_for_update().get(pk=exporter.pk)
        verification = Verification.objects.create(
            exporter=exporter,
            facilitator=actor,
            documents_checked=sorted(set(documents_checked or [])),
            visited_on=visited_on,
            visit_notes=notes,
            facility_ok=facility_ok,
            breakdown=breakdown,
            score=score,
        )
        ready = score >= VERIFIED_FROM and visited_on is not None and facility_ok
        exporter.status = ExporterStatus.VERIFIED if ready else ExporterStatus.NOT_READY
        exporter.readiness_score = score
        exporter.verified_at = timezone.now() if ready else None
        exporter.save(update_fields=["status", "readiness_score", "verified_at"])
        audit.record("export.exporter_verified", actor=actor, obj=exporter, data={"score": score})
    return verification
