"""The centres API (/api/centers): find a centre, and the agent's drawer (cash-up and deposits).

- ``GET /?village=<code>``: centres serving a village (public: a buyer picks a pickup point).
- ``GET /{public_id}``: one active centre (public).
- ``GET /{public_id}/cash-up?day=YYYY-MM-DD``: the drawer's day (the centre's agents, platform admins).
- ``POST /{public_id}/cash/deposits``: record cash taken to the bank (the centre's agents), with an
  ``Idempotency-Key`` header: a retry with the same key answers the first deposit, never a second.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from lumbung.accounts.api_auth import api_auth
from lumbung.core.errors import NotFound, ValidationFailed
from lumbung.core.idempotency import fingerprint, run_idempotent, scope_for
from lumbung.core.money import Money, format_money
from lumbung.core.permissions import require
from lumbung.core.schemas import ErrorOut
from lumbung.regions.selectors import area_find, zone_label

from . import selectors, services
from .models import CashDeposit, ServiceCentre
from .schemas import CashUpOut, CentreOut, DepositIn, DepositOut

router = Router(tags=["centers"], auth=api_auth)

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _area(area) -> dict:
    return {"code": area.code, "name": area.name, "path": area.path}


def centre_out(centre: ServiceCentre) -> dict:
    return {
        "public_id": centre.public_id,
        "name": centre.name,
        "address": centre.address,
        "phone": centre.organisation.phone,
        "village": _area(centre.organisation.village),
        "villages_served": [_area(v) for v in selectors.centre_villages(centre)],
        "timezone": centre.timezone,
        "zone_label": zone_label(centre.timezone),
        "opening_hours": [{"day": day, "hours": hours} for day, hours in centre.opening_hours],
        "hub": centre.hub.public_id if centre.hub_id else None,
    }


def deposit_out(deposit: CashDeposit) -> dict:
    return {
        "public_id": deposit.public_id,
        "centre": deposit.centre.public_id,
        "amount": deposit.amount,
        "currency": deposit.currency,
        "amount_display": format_money(deposit.money),
        "bank_reference": deposit.bank_reference,
        "agent": deposit.agent.public_id,
        "ledger_entry": deposit.journal_entry.public_id,
        "created_at": deposit.created_at,
    }


def _centre(public_id: str) -> ServiceCentre:
    centre = selectors.centre_by_public_id(public_id)
    if centre is None or not centre.is_active or not centre.organisation.is_active:
        raise NotFound(_("No service centre has this id."))
    return centre


class VillageIn(Schema):
    village: str = Field(max_length=16, description="Village code, e.g. 35.07.07.2005")


class DayIn(Schema):
    day: date | None = Field(default=None, description="The day in the centre's time zone; today if omitted")


@router.get("", auth=None, response={200: list[CentreOut], **ERRORS}, summary="Centres serving a village")
def centres_list(request: HttpRequest, params: Query[VillageIn]):
    """Active centres whose service area includes the village: a buyer there may pick any as pickup point."""
    village = area_find(code=params.village)
    if village is None:
        raise ValidationFailed(
            _("No area has the code %(code)s.") % {"code": params.village}, details={"field": "village"}
        )
    return [centre_out(c) for c in selectors.centres_serving(village).prefetch_related("villages")]


@router.get("/{public_id}", auth=None, response={200: CentreOut, **ERRORS}, summary="A service centre")
def centre_get(request: HttpRequest, public_id: str):
    return centre_out(_centre(public_id))


@router.get("/{public_id}/cash-up", response={200: CashUpOut, **ERRORS}, summary="The drawer's day")
def cash_up(request: HttpRequest, public_id: str, params: Query[DayIn]):
    """Opening, received, paid out, deposited and closing for a day, from the drawer's ledger account."""
    centre = _centre(public_id)
    require(request.auth, "centers.view_cash", centre)
    result = selectors.cash_up(centre=centre, day=params.day)
    return {
        "centre": centre.public_id,
        "day": result.day,
        "currency": centre.currency,
        "opening": result.opening.amount,
        "received": result.received.amount,
        "paid_out": result.paid_out.amount,
        "deposited": result.deposited.amount,
        "closing": result.closing.amount,
        "to_deposit": result.to_deposit.amount,
        "to_deposit_display": format_money(result.to_deposit),
        "lines": [
            {
                "at": line.at,
                "kind": line.kind,
                "reference": line.reference,
                "memo": line.memo,
                "change": line.change.amount,
                "balance_after": line.balance_after.amount,
            }
            for line in result.lines
        ],
        "deposits": [deposit_out(d) for d in result.deposits],
    }


@router.post(
    "/{public_id}/cash/deposits",
    response={201: DepositOut, **ERRORS},
    summary="Record a cash deposit to the bank",
)
def deposit_create(
    request: HttpRequest,
    public_id: str,
    payload: DepositIn,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
):
    """Dr bank:platform:main / Cr cash:centre:<org>. Requires an ``Idempotency-Key`` header."""
    centre = _centre(public_id)
    require(request.auth, "centers.operate", centre)

    def record():
        deposit = services.cash_deposit_record(
            agent=request.auth,
            centre=centre,
            amount=Money(payload.amount, centre.currency),
            bank_reference=payload.bank_reference,
            idempotency_key=f"api:{idempotency_key}",
        )
        # The stored answer is replayed as JSON, so it is kept in its JSON form.
        return 201, DepositOut(**deposit_out(deposit)).model_dump(mode="json")

    answer = run_idempotent(
        scope=scope_for(request.auth),
        key=idempotency_key,
        request_fingerprint=fingerprint("POST", "centers.deposit", centre.public_id, payload.model_dump()),
        func=record,
    )
    return Status(answer.status_code, answer.body)


from . import api_counter  # noqa: E402, F401  (the counter's operations on the same router)
