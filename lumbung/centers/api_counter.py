"""The counter over the API (/api/centers/{id}/...): the same acts as the pages, for the agent's app.

Every state-changing POST needs an ``Idempotency-Key`` header (``run_idempotent``): a retry with
the same key answers the first result and changes nothing more. Only the centre's agents may call
them; another centre's parcel or order is refused (403 ``other_centre``) with nothing changed.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Header, Schema, Status
from pydantic import Field

from lumbung.core.errors import NotFound
from lumbung.core.idempotency import fingerprint, run_idempotent, scope_for
from lumbung.core.permissions import require
from lumbung.core.schemas import ErrorOut

from . import selectors, services
from .api import ERRORS, _centre, router
from .models import AssistedAct

# Pickup-code answers may also be 429: too many wrong codes for the parcel (``services.lockout``).
CODE_ERRORS = {**ERRORS, 429: ErrorOut}


class IntakeIn(Schema):
    order_code: str = Field(max_length=16)
    weight_grams: int = Field(gt=0, le=1_000_000)
    items_counted: int = Field(ge=0, le=100_000)
    count_ok: bool
    condition_ok: bool
    standards_ok: bool
    accept: bool = True
    reason: str = Field(default="", max_length=255)
    weight_confirmed: bool = False


class IntakeOut(Schema):
    drop_off: str
    outcome: str
    order: str
    order_status: str
    parcel_code: str | None
    weight_flagged: bool


class CounterParcelOut(Schema):
    code: str
    status: str
    order: str | None


class CodeIn(Schema):
    code: str = Field(max_length=12)


class DoorIn(Schema):
    code: str = Field(default="", max_length=12)
    signature_name: str = Field(default="", max_length=120)


class AssistOrderIn(Schema):
    villager: str = Field(max_length=16, description="The villager's public id")
    variant: str = Field(max_length=16)
    quantity: int = Field(ge=1, le=999)


class AssistOrderActIn(Schema):
    villager: str = Field(max_length=16)
    order_code: str = Field(max_length=16)


class ActOut(Schema):
    receipt: str
    kind: str
    summary: str
    order: str | None
    amount: str | None
    currency: str


class CommissionLineOut(Schema):
    at: str
    reference: str
    memo: str
    change: str


class CommissionOut(Schema):
    centre: str
    currency: str
    balance: str
    lines: list[CommissionLineOut]


def _agent_centre(request, public_id: str):
    centre = _centre(public_id)
    require(request.auth, "centers.operate", centre)
    return centre


def _idempotent(request, key, parts, func):
    with transaction.atomic():
        answer = run_idempotent(
            scope=scope_for(request.auth), key=key, request_fingerprint=fingerprint(*parts), func=func
        )
    return Status(answer.status_code, answer.body)


def _order(code: str):
    from lumbung.orders.selectors import order_by_code

    order = order_by_code(code)
    if order is None:
        raise NotFound(_("No order has this code."))
    return order


def _parcel(centre, code: str):
    parcel = selectors.parcel_for_counter(centre, code)
    if parcel is None:
        raise NotFound(_("No parcel has this code."))
    return parcel


def _parcel_out(parcel) -> dict:
    parcel.refresh_from_db()
    ref = parcel.reference or ""
    return {
        "code": parcel.code,
        "status": parcel.status,
        "order": ref[6:] if ref.startswith("order:") else None,
    }


def _act_out(act: AssistedAct) -> dict:
    return {
        "receipt": act.public_id,
        "kind": act.kind,
        "summary": act.summary,
        "order": act.order.code if act.order_id else None,
        "amount": str(act.amount) if act.amount is not None else None,
        "currency": act.currency,
    }


def _villager(public_id: str):
    villager = get_user_model().objects.filter(public_id=public_id).first()
    if villager is None:
        raise NotFound(_("No villager has this id."))
    return villager


KEY = Header(default=None, alias="Idempotency-Key")


@router.post("/{public_id}/intake", response={200: IntakeOut, **ERRORS}, summary="Drop-off intake")
def intake(request: HttpRequest, public_id: str, payload: IntakeIn, idempotency_key: str | None = KEY):
    centre = _agent_centre(request, public_id)

    def run():
        order = _order(payload.order_code)
        drop = services.drop_off_intake(
            agent=request.auth, centre=centre, order=order, **payload.model_dump(exclude={"order_code"})
        )
        order.refresh_from_db()
        return 200, {
            "drop_off": drop.public_id,
            "outcome": drop.outcome,
            "order": order.code,
            "order_status": order.status,
            "parcel_code": drop.parcel.code if drop.parcel_id else None,
            "weight_flagged": drop.weight_flagged,
        }

    return _idempotent(
        request, idempotency_key, ("POST", "centers.intake", centre.public_id, payload.model_dump()), run
    )


@router.post(
    "/{public_id}/parcels/{code}/arrive",
    response={200: CounterParcelOut, **ERRORS},
    summary="Receive a parcel",
)
def arrive(request: HttpRequest, public_id: str, code: str, idempotency_key: str | None = KEY):
    centre = _agent_centre(request, public_id)

    def run():
        parcel = services.parcel_arrive(agent=request.auth, centre=centre, parcel=_parcel(centre, code))
        return 200, _parcel_out(parcel)

    return _idempotent(request, idempotency_key, ("POST", "centers.arrive", centre.public_id, code), run)


@router.post(
    "/{public_id}/parcels/{code}/collect",
    response={200: CounterParcelOut, **CODE_ERRORS},
    summary="Hand over with the pickup code",
)
def collect(
    request: HttpRequest, public_id: str, code: str, payload: CodeIn, idempotency_key: str | None = KEY
):
    centre = _agent_centre(request, public_id)

    def run():
        parcel = services.pickup_hand_over(
            agent=request.auth, centre=centre, parcel=_parcel(centre, code), code=payload.code
        )
        return 200, _parcel_out(parcel)

    return _idempotent(
        request, idempotency_key, ("POST", "centers.collect", centre.public_id, code, payload.code), run
    )


@router.post(
    "/{public_id}/parcels/{code}/out-for-delivery",
    response={200: CounterParcelOut, **ERRORS},
    summary="Take out for door delivery",
)
def out_for_delivery(request: HttpRequest, public_id: str, code: str, idempotency_key: str | None = KEY):
    centre = _agent_centre(request, public_id)

    def run():
        parcel = services.door_delivery_start(agent=request.auth, centre=centre, parcel=_parcel(centre, code))
        return 200, _parcel_out(parcel)

    return _idempotent(request, idempotency_key, ("POST", "centers.door_start", centre.public_id, code), run)


@router.post(
    "/{public_id}/parcels/{code}/deliver",
    response={200: CounterParcelOut, **CODE_ERRORS},
    summary="Delivered at the door (code or signed name)",
)
def deliver(
    request: HttpRequest, public_id: str, code: str, payload: DoorIn, idempotency_key: str | None = KEY
):
    centre = _agent_centre(request, public_id)

    def run():
        parcel = _parcel(centre, code)
        services.door_deliver(agent=request.auth, centre=centre, parcel=parcel, **payload.model_dump())
        return 200, _parcel_out(parcel)

    return _idempotent(
        request,
        idempotency_key,
        ("POST", "centers.deliver", centre.public_id, code, payload.model_dump()),
        run,
    )


@router.post(
    "/{public_id}/assisted/orders",
    response={200: ActOut, **ERRORS},
    summary="Order for a villager (pickup here, cash)",
)
def assisted_order(
    request: HttpRequest, public_id: str, payload: AssistOrderIn, idempotency_key: str | None = KEY
):
    from lumbung.catalog.models import Variant

    centre = _agent_centre(request, public_id)

    def run():
        variant = Variant.objects.filter(public_id=payload.variant).first()
        if variant is None:
            raise NotFound(_("No product variant has this id."))
        act = services.assisted_order_place(
            agent=request.auth,
            centre=centre,
            villager=_villager(payload.villager),
            variant=variant,
            quantity=payload.quantity,
            idempotency_key=f"api:{idempotency_key}",
        )
        return 200, _act_out(act)

    return _idempotent(
        request,
        idempotency_key,
        ("POST", "centers.assist_order", centre.public_id, payload.model_dump()),
        run,
    )


def _order_act(request, public_id, payload, idempotency_key, service, name):
    centre = _agent_centre(request, public_id)

    def run():
        act = service(
            agent=request.auth,
            centre=centre,
            villager=_villager(payload.villager),
            order=_order(payload.order_code),
            idempotency_key=f"api:{idempotency_key}",
        )
        return 200, _act_out(act)

    return _idempotent(request, idempotency_key, ("POST", name, centre.public_id, payload.model_dump()), run)


@router.post(
    "/{public_id}/assisted/cash",
    response={200: ActOut, **ERRORS},
    summary="Cash at the counter for a villager's order",
)
def assisted_cash(
    request: HttpRequest, public_id: str, payload: AssistOrderActIn, idempotency_key: str | None = KEY
):
    return _order_act(
        request, public_id, payload, idempotency_key, services.assisted_cash_take, "centers.assist_cash"
    )


@router.post(
    "/{public_id}/assisted/accept", response={200: ActOut, **ERRORS}, summary="Accept an order for a seller"
)
def assisted_accept(
    request: HttpRequest, public_id: str, payload: AssistOrderActIn, idempotency_key: str | None = KEY
):
    return _order_act(
        request, public_id, payload, idempotency_key, services.assisted_order_accept, "centers.assist_accept"
    )


@router.get(
    "/{public_id}/commission",
    response={200: CommissionOut, **ERRORS},
    summary="The centre's commission line by line",
)
def commission(request: HttpRequest, public_id: str):
    centre = _centre(public_id)
    require(request.auth, "centers.view_cash", centre)
    view = selectors.commission(centre)
    return {
        "centre": centre.public_id,
        "currency": view.balance.currency,
        "balance": str(view.balance.amount),
        "lines": [
            {
                "at": line.at.isoformat(),
                "reference": line.reference,
                "memo": line.memo,
                "change": str(line.change.amount),
            }
            for line in view.lines
        ],
    }
