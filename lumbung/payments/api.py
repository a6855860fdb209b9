"""The payments API (/api/payments). Every money-moving POST needs an ``Idempotency-Key`` header and
runs through ``lumbung.core.idempotency.run_idempotent`` (same key + same body → the first answer;
another body → 409). A payment the caller may not see answers 404, like a missing one.

Creating a payment takes references ("order:<id>") that the owning app resolves for the caller
(``payments.references``): the amount and the escrow account come from there, never from the body.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lumbung.accounts.api_auth import api_auth, optional_auth
from lumbung.accounts.selectors import organisation_by_public_id
from lumbung.core.errors import NotFound, ValidationFailed
from lumbung.core.idempotency import Answer, fingerprint, run_idempotent, scope_for
from lumbung.core.money import CURRENCIES, Money, format_money
from lumbung.core.permissions import can, require
from lumbung.ledger.services import Line

from . import references, selectors, services
from .models import FxRate, Method, PaymentIntent, Payout, PayoutBatch, Refund

router = Router(tags=["payments"], auth=api_auth)
AMOUNT = r"^[0-9]{1,16}(\.[0-9]{1,2})?$"
IDEMPOTENCY_HEADER = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": True,
            "schema": {"type": "string", "maxLength": 128},
            "description": "A fresh random value per intended action, reused unchanged on retries.",
        }
    ]
}


class AllocationOut(Schema):
    reference: str
    amount: Decimal
    refunded_amount: Decimal


class IntentOut(Schema):
    public_id: str
    method: str
    status: str
    amount: Decimal
    currency: str
    amount_display: str
    refunded_amount: Decimal
    expires_at: datetime
    paid_at: datetime | None
    va_bank: str
    va_number: str
    biller_code: str
    deeplink_url: str
    has_qris: bool
    gateway_error: bool
    allocations: list[AllocationOut]
    page: str


class IntentIn(Schema):
    method: str = Field(max_length=32, description=f"One of: {', '.join(Method.values)}")
    references: list[str] = Field(min_length=1, max_length=20)


class QrisOut(Schema):
    payload: str
    svg: str


class CashIn(Schema):
    centre: str = Field(max_length=16, description="The service centre organisation's public id")


class DebitLineIn(Schema):
    account: str = Field(max_length=120)
    amount: str = Field(pattern=AMOUNT)


class RefundIn(Schema):
    reference: str = Field(max_length=128)
    amount: str = Field(pattern=AMOUNT)
    currency: str = Field(max_length=3)
    reason: str = Field(min_length=1, max_length=255)
    debit_lines: list[DebitLineIn] = Field(min_length=1, max_length=10)


class RefundOut(Schema):
    public_id: str
    payment: str
    reference: str
    amount: Decimal
    currency: str
    status: str
    entry: str


class RefundConfirmIn(Schema):
    bank_reference: str = Field(min_length=1, max_length=64)


class PayoutIn(Schema):
    organisation: str = Field(max_length=16)
    account: str = Field(max_length=120)
    amount: str = Field(pattern=AMOUNT)
    currency: str = Field(max_length=3)
    bank_code: str = Field(max_length=4)
    account_number: str = Field(max_length=20)
    account_name: str = Field(max_length=70)


class PayoutOut(Schema):
    public_id: str
    account: str
    amount: Decimal
    currency: str
    status: str


class PayoutBatchIn(Schema):
    currency: str = Field(default="IDR", max_length=3)


class PayoutBatchOut(Schema):
    public_id: str
    currency: str
    payouts: int
    total: Decimal
    confirmed: bool


class CsvIn(Schema):
    csv: str = Field(min_length=1, max_length=2_000_000)


class ResultOut(Schema):
    paid: int
    failed: int
    unchanged: int


class SettlementOut(Schema):
    paid: list[dict]
    already_paid: list[dict]
    unmatched: list[dict]


class FxIn(Schema):
    base: str = Field(max_length=3)
    quote: str = Field(max_length=3)
    rate: str = Field(pattern=r"^[0-9]{1,14}(\.[0-9]{1,10})?$")
    source: str = Field(min_length=1, max_length=120)
    valid_from: datetime | None = None


class FxOut(Schema):
    public_id: str
    base: str
    quote: str
    rate: Decimal
    source: str
    valid_from: datetime


class FxQuery(Schema):
    base: str = Field(max_length=3)
    quote: str = Field(max_length=3)


def _intent(intent: PaymentIntent) -> dict:
    return {
        "public_id": intent.public_id,
        "method": intent.method,
        "status": intent.status,
        "amount": intent.amount,
        "currency": intent.currency,
        "amount_display": format_money(intent.total),
        "refunded_amount": intent.refunded_amount,
        "expires_at": intent.expires_at,
        "paid_at": intent.paid_at,
        "va_bank": intent.va_bank,
        "va_number": intent.va_number,
        "biller_code": intent.biller_code,
        "deeplink_url": intent.deeplink_url,
        "has_qris": bool(intent.qris_payload),
        "gateway_error": bool(intent.charge_error),
        "allocations": [
            {"reference": a.reference, "amount": a.amount, "refunded_amount": a.refunded_amount}
            for a in intent.allocations.all()
        ],
        "page": f"/payments/{intent.public_id}/",
    }


def _refund(refund: Refund) -> dict:
    return {
        "public_id": refund.public_id,
        "payment": refund.intent.public_id,
        "reference": refund.reference,
        "amount": str(refund.amount),
        "currency": refund.currency,
        "status": refund.status,
        "entry": refund.entry,
    }


def _batch(batch: PayoutBatch) -> dict:
    payouts = list(batch.payouts.all())
    return {
        "public_id": batch.public_id,
        "currency": batch.currency,
        "payouts": len(payouts),
        "total": str(sum((p.amount for p in payouts), Decimal(0))),
        "confirmed": batch.confirmed_at is not None,
    }


def _money(amount: str, currency: str) -> Money:
    if currency not in CURRENCIES:
        raise ValidationFailed(_("Unknown currency: %(currency)s") % {"currency": currency})
    return Money(Decimal(amount), currency)


def _idempotent(request: HttpRequest, name: str, body: Schema | None, func) -> Answer:
    return run_idempotent(
        scope=f"{scope_for(request.auth)}:payments",
        key=request.headers.get("Idempotency-Key"),
        request_fingerprint=fingerprint(
            name, request.path, body.model_dump(mode="json") if body is not None else None
        ),
        func=func,
    )


def _visible_intent(
    request: HttpRequest, public_id: str, action: str = "payments.view_intent"
) -> PaymentIntent:
    intent = selectors.intent_by_public_id(public_id)
    if intent is None:
        raise NotFound()
    if not can(request.auth, action, intent):
        raise NotFound()
    return intent


@router.post("/intents", response={201: IntentOut}, openapi_extra=IDEMPOTENCY_HEADER, summary="Start paying")
def intent_create(request: HttpRequest, body: IntentIn):
    """Pay one or more of your own references (e.g. your orders) by a method. Gateway methods answer
    with the VA number / QR / deeplink once the gateway has answered (``gateway_error`` if it did not:
    GET the payment again later)."""

    def create():
        allocations = []
        for ref in body.references:
            payable = references.resolve(ref, request.auth)
            if payable is None:
                raise NotFound(_("Nothing to pay for %(reference)s.") % {"reference": ref})
            allocations.append(services.Allocation(ref, payable.escrow_account, payable.amount))
        intent = services.intent_create(
            payer=request.auth, allocations=allocations, method=body.method, actor=request.auth
        )
        return 201, {"intent": intent.public_id}

    answer = _idempotent(request, "intent_create", body, create)
    return Status(answer.status_code, _intent(selectors.intent_by_public_id(answer.body["intent"])))


@router.get("/intents/{public_id}", response=IntentOut, summary="A payment and its status")
def intent_detail(request: HttpRequest, public_id: str):
    return _intent(_visible_intent(request, public_id))


@router.get("/intents/{public_id}/qris", response=QrisOut, summary="The QRIS to scan")
def intent_qris(request: HttpRequest, public_id: str):
    from .qris import svg

    intent = _visible_intent(request, public_id)
    if not intent.qris_payload:
        raise NotFound(_("This payment has no QRIS code."))
    return {"payload": intent.qris_payload, "svg": svg(intent.qris_payload)}


@router.post("/intents/{public_id}/cancel", response=IntentOut, summary="Cancel a waiting payment")
def intent_cancel(request: HttpRequest, public_id: str):
    intent = _visible_intent(request, public_id, "payments.cancel_intent")
    services.intent_cancel(intent=intent, actor=request.auth, source="api")
    return _intent(selectors.intent_by_public_id(public_id))


@router.post(
    "/intents/{public_id}/cash",
    response=IntentOut,
    openapi_extra=IDEMPOTENCY_HEADER,
    summary="Cash received at a centre (agents)",
)
def cash_receive(request: HttpRequest, public_id: str, body: CashIn):
    intent = selectors.intent_by_public_id(public_id)
    centre = organisation_by_public_id(body.centre)
    if intent is None or centre is None:
        raise NotFound()
    require(request.auth, "payments.receive_cash", centre)

    def receive():
        key = request.headers.get("Idempotency-Key") or ""
        services.cash_receive(intent=intent, agent=request.auth, centre_org=centre, idempotency_key=key)
        return 200, {"intent": intent.public_id}

    answer = _idempotent(request, "cash_receive", body, receive)
    return Status(answer.status_code, _intent(selectors.intent_by_public_id(answer.body["intent"])))


@router.post(
    "/intents/{public_id}/refunds",
    response={201: RefundOut},
    openapi_extra=IDEMPOTENCY_HEADER,
    summary="Refund part or all of a payment (platform staff)",
)
def refund_issue(request: HttpRequest, public_id: str, body: RefundIn):
    intent = selectors.intent_by_public_id(public_id)
    if intent is None:
        raise NotFound()
    require(request.auth, "payments.issue_refund", intent)

    def issue():
        key = request.headers.get("Idempotency-Key") or ""
        refund = services.refund_issue(
            intent=intent,
            reference=body.reference,
            amount=_money(body.amount, body.currency),
            debit_lines=[Line(d.account, _money(d.amount, body.currency)) for d in body.debit_lines],
            reason=body.reason,
            idempotency_key=f"api:{scope_for(request.auth)}:{key}",
            actor=request.auth,
        )
        return 201, _refund(refund)

    answer = _idempotent(request, "refund_issue", body, issue)
    return Status(answer.status_code, answer.body)


@router.post(
    "/refunds/{public_id}/confirm",
    response=RefundOut,
    openapi_extra=IDEMPOTENCY_HEADER,
    summary="Finance made a manual refund transfer",
)
def refund_confirm(request: HttpRequest, public_id: str, body: RefundConfirmIn):
    refund = Refund.objects.select_related("intent").filter(public_id=public_id).first()
    if refund is None:
        raise NotFound()
    require(request.auth, "payments.issue_refund", refund.intent)

    def confirm():
        done = services.refund_confirm_manual(
            refund=refund, actor=request.auth, bank_reference=body.bank_reference
        )
        return 200, _refund(done)

    answer = _idempotent(request, "refund_confirm", body, confirm)
    return Status(answer.status_code, answer.body)


@router.post(
    "/payouts", response={201: PayoutOut}, openapi_extra=IDEMPOTENCY_HEADER, summary="Ask for a payout"
)
def payout_request(request: HttpRequest, body: PayoutIn):
    """An organisation's owner takes money from its payable (or commission) account to a bank account."""
    organisation = organisation_by_public_id(body.organisation)
    if organisation is None:
        raise NotFound()
    require(request.auth, "payments.request_payout", organisation)

    def ask():
        payout = services.payout_request(
            owner_org=organisation,
            account_code=body.account,
            amount=_money(body.amount, body.currency),
            destination=services.Destination(body.bank_code, body.account_number, body.account_name),
            actor=request.auth,
        )
        return 201, _payout(payout)

    answer = _idempotent(request, "payout_request", body, ask)
    return Status(answer.status_code, answer.body)


