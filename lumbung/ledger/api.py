"""The ledger API (/api/ledger), read-only: my accounts, and an account's statement.

Writes come from other apps' services (orders, payments...), never from here. An account the caller
may not see answers 404, exactly like one that does not exist, so codes (which carry public ids)
cannot be probed.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from lumbung.accounts.api_auth import api_auth
from lumbung.core.errors import NotFound
from lumbung.core.money import format_money
from lumbung.core.permissions import can

from . import selectors
from .models import LedgerAccount
from .schemas import AccountPageOut, StatementOut

router = Router(tags=["ledger"], auth=api_auth)


class PageIn(Schema):
    cursor: str | None = Field(default=None, max_length=120)
    limit: int = Field(default=selectors.DEFAULT_PAGE, ge=1, le=selectors.MAX_PAGE)


def _account(account: LedgerAccount) -> dict:
    return {
        "code": account.code,
        "name": account.name,
        "type": account.type,
        "currency": account.currency,
        "owner": account.owner,
        "allow_negative": account.allow_negative,
        "balance": account.balance_money.amount,
        "balance_display": format_money(account.balance_money),
    }


def _line(line: selectors.StatementLine) -> dict:
    return {
        "at": line.at,
        "entry_id": line.entry_id,
        "kind": line.kind,
        "reference": line.reference,
        "memo": line.memo,
        "account_code": line.account_code,
        "currency": line.change.currency,
        "change": line.change.amount,
        "change_display": format_money(line.change),
        "balance_after": line.balance_after.amount,
        "balance_display": format_money(line.balance_after),
    }


@router.get("/accounts/mine", response=AccountPageOut, summary="Accounts I may see")
def accounts_mine(request: HttpRequest, page: Query[PageIn]):
    """Your own accounts and your organisations' (owner, BUMDes manager, centre agent); staff see all.

    Ordered by code; ``next_cursor`` is the code to pass as ``cursor`` for the next page.
    """
    rows, next_cursor = selectors.accounts_page(request.auth, after=page.cursor, limit=page.limit)
    return {"accounts": [_account(a) for a in rows], "next_cursor": next_cursor}


@router.get("/accounts/{code}/statement", response=StatementOut, summary="An account's statement")
def account_statement(request: HttpRequest, code: str, page: Query[PageIn]):
    """Postings newest first, each with the balance right after it. ``next_cursor`` pages back in time."""
    account = selectors.account_find(code)
    if account is None or not can(request.auth, "ledger.view_account", account):
        raise NotFound()
    result = selectors.statement(account=account, cursor=page.cursor, limit=page.limit)
    return {
        "account": _account(account),
        "lines": [_line(line) for line in result.lines],
        "next_cursor": result.next_cursor,
    }
