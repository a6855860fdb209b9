"""Ledger pages: the accounts you may see, and an account's statement with its running balance.

Read-only and without JavaScript. An account you may not see is a plain 404, like a missing one.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from lumbung.core.errors import NotFound
from lumbung.core.permissions import can

from . import selectors


@login_required
def accounts(request):
    rows, next_cursor = selectors.accounts_page(request.user, after=request.GET.get("cursor") or None)
    return render(request, "ledger/accounts.html", {"accounts": rows, "next_cursor": next_cursor})


@login_required
def statement(request, code: str):
    account = selectors.account_find(code)
    if account is None or not can(request.user, "ledger.view_account", account):
        raise Http404
    try:
        page = selectors.statement(account=account, cursor=request.GET.get("cursor") or None)
    except NotFound as exc:  # a stale or made-up cursor
        raise Http404 from exc
    return render(request, "ledger/statement.html", {"account": account, "page": page})
