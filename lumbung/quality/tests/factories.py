"""Test data for the standards gate: standards (seeded by migration), requirements, certificates,
inspectors, inspections and small real files (a PDF, PNG and JPEG that the sniffer accepts)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from lumbung.accounts.models import Membership, OrganisationKind, Role
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.catalog.tests.factories import category, owner_of, product, seller, shop  # noqa: F401
from lumbung.quality.models import (
    Certificate,
    CertificateStatus,
    Inspection,
    InspectionOutcome,
    RequirementGroup,
    Standard,
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 120, 40)).save(out, format=fmt)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def standard(code: str) -> Standard:
    return Standard.objects.get(code=code)


def requirement(category_, *codes: str, position: int = 0) -> RequirementGroup:
    group = RequirementGroup.objects.create(category=category_, position=position)
    group.standards.set([standard(code) for code in codes])
    return group


def certificate(
    shop_,
    code: str,
    *,
    product_=None,
    status: str = CertificateStatus.VERIFIED,
    expires_on: date | None = None,
    number: str = "",
    verified_by=None,
    rejection_reason: str = "",
) -> Certificate:
    today = timezone.localdate()
    cert = Certificate(
        shop=shop_,
        product=product_,
        standard=standard(code),
        number=number or f"{code}-{Certificate.objects.count() + 1:05d}",
        issuer="Dinas Kesehatan",
        issued_on=today - timedelta(days=400),
        expires_on=expires_on if expires_on is not None else today + timedelta(days=365),
        content_type="application/pdf",
        size_bytes=len(PDF),
        status=status,
        verified_by=verified_by,
        verified_at=timezone.now() if status != CertificateStatus.SUBMITTED else None,
        rejection_reason=rejection_reason
        or ("Nomor tidak terdaftar" if status == CertificateStatus.REJECTED else ""),
    )
    cert.file.save("c.pdf", ContentFile(PDF), save=False)
    cert.save()
    return cert


def inspector(**fields):
    user = UserFactory(**fields)
    desk = OrganisationFactory(kind=OrganisationKind.TRADE_DESK)
    Membership.objects.create(user=user, organisation=desk, role=Role.QUALITY_INSPECTOR)
    return user


def shop_staff(shop_):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=shop_.organisation, role=Role.STAFF)
    return user


def inspection(
    product_, *, by=None, outcome=InspectionOutcome.APPROVED, valid_until=None, at=None
) -> Inspection:
    today = timezone.localdate()
    return Inspection.objects.create(
        product=product_,
        inspector=by or inspector(),
        checklist=[{"item": "Kemasan rapat", "passed": outcome == InspectionOutcome.APPROVED, "note": ""}],
        grade="A" if outcome == InspectionOutcome.APPROVED else "",
        measurements={"moisture_pct": "9.5"},
        notes="" if outcome == InspectionOutcome.APPROVED else "Berjamur",
        outcome=outcome,
        valid_until=(valid_until or today + timedelta(days=365))
        if outcome == InspectionOutcome.APPROVED
        else None,
        at=at or timezone.now(),
    )
