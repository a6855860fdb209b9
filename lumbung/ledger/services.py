"""Writing to the ledger: open accounts, post balanced entries, reverse them, convert currencies.

Rules kept here (ARCHITECTURE.md, "Rules that keep money and stock right"):
- ``entry_post`` is the only writer of postings and of account balances. It runs in one transaction
  (nested as a savepoint inside the caller's), so a refusal leaves nothing behind.
- Balances change by one conditional ``UPDATE ... SET balance = balance + d WHERE ...`` per account,
  taken in primary-key order so two entries touching the same accounts cannot deadlock. A
  non-negative account's ``WHERE balance >= -d`` makes an overdraft update zero rows, which refuses the
  entry: never read, decide, then write (Saleor ADR 0004).
- Amounts are Money (Decimal + currency); rates are Decimal; floats are refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import Conflict, NotFound, ValidationFailed
from lumbung.core.money import CURRENCIES, DECIMAL_PLACES, Money, format_money, quantum

from . import chart
from .models import AccountType, JournalEntry, LedgerAccount, Posting


class InsufficientFunds(Conflict):
    code = "insufficient_funds"
    default_message = _("There is not enough money in the account.")


class UnbalancedEntry(ValidationFailed):
    code = "ledger_unbalanced"
    default_message = _("The entry does not balance: debits and credits differ.")


class AlreadyReversed(Conflict):
    code = "ledger_already_reversed"
    default_message = _("This entry has already been reversed.")


@dataclass(frozen=True)
class Line:
    """One line to post: an account (or its code) and a signed amount, debit positive."""

    account: LedgerAccount | str
    amount: Money


@dataclass(frozen=True)
class FxConversion:
    """Lines that move money from one currency to another at a stated rate, ready for ``entry_post``."""

    lines: list[Line]
    source_amount: Money
    target_amount: Money
    rounding: Money
    metadata: dict[str, Any] = field(default_factory=dict)


def account_get_or_create(
    *,
    code: str,
    currency: str,
    type: str | None = None,
    owner: str = "",
    name: str = "",
    allow_negative: bool | None = None,
) -> LedgerAccount:
    """The account with this code, opened if new. A code always means the same type and currency."""
    type, allow_negative = _account_kind(
        code=code, currency=currency, type=type, allow_negative=allow_negative
    )
    account, created = LedgerAccount.objects.get_or_create(
        code=code,
        defaults={
            "type": type,
            "currency": currency,
            "owner": owner,
            "name": name,
            "allow_negative": allow_negative,
        },
    )
    if not created and (account.type, account.currency) != (type, currency):
        raise Conflict(
            _("Account %(code)s already exists as %(type)s in %(currency)s.")
            % {"code": code, "type": account.type, "currency": account.currency}
        )
    return account


def account_create(
    *,
    code: str,
    currency: str,
    type: str | None = None,
    owner: str = "",
    name: str = "",
    allow_negative: bool | None = None,
) -> LedgerAccount:
    """Open an account whose code is new by construction (e.g. it holds a public id minted in the
    same transaction): one INSERT, no look-up first. A code already taken raises IntegrityError."""
    type, allow_negative = _account_kind(
        code=code, currency=currency, type=type, allow_negative=allow_negative
    )
    return LedgerAccount.objects.create(
        code=code, type=type, currency=currency, owner=owner, name=name, allow_negative=allow_negative
    )


def _account_kind(
    *, code: str, currency: str, type: str | None, allow_negative: bool | None
) -> tuple[str, bool]:
    """The account's type and whether it may go negative, checked against the chart."""
    family = chart.family_of(code)
    if type is None:
        if family is None:
            raise ValidationFailed(_("Say which type of account %(code)s is.") % {"code": code})
        type = family.type
    if type not in AccountType.values:
        raise ValidationFailed(_("Unknown account type: %(type)s") % {"type": type})
    if family is not None and family.type != type:
        raise ValidationFailed(
            _("Accounts named %(code)s are of type %(type)s.") % {"code": code, "type": family.type}
        )
    if currency not in CURRENCIES:
        raise ValidationFailed(_("Unknown currency: %(currency)s") % {"currency": currency})
    if allow_negative is None:
        allow_negative = chart.default_allow_negative(code, type)
    return type, allow_negative


def _code(account: LedgerAccount | str) -> str:
    return account if isinstance(account, str) else account.code


def _resolve_accounts(lines: Sequence[Line]) -> dict[str, LedgerAccount]:
    """Every line's account by code, fetched fresh in one query (cached balances are never trusted)."""
    codes = {_code(line.account) for line in lines}
    found = {a.code: a for a in LedgerAccount.objects.filter(code__in=codes)}
    missing = sorted(codes - set(found))
    if missing:
        raise NotFound(_("No ledger account %(code)s.") % {"code": missing[0]}, details={"accounts": missing})
    return found


