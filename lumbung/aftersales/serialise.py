"""A case as the API and the pages show it: public ids only, amounts as strings, the viewer's acts."""

from __future__ import annotations

from django.urls import reverse

from lumbung.core.permissions import can

from .rules import is_buyer
from .states import ACTIVE, CaseStatus


def case_actions(case, user) -> list[str]:
    """What this viewer may do to the case now (the pages show a form for each)."""
    acts = []
    if case.status == CaseStatus.OPEN and can(user, "aftersales.seller_act", case):
        acts.append("answer")
    if is_buyer(user, case):
        if case.status == CaseStatus.OFFERED:
            acts += ["accept", "refuse"]
        if case.status in ACTIVE:
            acts.append("withdraw")
    if can(user, "aftersales.decide", case):
        acts.append("decide")
    if can(user, "aftersales.refer", case):
        acts.append("refer")
    if case.status in ACTIVE:
        acts.append("comment")
    return acts


def _name(user) -> str:
    return user.get_short_name() if user is not None else ""


def _money(value) -> str | None:
    return str(value) if value is not None else None


def case_dict(case, user, *, events: bool = False) -> dict:
    body = {
        "id": case.public_id,
        "code": case.code,
        "order": case.order.public_id,
        "order_code": case.order.code,
        "shop": case.order.shop.name,
        "kind": case.kind,
        "status": case.status,
        "reason": case.reason,
        "currency": case.currency,
        "centre": case.centre.public_id if case.centre_id else None,
        "offer": case.offer or None,
        "offer_amount": _money(case.offer_amount),
        "offer_message": case.offer_message,
        "outcome": case.outcome or None,
        "outcome_amount": _money(case.outcome_amount),
        "return_parcel": case.return_parcel.code if case.return_parcel_id else None,
        "replacement_parcel": case.replacement_parcel.code if case.replacement_parcel_id else None,
        "due_at": case.due_at,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "actions": case_actions(case, user),
    }
    if events:
        body["lines"] = [c.line.public_id for c in case.lines.all()]
        body["photos"] = [
            reverse("api:aftersales_photo", kwargs={"public_id": case.public_id, "photo": p.public_id})
            for p in case.photos.all()
        ]
        body["events"] = [
            {
                "at": e.at,
                "role": e.role,
                "action": e.action,
                "actor": _name(e.actor),
                "on_behalf_of": _name(e.on_behalf_of),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "message": e.message,
            }
            for e in case.events.all()
        ]
    return body
