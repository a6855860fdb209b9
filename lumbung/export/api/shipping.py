"""Inspection, document pack, payments, shipment, arrival, release and claims over the API."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Header, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from lumbung.core.errors import ValidationFailed
from lumbung.core.idempotency import fingerprint, run_idempotent, scope_for
from lumbung.core.money import Money
from lumbung.core.permissions import require

from .. import pdfs
from ..models import Claim, ExportLot
from ..services import shipping as services
from ..services.documents_rules import reason_text
from .common import ERRORS, found
from .trade import ContractOut, contract_for, contract_out

router = Router()


class LotInspectionIn(Schema):
    passed: bool
    samples: int
    checklist: str = Field(description="One check per line; a line starting with '!' failed")
    moisture_pct: Decimal | None = None
    size_mm: Decimal | None = None
    notes: str = ""


class LotInspectionOut(Schema):
    lot: str
    status: str
    inspection: str


class DocumentIn(Schema):
    kind: str
    number: str = Field(max_length=64)
    npe: str = Field(default="", max_length=64)


class DocumentOut(Schema):
    public_id: str
    kind: str
    number: str


class PaymentIn(Schema):
    amount: Decimal
    currency: str
    bank_reference: str = Field(max_length=64)


class ShipIn(Schema):
    transport_document: str = Field(max_length=40, description="Bill of lading or air waybill number")


class ClaimIn(Schema):
    reason: str = Field(max_length=4000)
    amount: Decimal | None = None


class ClaimOut(Schema):
    public_id: str
    status: str
    reason: str
    answer: str
    answer_due: str


class TextIn(Schema):
    text: str = Field(max_length=4000)


class PackOut(Schema):
    documents: list[dict]
    blockers: list[str]
    data: dict


def _lot(public_id: str) -> ExportLot:
    return found(
        ExportLot.objects.select_related("pool__contract", "pool__exporter__organisation")
        .filter(public_id=public_id)
        .first(),
        _("No lot has this id."),
    )


def claim_out(claim) -> dict:
    return {
        "public_id": claim.public_id,
        "status": claim.status,
        "reason": claim.reason,
        "answer": claim.answer,
        "answer_due": claim.answer_due.isoformat(),
    }


@router.post(
    "/lots/{public_id}/inspection", response={201: LotInspectionOut, **ERRORS}, summary="Inspect a lot"
)
def lot_inspection(
    request, public_id: str, payload: Form[LotInspectionIn], photos: File[list[UploadedFile]] = None
):
    lot = _lot(public_id)
    checklist = []
    for line in payload.checklist.splitlines():
        if line.strip():
            failed = line.strip().startswith("!")
            checklist.append({"item": line.strip().lstrip("!").strip(), "passed": not failed, "note": ""})
    measurements = {}
    if payload.moisture_pct is not None:
        measurements["moisture_pct"] = payload.moisture_pct
    if payload.size_mm is not None:
        measurements["size_mm"] = payload.size_mm
    with transaction.atomic():
        lot = services.lot_inspect(
            actor=request.auth,
            lot=lot,
            passed=payload.passed,
            checklist=checklist,
            samples=payload.samples,
            measurements=measurements,
            photos=list(photos or []),
            notes=payload.notes,
        )
    return Status(201, {"lot": lot.public_id, "status": lot.status, "inspection": lot.inspection.public_id})


@router.get("/contracts/{public_id}/pack", response={200: PackOut, **ERRORS}, summary="The document pack")
def pack(request, public_id: str):
    """Checklist (with the reason each document applies), what still blocks shipping, and the data."""
    contract = contract_for(public_id, request.auth)
    present = {d.kind: d for d in contract.documents.all()}
    return {
        "documents": [
            {
                "kind": r.kind,
                "label": str(r.get_kind_display()),
                "reason": reason_text(r.reason),
                "generated": r.generated,
                "needed_to_ship": r.needed_to_ship,
                "number": present[r.kind].number if r.kind in present else "",
                "present": r.generated or r.kind in present,
            }
            for r in contract.requirements.all()
        ],
        "blockers": services.ship_blockers(contract),
        "data": pdfs.pack_data(contract),
    }


PDFS = {
    "proforma-invoice": lambda c: pdfs.invoice_pdf(c, commercial=False),
    "commercial-invoice": lambda c: pdfs.invoice_pdf(c, commercial=True),
    "packing-list": pdfs.packing_list_pdf,
}


@router.get("/contracts/{public_id}/pack/{name}.pdf", response={200: None, **ERRORS}, summary="A pack PDF")
def pack_pdf(request, public_id: str, name: str):
    """``name``: proforma-invoice, commercial-invoice or packing-list."""
    contract = contract_for(public_id, request.auth)
    make = found(PDFS.get(name), _("No such document."))
    with translation.override(request.auth.language or "en"):
        body = make(contract)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{contract.code}.pdf"'
    return response


@router.post(
    "/contracts/{public_id}/documents", response={201: DocumentOut, **ERRORS}, summary="Upload a document"
)
def document_create(request, public_id: str, payload: Form[DocumentIn], file: File[UploadedFile] = None):
    contract = contract_for(public_id, request.auth)
    with transaction.atomic():
        doc = services.document_upload(
            actor=request.auth,
            contract=contract,
            kind=payload.kind,
            number=payload.number,
            file=file,
            extra={"npe": payload.npe} if payload.npe else None,
        )
    return Status(201, {"public_id": doc.public_id, "kind": doc.kind, "number": doc.number})


def _money_post(request, contract, kind: str, payload: PaymentIn, key: str | None):
    require(request.auth, "export.facilitate")
    func = services.deposit_record if kind == "deposit" else services.balance_record

    def run():
        try:
            amount = Money(payload.amount, payload.currency)
        except Exception:
            raise ValidationFailed(_("Not a valid amount."), details={"field": "amount"}) from None
        func(actor=request.auth, contract=contract, amount=amount, bank_reference=payload.bank_reference)
        contract.refresh_from_db()
        return 201, ContractOut(**contract_out(contract)).model_dump(mode="json")

    with transaction.atomic():
        answer = run_idempotent(
            scope=scope_for(request.auth),
            key=key,
            request_fingerprint=fingerprint(
                "POST", f"export.{kind}", contract.public_id, payload.model_dump()
            ),
            func=run,
        )
    return Status(answer.status_code, answer.body)


@router.post(
    "/contracts/{public_id}/deposit", response={201: ContractOut, **ERRORS}, summary="Record the deposit"
)
def deposit(
    request,
    public_id: str,
    payload: PaymentIn,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
):
    """Facilitators record the buyer's transfer into escrow. Requires an ``Idempotency-Key`` header."""
    return _money_post(request, contract_for(public_id, request.auth), "deposit", payload, idempotency_key)


