"""RFQs, quotes, counters and contracts over the API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import Field

from lumbung.core.permissions import require

from .. import pdfs, selectors
from ..rules import is_facilitator
from ..services import trade as services
from ..services.documents_rules import reason_text
from .common import ERRORS, found

router = Router()


class RfqIn(Schema):
    buyer_company: str = Field(max_length=160)
    product: str = Field(max_length=160)
    hs_code: str = Field(max_length=7)
    spec: str = Field(default="", max_length=4000)
    quantity: Decimal
    unit: str = Field(description="kg or t")
    destination_country: str = Field(max_length=2)
    destination_port: str = Field(max_length=80)
    incoterm: str
    target_date: date
    currency: str
    deadline: datetime
    max_quotes: int = 5


class RfqOut(Schema):
    public_id: str
    product: str
    hs_code: str
    spec: str
    quantity: Decimal
    unit: str
    destination_country: str
    destination_port: str
    incoterm: str
    target_date: date
    currency: str
    deadline: datetime
    max_quotes: int
    status: str
    invited: list[str]


class TierIn(Schema):
    min_quantity: Decimal
    unit_price: Decimal


class ExportQuoteIn(Schema):
    exporter: str = Field(max_length=16)
    currency: str
    tiers: list[TierIn]
    moq: Decimal
    incoterm: str
    named_port: str = Field(max_length=80)
    lead_time_days: int
    valid_until: date
    deposit_percent: int = 30
    payment_terms: str = Field(max_length=255)
    packaging: str = Field(max_length=255)


class TierOut(Schema):
    min_quantity: Decimal
    unit_price: Decimal


class CounterOut(Schema):
    unit_price: Decimal
    message: str
    status: str


class ExportQuoteOut(Schema):
    public_id: str
    rfq: str
    exporter: str
    exporter_name: str
    currency: str
    tiers: list[TierOut]
    moq: Decimal
    incoterm: str
    named_port: str
    lead_time_days: int
    valid_until: date
    deposit_percent: int
    payment_terms: str
    packaging: str
    status: str
    counter: CounterOut | None


class CounterIn(Schema):
    unit_price: Decimal
    message: str = Field(default="", max_length=500)


class ClaimAnswerIn(Schema):
    accept: bool


class InviteIn(Schema):
    exporter: str = Field(max_length=16)


class AcceptIn(Schema):
    currency: str
    quantity: Decimal | None = None
    tolerance_percent: Decimal = Decimal("5")
    delivery_from: date | None = None
    delivery_to: date | None = None
    inspection_terms: str = Field(default="", max_length=255)
    allowed_grades: list[str] | None = None


class RequirementOut(Schema):
    kind: str
    label: str
    reason: str
    generated: bool
    needed_to_ship: bool
    present: bool


class ContractOut(Schema):
    public_id: str
    code: str
    rfq: str
    quote: str
    exporter: str
    goods: str
    hs_code: str
    quantity_kg: Decimal
    tolerance_percent: Decimal
    unit_price_per_kg: Decimal
    currency: str
    total: Decimal
    deposit: Decimal
    incoterm: str
    named_port: str
    destination_country: str
    destination_port: str
    delivery_from: date
    delivery_to: date
    payment_terms: str
    inspection_terms: str
    allowed_grades: list[str]
    status: str
    documents: list[RequirementOut]
    milestones: list[str]


def rfq_out(rfq) -> dict:
    return {
        **{
            f: getattr(rfq, f)
            for f in (
                "public_id",
                "product",
                "spec",
                "quantity",
                "unit",
                "destination_country",
                "destination_port",
                "incoterm",
                "target_date",
                "currency",
                "deadline",
                "max_quotes",
                "status",
            )
        },
        "hs_code": rfq.hs_code.code,
        "invited": [i.exporter.public_id for i in rfq.invites.select_related("exporter")],
    }


def quote_out(quote) -> dict:
    from ..models import Counter

    counter = Counter.objects.filter(quote=quote).first()
    return {
        "public_id": quote.public_id,
        "rfq": quote.rfq.public_id,
        "exporter": quote.exporter.public_id,
        "exporter_name": quote.exporter.organisation.name,
        "currency": quote.currency,
        "tiers": [{"min_quantity": t.min_quantity, "unit_price": t.unit_price} for t in quote.tiers.all()],
        "moq": quote.moq,
        "incoterm": quote.incoterm,
        "named_port": quote.named_port,
        "lead_time_days": quote.lead_time_days,
        "valid_until": quote.valid_until,
        "deposit_percent": quote.deposit_percent,
        "payment_terms": quote.payment_terms,
        "packaging": quote.packaging,
        "status": quote.status,
        "counter": (
            {"unit_price": counter.unit_price, "message": counter.message, "status": counter.status}
            if counter
            else None
        ),
    }


def contract_out(contract) -> dict:
    present = set(contract.documents.values_list("kind", flat=True))
    return {
        **{
            f: getattr(contract, f)
            for f in (
                "public_id",
                "code",
                "goods",
                "quantity_kg",
                "tolerance_percent",
                "unit_price_per_kg",
                "currency",
                "total",
                "deposit",
                "incoterm",
                "named_port",
                "destination_country",
                "destination_port",
                "delivery_from",
                "delivery_to",
                "payment_terms",
                "inspection_terms",
                "allowed_grades",
                "status",
            )
        },
        "rfq": contract.rfq.public_id,
        "quote": contract.quote.public_id,
        "exporter": contract.exporter.public_id,
        "hs_code": contract.hs_code.code,
        "documents": [
            {
                "kind": r.kind,
                "label": r.get_kind_display(),
                "reason": reason_text(r.reason),
                "generated": r.generated,
                "needed_to_ship": r.needed_to_ship,
                "present": r.generated or r.kind in present,
            }
            for r in contract.requirements.all()
        ],
        "milestones": list(contract.milestones.values_list("kind", flat=True)),
    }


def _rfq(public_id: str, user):
    rfq = found(selectors.rfq_by_public_id(public_id), _("No request for quotation has this id."))
    require(user, "export.view_rfq", rfq)
    return rfq


def _quote(public_id: str, user):
    quote = found(selectors.quote_by_public_id(public_id), _("No quote has this id."))
    require(user, "export.view_quote", quote)
    return quote


def contract_for(public_id: str, user):
    contract = found(selectors.contract_by_public_id(public_id), _("No contract has this id."))
    require(user, "export.view_contract", contract)
    return contract


@router.post("/rfqs", response={201: RfqOut, **ERRORS}, summary="Post a request for quotation")
def rfq_create(request, payload: RfqIn):
    with transaction.atomic():
        rfq = services.rfq_post(buyer=request.auth, **payload.model_dump())
    return Status(201, rfq_out(rfq))


@router.get("/rfqs", response={200: list[RfqOut], **ERRORS}, summary="RFQs I may see")
def rfq_list(request):
    """A buyer's own RFQs, the RFQs an exporter I manage is invited to; facilitators see all."""
    from ..models import Rfq

    user = request.auth
    if is_facilitator(user):
        rows = Rfq.objects.select_related("hs_code")
    else:
        rows = selectors.rfqs_for_buyer(user) | Rfq.objects.filter(
            invites__exporter__in=selectors.exporters_managed_by(user)
        )
    return [rfq_out(r) for r in rows.distinct().order_by("-created_at")]


