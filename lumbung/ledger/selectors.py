"""Reading the ledger: balances (cached and derived), statements with a running balance, who owns what.

Statements are newest first, a page never splits a journal entry, and the cursor is the public id of
the last entry shown, so no sequential key leaves the server. The running balance comes from one
aggregate for the page's newest entry and is walked back in Python over the page (≤ ``MAX_PAGE``
rows), never from a loop over the account's whole history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Case, DecimalField, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import Membership, Role
from lumbung.accounts.selectors import is_platform_admin
from lumbung.core.errors import NotFound
from lumbung.core.money import DECIMAL_PLACES, MAX_DIGITS, Money

from .chart import owner_of_org, owner_of_user
from .models import DEBIT_NORMAL, JournalEntry, LedgerAccount, Posting

DEFAULT_PAGE = 50
MAX_PAGE = 200
# Roles that see an organisation's money: its owner, a BUMDes manager, a centre's agent.
MONEY_ROLES = (Role.OWNER, Role.BUMDES_MANAGER, Role.CENTRE_AGENT)


def balance(account: LedgerAccount) -> Money:
    """The cached balance, read now from the database (an instance in memory may be stale)."""
    value = LedgerAccount.objects.values_list("balance", flat=True).get(pk=account.pk)
    return Money(value, account.currency)


def balance_derived(account: LedgerAccount) -> Money:
    """The balance as the sum of the account's postings, on its normal side."""
    total = Posting.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return Money(account.sign * total, account.currency)


def normal_side(expression) -> Case:
    """SQL: ``expression`` as is on debit-normal accounts, negated on credit-normal ones."""
    field = DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    return Case(
        When(type__in=list(DEBIT_NORMAL), then=expression),
        default=expression * Value(Decimal(-1)),
        output_field=field,
    )


def derived_balance_expression() -> Case:
    """SQL for "sum of postings on the account's normal side", for annotating accounts."""
    field = DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    return normal_side(Coalesce(Sum("postings__amount"), Value(Decimal(0)), output_field=field))


def accounts_of_owner(owner: str | Iterable[str]) -> QuerySet[LedgerAccount]:
    owners = [owner] if isinstance(owner, str) else list(owner)
    return LedgerAccount.objects.filter(owner__in=owners).order_by("code")


def is_platform_staff(user) -> bool:
    """Platform staff (Django staff, or a platform admin) see every account."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or is_platform_admin(user))


def owners_for_user(user) -> list[str]:
    """The owner references whose accounts this person may see: themselves and their organisations."""
    if user is None or not user.is_authenticated:
        return []
    orgs = Membership.objects.filter(
        user=user, role__in=MONEY_ROLES, is_active=True, organisation__is_active=True
    ).values_list("organisation__public_id", flat=True)
    return [owner_of_user(user.public_id), *(owner_of_org(public_id) for public_id in orgs)]


def accounts_visible_to(user) -> QuerySet[LedgerAccount]:
    """Platform staff see every account; anyone else the accounts of the owners they stand for."""
    if is_platform_staff(user):
        return LedgerAccount.objects.order_by("code")
    return accounts_of_owner(owners_for_user(user))


def account_find(code: str) -> LedgerAccount | None:
    return LedgerAccount.objects.filter(code=code).first()


def accounts_page(
    user, *, after: str | None = None, limit: int = DEFAULT_PAGE
) -> tuple[list[LedgerAccount], str | None]:
    """One page of the accounts ``user`` may see, by code; returns them and the code to continue after."""
    accounts = accounts_visible_to(user)
    if after:
        accounts = accounts.filter(code__gt=after)
    rows = list(accounts[: limit + 1])
    return rows[:limit], (rows[limit - 1].code if len(rows) > limit else None)


@dataclass(frozen=True)
class StatementLine:
    at: datetime
    entry_id: str
    kind: str
    reference: str
    memo: str
    account_code: str
    change: Money  # on the account's normal side: + raises its balance
    balance_after: Money


@dataclass(frozen=True)
class StatementPage:
    lines: list[StatementLine]
    next_cursor: str | None


def statement(
    *,
    account: LedgerAccount | None = None,
    owner: str | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE,
) -> StatementPage:
    """One page of postings, newest first, each with the account's balance right after it.

    Give an ``account``, or an ``owner`` for all of that owner's accounts (each line then carries
    the running balance of its own account, since accounts may differ in currency).
    """
    if (account is None) == (owner is None):
        raise TypeError("statement() takes exactly one of account= or owner=")
    limit = max(1, min(limit, MAX_PAGE))
    postings = (
        Posting.objects.filter(account=account)
        if account is not None
        else Posting.objects.filter(account__owner=owner)
    )
    if cursor:
        before = JournalEntry.objects.filter(public_id=cursor).values_list("id", flat=True).first()
        if before is None:
            raise NotFound(_("That page of the statement does not exist."))
        postings = postings.filter(entry_id__lt=before)
    newest_first = postings.select_related("entry", "account").order_by("-entry_id", "-id")
    rows = list(newest_first[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        extra, rows = rows[limit], rows[:limit]
        # Never split an entry across pages: drop its postings from this page's tail.
        whole = [row for row in rows if row.entry_id != extra.entry_id]
        # (Unless one entry is larger than a page: then show that entry whole.)
        rows = whole or list(newest_first.filter(entry_id=extra.entry_id))
        if postings.filter(entry_id__lt=rows[-1].entry_id).exists():
            next_cursor = rows[-1].entry.public_id
    if not rows:
        return StatementPage([], None)
    running = _balances_through(account_ids={row.account_id for row in rows}, entry_id=rows[0].entry_id)
    lines = []
    for row in rows:
        sign = row.account.sign
        after = running[row.account_id]
        change = sign * row.amount
        lines.append(
            StatementLine(
                at=row.entry.created_at,
                entry_id=row.entry.public_id,
                kind=row.entry.kind,
                reference=row.entry.reference,
                memo=row.entry.memo,
                account_code=row.account.code,
                change=Money(change, row.currency),
                balance_after=Money(after, row.currency),
            )
        )
        running[row.account_id] = after - change
    return StatementPage(lines, next_cursor)


def _balances_through(*, account_ids: set[int], entry_id: int) -> dict[int, Decimal]:
    """Each account's normal-side balance counting every entry up to and including ``entry_id``."""
    sums = (
        Posting.objects.filter(account_id__in=account_ids, entry_id__lte=entry_id)
        .values("account_id", "account__type")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {
        row["account_id"]: (1 if row["account__type"] in DEBIT_NORMAL else -1) * row["total"] for row in sums
    }
