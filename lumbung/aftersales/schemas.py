from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class AftersalesError(Schema):
    code: str
    message: str
    details: dict


class CaseOpenIn(Schema):
    order: str = Field(description="The order's public id")
    kind: str = Field(description="return, complaint or dispute")
    reason: str
    lines: list[str] = Field(default_factory=list, description="Public ids of the order lines concerned")
    on_behalf_of: str | None = Field(
        None, description="An agent filing for a villager: the villager's public id"
    )


class CaseAnswerIn(Schema):
    remedy: str = Field(description="refund, replacement or reject")
    amount: Decimal | None = Field(None, description="For a refund, in the order's currency")
    message: str = ""


class DecideIn(Schema):
    remedy: str = Field(description="refund, replacement or reject")
    amount: Decimal | None = None
    message: str


class MessageIn(Schema):
    message: str = ""
    on_behalf_of: str | None = None


class CaseEventOut(Schema):
    at: datetime
    role: str
    action: str
    actor: str
    on_behalf_of: str
    from_status: str
    to_status: str
    message: str


class CaseOut(Schema):
    id: str
    code: str
    order: str
    order_code: str
    shop: str
    kind: str
    status: str
    reason: str
    currency: str
    centre: str | None
    offer: str | None
    offer_amount: str | None
    offer_message: str
    outcome: str | None
    outcome_amount: str | None
    return_parcel: str | None
    replacement_parcel: str | None
    due_at: datetime | None
    opened_at: datetime
    closed_at: datetime | None
    actions: list[str]
    lines: list[str] = []
    photos: list[str] = []
    events: list[CaseEventOut] = []


class CasePageOut(Schema):
    items: list[CaseOut]
