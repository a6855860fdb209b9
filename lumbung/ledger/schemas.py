"""Response bodies of the ledger API. Accounts are named by their code; no primary key leaves."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema


class AccountOut(Schema):
    code: str
    name: str
    type: str
    currency: str
    owner: str
    allow_negative: bool
    balance: Decimal
    balance_display: str


class AccountPageOut(Schema):
    accounts: list[AccountOut]
    next_cursor: str | None


class StatementLineOut(Schema):
    at: datetime
    entry_id: str
    kind: str
    reference: str
    memo: str
    account_code: str
    currency: str
    change: Decimal
    change_display: str
    balance_after: Decimal
    balance_display: str


class StatementOut(Schema):
    account: AccountOut
    lines: list[StatementLineOut]
    next_cursor: str | None
