"""Shapes of the quality API. Public ids and standard codes only; never primary keys."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class StandardOut(Schema):
    code: str
    name: str
    names: dict[str, str]
    description: str
    issuer: str
    expiry_required: bool


class RequirementGroupOut(Schema):
    category: str = Field(
        description="slug of the category that sets this requirement (itself or an ancestor)"
    )
    any_of: list[str] = Field(description="standard codes; holding any one of them satisfies the group")
    names: list[str]


class CategoryRequirementsOut(Schema):
    category: str
    groups: list[RequirementGroupOut]


class CertificateIn(Schema):
    shop: str = Field(description="public id of the shop")
    standard: str = Field(description="standard code, e.g. PIRT")
    number: str
    issuer: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    product: str | None = Field(default=None, description="public id of one product; empty: the whole shop")


class CertificateOut(Schema):
    public_id: str
    shop: str
    product: str | None
    standard: str
    number: str
    issuer: str
    issued_on: date | None
    expires_on: date | None
    content_type: str
    size_bytes: int
    status: str
    expired: bool
    submitted_at: datetime
    verified_at: datetime | None
    rejection_reason: str


class RejectIn(Schema):
    reason: str


class ChecklistItem(Schema):
    item: str
    passed: bool
    note: str = ""


class InspectionIn(Schema):
    product: str = Field(description="public id of the product inspected")
    outcome: str = Field(description="approved or rejected")
    grade: str = ""
    checklist: str = Field(description='JSON list: [{"item": "no mould", "passed": true, "note": ""}]')
    measurements: str = Field(
        default="", description='JSON object: {"moisture_pct": "11.5", "size_mm": "18"}'
    )
    notes: str = ""
    valid_until: date | None = None


class InspectionOut(Schema):
    public_id: str
    product: str | None
    subject_type: str
    subject_id: str
    inspector: str
    checklist: list[ChecklistItem]
    grade: str
    measurements: dict[str, str]
    notes: str
    outcome: str
    valid_until: date | None
    at: datetime
    photo_count: int


class MissingOut(Schema):
    codes: list[str]
    names: list[str]
    state: str = Field(description="missing, pending (waiting for verification), expired or rejected")
    message: str
    category: str
    expired_on: date | None
    rejection_reason: str
    certificate: str | None


class MetOut(Schema):
    codes: list[str]
    held: str
    category: str


class GateOut(Schema):
    product: str
    publishable: bool
    is_published: bool
    status: str
    missing: list[MissingOut]
    met: list[MetOut]
    held: list[str]
    approved_by_inspection: str | None
    approved_until: date | None