def _payout(payout: Payout) -> dict:
    return {
        "public_id": payout.public_id,
        "account": payout.account_code,
        "amount": str(payout.amount),
        "currency": payout.currency,
        "status": payout.status,
    }


@router.post(
    "/payout-batches",
    response={201: PayoutBatchOut},
    openapi_extra=IDEMPOTENCY_HEADER,
    summary="Batch payouts (staff)",
)
def payout_batch_create(request: HttpRequest, body: PayoutBatchIn):
    require(request.auth, "payments.manage_payouts")

    def create():
        return 201, _batch(services.payout_batch_create(actor=request.auth, currency=body.currency))

    answer = _idempotent(request, "payout_batch_create", body, create)
    return Status(answer.status_code, answer.body)


@router.get("/payout-batches/{public_id}/csv", summary="The batch as a bulk-transfer CSV (staff)")
def payout_batch_csv(request: HttpRequest, public_id: str):
    require(request.auth, "payments.manage_payouts")
    batch = PayoutBatch.objects.filter(public_id=public_id).first()
    if batch is None:
        raise NotFound()
    response = HttpResponse(services.payout_batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payouts-{batch.public_id}.csv"'
    return response


@router.post(
    "/payout-batches/{public_id}/result",
    response=ResultOut,
    openapi_extra=IDEMPOTENCY_HEADER,
    summary="The bank's result for a batch (staff)",
)
def payout_batch_result(request: HttpRequest, public_id: str, body: CsvIn):
    require(request.auth, "payments.manage_payouts")
    batch = PayoutBatch.objects.filter(public_id=public_id).first()
    if batch is None:
        raise NotFound()

    def confirm():
        rows = services.payout_result_parse(body.csv)
        return 200, services.payout_batch_confirm(batch=batch, rows=rows, actor=request.auth)

    answer = _idempotent(request, "payout_batch_result", body, confirm)
    return Status(answer.status_code, answer.body)


@router.post(
    "/qris-settlements",
    response=SettlementOut,
    openapi_extra=IDEMPOTENCY_HEADER,
    summary="The QRIS acquirer's settlement report (staff)",
)
def qris_settlement(request: HttpRequest, body: CsvIn):
    require(request.auth, "payments.confirm_qris")

    def upload():
        return 200, services.qris_settlement_import(text=body.csv, actor=request.auth)

    answer = _idempotent(request, "qris_settlement", body, upload)
    return Status(answer.status_code, answer.body)


def _fx(rate: FxRate) -> dict:
    return {
        "public_id": rate.public_id,
        "base": rate.base,
        "quote": rate.quote,
        "rate": rate.rate,
        "source": rate.source,
        "valid_from": rate.valid_from,
    }


@router.get("/fx-rates/current", response=FxOut, auth=optional_auth, summary="The exchange rate in force")
def fx_rate_current(request: HttpRequest, query: Query[FxQuery]):
    return _fx(services.fx_rate_current(query.base, query.quote))


@router.post("/fx-rates", response={201: FxOut}, summary="Enter an exchange rate (staff)")
def fx_rate_enter(request: HttpRequest, body: FxIn):
    require(request.auth, "payments.enter_fx_rate")
    rate = services.fx_rate_enter(
        base=body.base,
        quote=body.quote,
        rate=Decimal(body.rate),
        source=body.source,
        valid_from=body.valid_from,
        actor=request.auth,
    )
    return Status(201, _fx(rate))