def _check_lines(
    lines: Sequence[Line], accounts: dict[str, LedgerAccount]
) -> list[tuple[LedgerAccount, Money]]:
    if len(lines) < 2:
        raise ValidationFailed(_("A journal entry needs at least two lines."))
    checked = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        if not isinstance(line, Line) or not isinstance(line.amount, Money):
            raise TypeError("entry_post takes Line(account, Money) items")
        account = accounts[_code(line.account)]
        if line.amount.currency != account.currency:
            raise ValidationFailed(
                _("Account %(account)s keeps %(account_currency)s, not %(currency)s.")
                % {
                    "account": account.code,
                    "account_currency": account.currency,
                    "currency": line.amount.currency,
                },
                code="currency_mismatch",
            )
        if not line.amount:
            raise ValidationFailed(_("A line of a journal entry cannot be zero."))
        totals[line.amount.currency] += line.amount.amount
        checked.append((account, line.amount))
    off = {currency: str(total) for currency, total in totals.items() if total != 0}
    if off:
        raise UnbalancedEntry(details={"difference": off})
    return checked


def _same_lines(entry: JournalEntry, checked: list[tuple[LedgerAccount, Money]]) -> bool:
    stored = sorted((p.account_id, p.amount, p.currency) for p in entry.postings.all())
    asked = sorted((a.pk, m.amount, m.currency) for a, m in checked)
    return stored == asked


def _apply_balances(checked: list[tuple[LedgerAccount, Money]]) -> None:
    """Move each account's cached balance by its net change, in pk order, one conditional UPDATE each."""
    net: dict[int, Decimal] = defaultdict(Decimal)
    by_pk: dict[int, LedgerAccount] = {}
    for account, money in checked:
        net[account.pk] += account.sign * money.amount
        by_pk[account.pk] = account
    for pk in sorted(net):
        delta = net[pk]
        if delta == 0:
            continue
        rows = LedgerAccount.objects.filter(pk=pk)
        if delta < 0:
            # The decision is the database's, on the row it has locked: no read-modify-write.
            rows = rows.filter(Q(allow_negative=True) | Q(balance__gte=-delta))
        # Round keeps SQLite (which stores decimals as REAL) from drifting; on PostgreSQL it is exact.
        updated = rows.update(balance=Round(F("balance") + delta, DECIMAL_PLACES))
        if updated != 1:
            account = by_pk[pk]
            needed = Money(-delta, account.currency)
            raise InsufficientFunds(
                _("Not enough money in %(account)s to take out %(amount)s.")
                % {"account": account.name or account.code, "amount": format_money(needed)},
                details={"account": account.code, "amount": str(needed.amount), "currency": account.currency},
            )


def entry_post(
    *,
    kind: str,
    reference: str,
    lines: Sequence[Line],
    memo: str = "",
    idempotency_key: str | None = None,
    created_by: Any = None,
    metadata: dict[str, Any] | None = None,
) -> JournalEntry:
    """Post one balanced entry and move the accounts' balances, or refuse and write nothing.

    With an ``idempotency_key`` seen before, returns the entry first posted with it (and refuses a
    different set of lines under the same key).
    """
    return _post(
        kind=kind,
        reference=reference,
        lines=lines,
        memo=memo,
        idempotency_key=idempotency_key,
        created_by=created_by,
        metadata=metadata,
        reverses=None,
    )


def _post(
    *,
    kind: str,
    reference: str,
    lines: Sequence[Line],
    memo: str,
    idempotency_key: str | None,
    created_by: Any,
    metadata: dict[str, Any] | None,
    reverses: JournalEntry | None,
) -> JournalEntry:
    if not kind:
        raise ValidationFailed(_("Say what kind of entry this is."))
    checked = _check_lines(lines, _resolve_accounts(lines))
    with transaction.atomic():
        if idempotency_key:
            existing = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _replay(existing, checked)
        try:
            with transaction.atomic():
                entry = JournalEntry.objects.create(
                    kind=kind,
                    reference=reference,
                    memo=memo,
                    metadata=metadata or {},
                    created_by=created_by if getattr(created_by, "pk", None) else None,
                    reverses=reverses,
                    idempotency_key=idempotency_key or None,
                )
        except IntegrityError:
            # Another transaction committed the same key, or the same reversal, after our check.
            if idempotency_key:
                existing = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
                if existing is not None:
                    return _replay(existing, checked)
            if reverses is not None:
                raise AlreadyReversed() from None
            raise
        Posting.objects.bulk_create(
            [
                Posting(entry=entry, account=account, amount=money.amount, currency=money.currency)
                for account, money in checked
            ]
        )
        _apply_balances(checked)
    return entry


