"""The after-sales API (/api/aftersales): open a case, list and read cases, and every act on one.

Thin: each operation finds the case the caller may see (anything else is 404), calls one service and
shapes the answer. The POSTs that move money — accepting an offer and deciding a case — need an
``Idempotency-Key`` (the same key replays the first answer); opening takes one too when sent, so a
retried upload opens one case.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Header, Router, Status
from ninja.files import UploadedFile

from lumbung.accounts.api_auth import api_auth
from lumbung.accounts.models import User
from lumbung.core.idempotency import fingerprint, run_idempotent, scope_for
from lumbung.orders.models import Order
from lumbung.orders.selectors import order_for_viewer

from . import selectors, services
from .errors import CaseNotFound, invalid
from .schemas import AftersalesError, CaseAnswerIn, CaseOpenIn, CaseOut, CasePageOut, DecideIn, MessageIn
from .serialise import case_dict

router = Router(tags=["aftersales"], auth=api_auth)
ERRORS = {
    400: AftersalesError,
    401: AftersalesError,
    403: AftersalesError,
    404: AftersalesError,
    409: AftersalesError,
    422: AftersalesError,
}
KEY = Header(
    None, alias="Idempotency-Key", description="A fresh random value per intended action; resend it on retry"
)
LIST_LIMIT = 100


def _case(request, public_id: str):
    return selectors.case_for_viewer(public_id=public_id, user=request.auth)


def _villager(public_id: str | None):
    if not public_id:
        return None
    villager = User.objects.filter(public_id=public_id, is_active=True).first()
    if villager is None:
        raise invalid("on_behalf_of", _("Unknown villager."))
    return villager


def _out(request, public_id: str) -> dict:
    fresh = selectors.case_for_viewer(public_id=public_id, user=request.auth)
    return CaseOut.model_validate(case_dict(fresh, request.auth, events=True)).model_dump(mode="json")


def _idempotent(request, key, payload, func):
    answer = run_idempotent(
        scope=scope_for(request.auth),
        key=key,
        request_fingerprint=fingerprint(request.method, request.path, payload),
        func=func,
    )
    return Status(answer.status_code, answer.body)


@router.post(
    "/cases",
    response={201: CaseOut, **ERRORS},
    summary="Open a return, complaint or dispute (multipart, with photos)",
)
def case_open(
    request,
    payload: Form[CaseOpenIn],
    photos: File[list[UploadedFile]] = None,
    idempotency_key: str | None = KEY,
):
    user = request.auth

    def run():
        if payload.on_behalf_of:
            # An agent for a villager: case_open checks the consent grant and that the order is theirs.
            order = Order.objects.filter(public_id=payload.order).first()
            if order is None:
                raise invalid("order", _("Unknown order."))
        else:
            order = order_for_viewer(public_id=payload.order, user=user)
        case = services.case_open(
            actor=user,
            order=order,
            kind=payload.kind,
            reason=payload.reason,
            lines=payload.lines or None,
            photos=photos or (),
            on_behalf_of=_villager(payload.on_behalf_of),
        )
        return 201, _out(request, case.public_id)

    if idempotency_key:
        files = [(p.name, p.size) for p in photos or ()]
        return _idempotent(request, idempotency_key, {**payload.dict(), "photos": files}, run)
    with transaction.atomic():
        status, body = run()
    return Status(status, body)


@router.get(
    "/cases", response={200: CasePageOut, **ERRORS}, summary="Cases I opened (or filed for a villager)"
)
def cases_mine(request):
    rows = selectors.cases_of_buyer(user=request.auth)[:LIST_LIMIT]
    return {"items": [case_dict(c, request.auth) for c in rows]}


@router.get("/cases/selling", response={200: CasePageOut, **ERRORS}, summary="Cases against my shops")
def cases_selling(request, active: bool = False):
    rows = selectors.cases_of_seller(user=request.auth, active_only=active)[:LIST_LIMIT]
    return {"items": [case_dict(c, request.auth) for c in rows]}


@router.get(
    "/cases/queue",
    response={200: CasePageOut, **ERRORS},
    summary="Escalated cases waiting for my centre (or for staff)",
)
def cases_queue(request, waiting: bool = True):
    rows = selectors.cases_queue(user=request.auth, waiting_only=waiting)[:LIST_LIMIT]
    return {"items": [case_dict(c, request.auth) for c in rows]}


@router.get("/cases/{public_id}", response={200: CaseOut, **ERRORS}, summary="One case with its timeline")
def case_detail(request, public_id: str):
    return case_dict(_case(request, public_id), request.auth, events=True)


@router.get(
    "/cases/{public_id}/photos/{photo}",
    url_name="aftersales_photo",
    response={200: None, **ERRORS},
    summary="A case photo (WebP)",
)
def case_photo(request, public_id: str, photo: str):
    case = _case(request, public_id)
    row = next((p for p in case.photos.all() if p.public_id == photo), None)
    if row is None:
        raise CaseNotFound()
    response = HttpResponse(bytes(row.webp), content_type="image/webp")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _act(request, public_id: str, act):
    case = _case(request, public_id)
    with transaction.atomic():
        act(case)
    return _out(request, case.public_id)


@router.post(
    "/cases/{public_id}/answer",
    response={200: CaseOut, **ERRORS},
    summary="Seller: offer a refund or a replacement, or reject",
)
def case_answer(request, public_id: str, payload: CaseAnswerIn):
    return _act(
        request,
        public_id,
        lambda case: services.case_answer(
            actor=request.auth,
            case=case,
            remedy=payload.remedy,
            amount=payload.amount,
            message=payload.message,
        ),
    )


@router.post(
    "/cases/{public_id}/accept",
    response={200: CaseOut, **ERRORS},
    summary="Buyer: accept the seller's offer (moves the money)",
)
def case_accept(request, public_id: str, payload: MessageIn | None = None, idempotency_key: str | None = KEY):
    body = payload.dict() if payload else {}

    def run():
        case = _case(request, public_id)
        services.case_accept(actor=request.auth, case=case, on_behalf_of=_villager(body.get("on_behalf_of")))
        return 200, _out(request, case.public_id)

    return _idempotent(request, idempotency_key, body, run)


@router.post(
    "/cases/{public_id}/refuse",
    response={200: CaseOut, **ERRORS},
    summary="Buyer: refuse the offer; the centre decides",
)
def case_refuse(request, public_id: str, payload: MessageIn):
    return _act(
        request,
        public_id,
        lambda case: services.case_refuse(
            actor=request.auth,
            case=case,
            message=payload.message,
            on_behalf_of=_villager(payload.on_behalf_of),
        ),
    )


@router.post(
    "/cases/{public_id}/withdraw", response={200: CaseOut, **ERRORS}, summary="Buyer: withdraw the case"
)
def case_withdraw(request, public_id: str, payload: MessageIn):
    return _act(
        request,
        public_id,
        lambda case: services.case_withdraw(
            actor=request.auth,
            case=case,
            message=payload.message,
            on_behalf_of=_villager(payload.on_behalf_of),
        ),
    )


@router.post(
    "/cases/{public_id}/comment", response={200: CaseOut, **ERRORS}, summary="Write on the case's timeline"
)
def case_comment(request, public_id: str, payload: MessageIn):
    return _act(
        request,
        public_id,
        lambda case: services.case_comment(
            actor=request.auth,
            case=case,
            message=payload.message,
            on_behalf_of=_villager(payload.on_behalf_of),
        ),
    )


@router.post(
    "/cases/{public_id}/decide",
    response={200: CaseOut, **ERRORS},
    summary="Centre agent or staff: decide an escalated case (moves the money)",
)
def case_decide(request, public_id: str, payload: DecideIn, idempotency_key: str | None = KEY):
    def run():
        case = _case(request, public_id)
        services.case_decide(
            actor=request.auth,
            case=case,
            remedy=payload.remedy,
            amount=payload.amount,
            message=payload.message,
        )
        return 200, _out(request, case.public_id)

    return _idempotent(request, idempotency_key, payload.dict(), run)


@router.post(
    "/cases/{public_id}/refer",
    response={200: CaseOut, **ERRORS},
    summary="Centre agent: pass the case to Lumbung staff",
)
def case_refer(request, public_id: str, payload: MessageIn):
    return _act(
        request,
        public_id,
        lambda case: services.case_refer(actor=request.auth, case=case, message=payload.message),
    )