@router.post(
    "/contracts/{public_id}/balance", response={201: ContractOut, **ERRORS}, summary="Record the balance"
)
def balance(
    request,
    public_id: str,
    payload: PaymentIn,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
):
    return _money_post(request, contract_for(public_id, request.auth), "balance", payload, idempotency_key)


@router.post("/contracts/{public_id}/ship", response={200: ContractOut, **ERRORS}, summary="Ship")
def ship(request, public_id: str, payload: ShipIn):
    contract = contract_for(public_id, request.auth)
    with transaction.atomic():
        contract = services.contract_ship(
            actor=request.auth, contract=contract, transport_document=payload.transport_document
        )
    return contract_out(contract)


@router.post(
    "/contracts/{public_id}/arrived", response={200: ContractOut, **ERRORS}, summary="Confirm arrival"
)
def arrived(request, public_id: str):
    contract = contract_for(public_id, request.auth)
    with transaction.atomic():
        contract = services.contract_arrive(actor=request.auth, contract=contract)
    return contract_out(contract)


@router.post(
    "/contracts/{public_id}/release", response={200: ContractOut, **ERRORS}, summary="Release the balance"
)
def release(
    request, public_id: str, idempotency_key: str | None = Header(default=None, alias="Idempotency-Key")
):
    contract = contract_for(public_id, request.auth)
    require(request.auth, "export.facilitate")

    def run():
        done = services.balance_release(actor=request.auth, contract=contract)
        return 200, ContractOut(**contract_out(done)).model_dump(mode="json")

    with transaction.atomic():
        answer = run_idempotent(
            scope=scope_for(request.auth),
            key=idempotency_key,
            request_fingerprint=fingerprint("POST", "export.release", contract.public_id),
            func=run,
        )
    return Status(answer.status_code, answer.body)


@router.post("/contracts/{public_id}/claims", response={201: ClaimOut, **ERRORS}, summary="Raise a claim")
def claim_create(request, public_id: str, payload: ClaimIn):
    contract = contract_for(public_id, request.auth)
    amount = Money(payload.amount, contract.currency) if payload.amount is not None else None
    with transaction.atomic():
        claim = services.claim_raise(
            buyer=request.auth, contract=contract, reason=payload.reason, amount=amount
        )
    return Status(201, claim_out(claim))


def _claim(public_id: str, user) -> Claim:
    claim = found(
        Claim.objects.select_related("contract").filter(public_id=public_id).first(),
        _("No claim has this id."),
    )
    require(user, "export.view_contract", claim.contract)
    return claim


@router.post("/claims/{public_id}/answer", response={200: ClaimOut, **ERRORS}, summary="The supplier answers")
def claim_answer(request, public_id: str, payload: TextIn):
    with transaction.atomic():
        claim = services.claim_answer(
            actor=request.auth, claim=_claim(public_id, request.auth), answer=payload.text
        )
    return claim_out(claim)


@router.post(
    "/claims/{public_id}/resolve", response={200: ClaimOut, **ERRORS}, summary="A facilitator resolves"
)
def claim_resolve(request, public_id: str, payload: TextIn):
    with transaction.atomic():
        claim = services.claim_resolve(
            actor=request.auth, claim=_claim(public_id, request.auth), resolution=payload.text
        )
    return claim_out(claim)