def _replay(existing: JournalEntry, checked: list[tuple[LedgerAccount, Money]]) -> JournalEntry:
    if not _same_lines(existing, checked):
        raise Conflict(
            _("This idempotency key was already used for a different entry."), code="idempotency_key_reused"
        )
    return existing


def entry_reverse(
    entry: JournalEntry,
    *,
    reason: str,
    created_by: Any = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Post the exact opposite of ``entry``, pointing back at it. An entry is reversed at most once."""
    if not reason:
        raise ValidationFailed(_("Say why the entry is reversed."))
    if entry.reverses_id is not None:
        raise Conflict(
            _("A reversal cannot be reversed; post a new entry instead."), code="ledger_reversal_of_reversal"
        )
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise AlreadyReversed()
    lines = [Line(p.account, -p.money) for p in entry.postings.select_related("account")]
    return _post(
        kind="reversal",
        reference=entry.reference,
        memo=reason,
        lines=lines,
        idempotency_key=idempotency_key,
        created_by=created_by,
        metadata={"reverses": entry.public_id, "reversed_kind": entry.kind},
        reverses=entry,
    )


def fx_convert_lines(
    *,
    source: LedgerAccount | str,
    target: LedgerAccount | str,
    amount: Money,
    rate: Decimal,
    rate_ref: str,
) -> FxConversion:
    """Lines moving ``amount`` out of ``source`` and its value, in another currency, into ``target``.

    ``rate`` is units of the target currency for one unit of the source, as a Decimal (the rate table
    comes with payments; ``rate_ref`` says which rate and from where, and is kept in the metadata).
    "Out of" and "into" are on each account's normal side, so the lines suit any account type.

    Rounding rule: the converted amount is ``amount × rate`` rounded half-up to the target's minor
    unit. The pair's source-side account takes what the converted amount is worth at the rate,
    rounded half-up to the source's minor unit; the difference (what the rounding cost or gained, in
    the source currency) is booked explicitly to ``fx:rounding:<source currency>``. With ``s`` the
    source's normal sign and ``t`` the target's, each currency sums to zero:

        source              −s × amount
        fx:<pair>:<source>  +s × equivalent
        fx:rounding:<src>   +s × (amount − equivalent)     (omitted when zero)
        fx:<pair>:<target>  −t × converted
        target              +t × converted
    """
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise ValidationFailed(_("An exchange rate must be a positive decimal number."))
    if not isinstance(amount, Money) or amount.amount <= 0:
        raise ValidationFailed(_("Convert a positive amount."))
    accounts = _resolve_accounts([Line(source, amount), Line(target, amount)])
    source_account, target_account = accounts[_code(source)], accounts[_code(target)]
    src, tgt = source_account.currency, target_account.currency
    if amount.currency != src:
        raise ValidationFailed(
            _("Account %(account)s keeps %(account_currency)s, not %(currency)s.")
            % {"account": source_account.code, "account_currency": src, "currency": amount.currency},
            code="currency_mismatch",
        )
    if src == tgt:
        raise ValidationFailed(
            _("Both accounts keep %(currency)s: there is nothing to convert.") % {"currency": src}
        )
    converted = Money((amount.amount * rate).quantize(quantum(tgt), rounding=ROUND_HALF_UP), tgt)
    if not converted:
        raise ValidationFailed(_("The amount is too small to convert at this rate."))
    equivalent = Money((converted.amount / rate).quantize(quantum(src), rounding=ROUND_HALF_UP), src)
    rounding = amount - equivalent
    pair = chart.fx_pair(src, tgt)
    source_position = account_get_or_create(
        code=chart.fx_position_code(src, tgt, src), currency=src, name=f"FX {pair} ({src})"
    )
    target_position = account_get_or_create(
        code=chart.fx_position_code(src, tgt, tgt), currency=tgt, name=f"FX {pair} ({tgt})"
    )
    s, t = source_account.sign, target_account.sign
    lines = [
        Line(source_account, -amount * s),
        Line(source_position, equivalent * s),
        Line(target_position, -converted * t),
        Line(target_account, converted * t),
    ]
    if rounding:
        rounding_account = account_get_or_create(
            code=chart.fx_rounding_code(src), currency=src, name=f"FX rounding ({src})"
        )
        lines.insert(2, Line(rounding_account, rounding * s))
    metadata = {
        "fx": {
            "pair": pair,
            "from": src,
            "to": tgt,
            "rate": str(rate),
            "rate_ref": rate_ref,
            "amount": str(amount.amount),
            "converted": str(converted.amount),
            "rounding": str(rounding.amount),
        }
    }
    return FxConversion(lines, amount, converted, rounding, metadata)
