"""Pools over the API: open, pledge, weigh in deliveries, close, assemble lots, pay producers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from lumbung.accounts.models import User
from lumbung.core.idempotency import fingerprint, run_idempotent, scope_for
from lumbung.core.money import Money
from lumbung.core.permissions import require
from lumbung.quality.models import Inspection

from ..models import Delivery, Pool, ProducerPayout
from ..services import pooling as services
from .common import ERRORS, found
from .trade import contract_for

router = Router()


class PoolIn(Schema):
    grade_prices: dict[str, Decimal] = Field(description="Rupiah per kg for each grade, e.g. {'A': 42000}")


class PledgeIn(Schema):
    quantity_kg: Decimal
    cap: bool = Field(default=False, description="Cap the pledge to what is still needed instead of refusing")


class DeliveryIn(Schema):
    producer: str = Field(max_length=16, description="The producer's public id")
    weight_kg: Decimal
    grade: str = ""
    quality_check: str = Field(default="", max_length=16, description="A quality inspection's public id")
    harvested_on: date
    packed_on: date | None = None
    note: str = Field(default="", max_length=255)


class CloseIn(Schema):
    accept_short: bool = False


class LotIn(Schema):
    deliveries: list[str]
    packages: int
    gross_kg: Decimal
    marks: str = Field(max_length=255)


class PoolPayoutIn(Schema):
    amount: Decimal | None = Field(default=None, description="Rupiah to distribute; default Σ weight × price")


class ConsentIn(Schema):
    show_first_name: bool


class PledgeOut(Schema):
    producer: str
    quantity_kg: Decimal
    asked_kg: Decimal


class DeliveryOut(Schema):
    public_id: str
    producer: str
    village: str
    weight_kg: Decimal
    grade: str
    status: str
    harvested_on: date
    packed_on: date | None
    lot: str | None


class LotOut(Schema):
    public_id: str
    code: str
    grade: str
    net_kg: Decimal
    gross_kg: Decimal
    packages: int
    marks: str
    status: str
    sub_lots: list[str]


class PoolOut(Schema):
    public_id: str
    contract: str
    needed_kg: Decimal
    pledged_kg: Decimal
    accepted_kg: Decimal
    grade_prices: dict[str, str]
    status: str
    pledges: list[PledgeOut]
    deliveries: list[DeliveryOut]
    lots: list[LotOut]


class PayoutLineOut(Schema):
    pool: str
    contract: str
    accepted_kg: Decimal
    amount: Decimal
    currency: str
    account: str
    at: datetime


class PoolPayoutOut(Schema):
    public_id: str
    amount: Decimal
    rounding_rule: str
    ledger_entry: str
    lines: list[dict]


def lot_out(lot) -> dict:
    return {
        "public_id": lot.public_id,
        "code": lot.code,
        "grade": lot.grade,
        "net_kg": lot.net_kg,
        "gross_kg": lot.gross_kg,
        "packages": lot.packages,
        "marks": lot.marks,
        "status": lot.status,
        "sub_lots": [c.delivery.public_id for c in lot.components.select_related("delivery")],
    }


def pool_out(pool: Pool, user) -> dict:
    from ..rules import can_view_contract

    full = can_view_contract(user, pool.contract)
    deliveries = pool.deliveries.select_related("producer", "village", "component__lot")
    pledges = pool.pledges.select_related("producer")
    if not full:  # a member producer sees the totals and only their own rows
        deliveries = deliveries.filter(producer=user)
        pledges = pledges.filter(producer=user)
    return {
        "public_id": pool.public_id,
        "contract": pool.contract.public_id,
        "needed_kg": pool.needed_kg,
        "pledged_kg": services.pledged_kg(pool),
        "accepted_kg": services.accepted_kg(pool),
        "grade_prices": pool.grade_prices,
        "status": pool.status,
        "pledges": [
            {"producer": p.producer.public_id, "quantity_kg": p.quantity_kg, "asked_kg": p.asked_kg}
            for p in pledges
        ],
        "deliveries": [
            {
                "public_id": d.public_id,
                "producer": d.producer.public_id,
                "village": d.village.path,
                "weight_kg": d.weight_kg,
                "grade": d.grade,
                "status": d.status,
                "harvested_on": d.harvested_on,
                "packed_on": d.packed_on,
                "lot": d.component.lot.public_id if hasattr(d, "component") else None,
            }
            for d in deliveries
        ],
        "lots": [lot_out(lot) for lot in pool.lots.all()] if full else [],
    }


def _pool(public_id: str, user) -> Pool:
    pool = found(
        Pool.objects.select_related("contract", "exporter__organisation").filter(public_id=public_id).first(),
        _("No pool has this id."),
    )
    require(user, "export.view_pool", pool)
    return pool


@router.post(
    "/contracts/{public_id}/pool", response={201: PoolOut, **ERRORS}, summary="Open the contract's pool"
)
def pool_create(request, public_id: str, payload: PoolIn):
    contract = contract_for(public_id, request.auth)
    with transaction.atomic():
        pool = services.pool_open(actor=request.auth, contract=contract, grade_prices=payload.grade_prices)
    return Status(201, pool_out(pool, request.auth))


@router.get("/pools/{public_id}", response={200: PoolOut, **ERRORS}, summary="A pool")
def pool_get(request, public_id: str):
    return pool_out(_pool(public_id, request.auth), request.auth)


@router.post("/pools/{public_id}/pledges", response={201: PoolOut, **ERRORS}, summary="Pledge to a pool")
def pledge_create(request, public_id: str, payload: PledgeIn):
    pool = _pool(public_id, request.auth)
    with transaction.atomic():
        services.pledge_make(
            producer=request.auth, pool=pool, quantity_kg=payload.quantity_kg, cap=payload.cap
        )
    return Status(201, pool_out(pool, request.auth))


@router.post(
    "/pools/{public_id}/deliveries", response={201: DeliveryOut, **ERRORS}, summary="Weigh in a delivery"
)
def delivery_create(request, public_id: str, payload: DeliveryIn):
    pool = _pool(public_id, request.auth)
    producer = found(User.objects.filter(public_id=payload.producer).first(), _("No producer has this id."))
    check = None
    if payload.quality_check:
        check = found(
            Inspection.objects.filter(public_id=payload.quality_check).first(),
            _("No quality check has this id."),
        )
    with transaction.atomic():
        d = services.delivery_record(
            actor=request.auth,
            pool=pool,
            producer=producer,
            weight_kg=payload.weight_kg,
            grade=payload.grade,
            quality_check=check,
            harvested_on=payload.harvested_on,
            packed_on=payload.packed_on,
            note=payload.note,
        )
    return Status(
        201,
        {
            "public_id": d.public_id,
            "producer": producer.public_id,
            "village": d.village.path,
            "weight_kg": d.weight_kg,
            "grade": d.grade,
            "status": d.status,
            "harvested_on": d.harvested_on,
            "packed_on": d.packed_on,
            "lot": None,
        },
    )


@router.post("/pools/{public_id}/close", response={200: PoolOut, **ERRORS}, summary="Close a pool")
def pool_close(request, public_id: str, payload: CloseIn):
    pool = _pool(public_id, request.auth)
    with transaction.atomic():
        pool = services.pool_close(actor=request.auth, pool=pool, accept_short=payload.accept_short)
    return pool_out(pool, request.auth)


@router.post("/pools/{public_id}/lots", response={201: LotOut, **ERRORS}, summary="Assemble an export lot")
def lot_create(request, public_id: str, payload: LotIn):
    pool = _pool(public_id, request.auth)
    rows = list(Delivery.objects.filter(public_id__in=payload.deliveries, pool=pool))
    if len(rows) != len(set(payload.deliveries)):
        found(None, _("No delivery of this pool has one of these ids."))
    with transaction.atomic():
        lot = services.lot_assemble(
            actor=request.auth,
            pool=pool,
            deliveries=rows,
            packages=payload.packages,
            gross_kg=payload.gross_kg,
            marks=payload.marks,
        )
    return Status(201, lot_out(lot))


@router.post(
    "/pools/{public_id}/payout", response={201: PoolPayoutOut, **ERRORS}, summary="Pay the producers"
)
def payout_create(
    request,
    public_id: str,
    payload: PoolPayoutIn,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
):
    """Computed once per pool, pro rata by largest remainder. Requires an ``Idempotency-Key`` header."""
    pool = _pool(public_id, request.auth)
    require(request.auth, "export.manage_exporter", pool.exporter)

    def run():
        amount = Money(payload.amount, "IDR") if payload.amount is not None else None
        result = services.payout_compute(actor=request.auth, pool=pool, amount=amount)
        body = {
            "public_id": result.public_id,
            "amount": str(result.amount),
            "rounding_rule": result.rounding_rule,
            "ledger_entry": result.ledger_entry,
            "lines": [
                {"producer": p.producer.public_id, "accepted_kg": str(p.accepted_kg), "amount": str(p.amount)}
                for p in result.lines.select_related("producer")
            ],
        }
        return 201, body

    with transaction.atomic():
        answer = run_idempotent(
            scope=scope_for(request.auth),
            key=idempotency_key,
            request_fingerprint=fingerprint("POST", "export.payout", pool.public_id, str(payload.amount)),
            func=run,
        )
    return Status(answer.status_code, answer.body)


@router.get("/me/payouts", response={200: list[PayoutLineOut], **ERRORS}, summary="My producer payouts")
def my_payouts(request):
    rows = ProducerPayout.objects.filter(producer=request.auth).select_related("run__pool__contract")
    return [
        {
            "pool": p.run.pool.public_id,
            "contract": p.run.pool.contract.code,
            "accepted_kg": p.accepted_kg,
            "amount": p.amount,
            "currency": p.run.currency,
            "account": p.account_code,
            "at": p.run.at,
        }
        for p in rows
    ]


@router.post("/me/provenance-consent", response={200: ConsentIn, **ERRORS}, summary="Show my first name?")
def consent(request, payload: ConsentIn):
    row = services.consent_set(producer=request.auth, show_first_name=payload.show_first_name)
    return {"show_first_name": row.show_first_name}
