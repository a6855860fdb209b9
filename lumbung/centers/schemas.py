"""Request and response bodies of the centres API. Public ids only, never primary keys."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class CentreArea(Schema):
    code: str
    name: str
    path: str


class OpeningHours(Schema):
    day: str
    hours: str


class CentreOut(Schema):
    public_id: str
    name: str
    address: str
    phone: str
    village: CentreArea
    villages_served: list[CentreArea]
    timezone: str
    zone_label: str
    opening_hours: list[OpeningHours]
    hub: str | None


class DepositIn(Schema):
    amount: Decimal = Field(gt=0, max_digits=16, decimal_places=2, examples=["250000"])
    bank_reference: str = Field(min_length=1, max_length=64, examples=["BRI-0042917"])


class DepositOut(Schema):
    public_id: str
    centre: str
    amount: Decimal
    currency: str
    amount_display: str
    bank_reference: str
    agent: str
    ledger_entry: str
    created_at: datetime


class CashLineOut(Schema):
    at: datetime
    kind: str
    reference: str
    memo: str
    change: Decimal
    balance_after: Decimal


class CashUpOut(Schema):
    centre: str
    day: date
    currency: str
    opening: Decimal
    received: Decimal
    paid_out: Decimal
    deposited: Decimal
    closing: Decimal
    to_deposit: Decimal
    to_deposit_display: str
    lines: list[CashLineOut]
    deposits: list[DepositOut]