@router.get("/rfqs/{public_id}", response={200: RfqOut, **ERRORS}, summary="One RFQ")
def rfq_get(request, public_id: str):
    return rfq_out(_rfq(public_id, request.auth))


@router.post("/rfqs/{public_id}/invites", response={201: RfqOut, **ERRORS}, summary="Invite an exporter")
def rfq_invite(request, public_id: str, payload: InviteIn):
    rfq = found(selectors.rfq_by_public_id(public_id), _("No request for quotation has this id."))
    require(request.auth, "export.facilitate")
    exporter = found(selectors.exporter_by_public_id(payload.exporter), _("No exporter has this id."))
    with transaction.atomic():
        services.rfq_invite(actor=request.auth, rfq=rfq, exporter=exporter)
    return Status(201, rfq_out(rfq))


@router.post("/rfqs/{public_id}/quotes", response={201: ExportQuoteOut, **ERRORS}, summary="Quote on an RFQ")
def quote_create(request, public_id: str, payload: ExportQuoteIn):
    rfq = _rfq(public_id, request.auth)
    exporter = found(selectors.exporter_by_public_id(payload.exporter), _("No exporter has this id."))
    data = payload.model_dump(exclude={"exporter"})
    data["tiers"] = [t.model_dump() for t in payload.tiers]
    with transaction.atomic():
        quote = services.quote_submit(actor=request.auth, rfq=rfq, exporter=exporter, **data)
    return Status(201, quote_out(quote))


@router.get(
    "/rfqs/{public_id}/quotes", response={200: list[ExportQuoteOut], **ERRORS}, summary="Quotes, side by side"
)
def quote_list(request, public_id: str):
    """The buyer sees every quote on their RFQ; an exporter only its own."""
    rfq = _rfq(public_id, request.auth)
    return [quote_out(q) for q in selectors.quotes_visible(request.auth, rfq)]


@router.post(
    "/quotes/{public_id}/counter", response={201: ExportQuoteOut, **ERRORS}, summary="Counter a quote once"
)
def counter_create(request, public_id: str, payload: CounterIn):
    quote = _quote(public_id, request.auth)
    with transaction.atomic():
        services.counter_make(buyer=request.auth, quote=quote, **payload.model_dump())
    return Status(201, quote_out(quote))


@router.post(
    "/quotes/{public_id}/counter/answer", response={200: ExportQuoteOut, **ERRORS}, summary="Answer a counter"
)
def counter_reply(request, public_id: str, payload: ClaimAnswerIn):
    quote = _quote(public_id, request.auth)
    with transaction.atomic():
        services.counter_answer(actor=request.auth, quote=quote, accept=payload.accept)
    return quote_out(quote)


@router.post("/quotes/{public_id}/accept", response={201: ContractOut, **ERRORS}, summary="Accept a quote")
def quote_accept(request, public_id: str, payload: AcceptIn):
    quote = _quote(public_id, request.auth)
    with transaction.atomic():
        contract = services.quote_accept(buyer=request.auth, quote=quote, **payload.model_dump())
    return Status(201, contract_out(contract))


@router.get("/contracts", response={200: list[ContractOut], **ERRORS}, summary="Contracts I am party to")
def contract_list(request):
    return [contract_out(c) for c in selectors.contracts_visible(request.auth)]


@router.get("/contracts/{public_id}", response={200: ContractOut, **ERRORS}, summary="One contract")
def contract_get(request, public_id: str):
    return contract_out(contract_for(public_id, request.auth))


@router.get("/contracts/{public_id}/contract.pdf", response={200: None, **ERRORS}, summary="The contract PDF")
def contract_pdf(request, public_id: str):
    contract = contract_for(public_id, request.auth)
    with translation.override(request.auth.language or "en"):
        body = pdfs.contract_pdf(contract)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contract-{contract.code}.pdf"'
    return response
