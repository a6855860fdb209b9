"""Proving the ledger right: the checks behind ``lumbung ledger verify``.

Each check is one aggregate query over the whole ledger (no Python loop over postings), so it stays
fast on millions of rows. On SQLite decimals are stored as floating point, so sums are compared with
a tolerance of half a cent; on PostgreSQL (numeric) any real difference is at least a whole cent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, Sum

from .models import JournalEntry, LedgerAccount, Posting
from .selectors import derived_balance_expression, normal_side

HALF_CENT = Decimal("0.005")
# Names the append-only migration installs (lumbung/ledger/migrations/0002_append_only_guards.py).
GUARDS = {
    "postgresql": {
        "ledger_posting_append_only",
        "ledger_entry_append_only",
        "ledger_posting_currency",
        "ledger_posting_balanced",
        "ledger_entry_has_postings",
        "ledger_account_fixed",
    },
    "sqlite": {
        "ledger_posting_no_update",
        "ledger_posting_no_delete",
        "ledger_entry_no_update",
        "ledger_entry_no_delete",
        "ledger_posting_currency",
        "ledger_account_fixed",
    },
}


def _off(name: str) -> Q:
    return Q(**{f"{name}__gte": HALF_CENT}) | Q(**{f"{name}__lte": -HALF_CENT})


@dataclass
class Report:
    entries: int = 0
    postings: int = 0
    accounts: int = 0
    unbalanced_entries: list[str] = field(default_factory=list)
    thin_entries: list[str] = field(default_factory=list)
    currency_mismatches: list[str] = field(default_factory=list)
    stale_balances: list[str] = field(default_factory=list)
    negative_accounts: list[str] = field(default_factory=list)
    trial_balance: dict[str, Decimal] = field(default_factory=dict)
    missing_guards: list[str] = field(default_factory=list)

    @property
    def unbalanced_currencies(self) -> list[str]:
        return [currency for currency, total in self.trial_balance.items() if abs(total) >= HALF_CENT]

    @property
    def ok(self) -> bool:
        return not (
            self.unbalanced_entries
            or self.thin_entries
            or self.currency_mismatches
            or self.stale_balances
            or self.negative_accounts
            or self.unbalanced_currencies
            or self.missing_guards
        )


def ledger_verify() -> Report:
    report = Report(
        entries=JournalEntry.objects.count(),
        postings=Posting.objects.count(),
        accounts=LedgerAccount.objects.count(),
    )
    # Every entry sums to zero in each currency.
    report.unbalanced_entries = sorted(
        set(
            Posting.objects.values("entry_id", "currency")
            .annotate(total=Sum("amount"))
            .filter(_off("total"))
            .values_list("entry__public_id", flat=True)
        )
    )
    # Every entry has at least two postings.
    report.thin_entries = sorted(
        JournalEntry.objects.annotate(lines=Count("postings"))
        .filter(lines__lt=2)
        .values_list("public_id", flat=True)
    )
    # A posting is in its account's currency.
    report.currency_mismatches = sorted(
        set(
            Posting.objects.exclude(currency=F("account__currency")).values_list(
                "entry__public_id", flat=True
            )
        )
    )
    # The cached balance equals the sum of the postings, on the account's normal side.
    report.stale_balances = list(
        LedgerAccount.objects.annotate(derived=derived_balance_expression())
        .annotate(diff=F("balance") - F("derived"))
        .filter(_off("diff"))
        .order_by("code")
        .values_list("code", flat=True)
    )
    # No account that must stay at or above zero is below it.
    report.negative_accounts = list(
        LedgerAccount.objects.filter(allow_negative=False, balance__lt=0)
        .order_by("code")
        .values_list("code", flat=True)
    )
    # Trial balance: debit-side balances minus credit-side balances is zero per currency.
    report.trial_balance = {
        row["currency"]: row["total"] or Decimal(0)
        for row in LedgerAccount.objects.values("currency")
        .annotate(total=Sum(normal_side(F("balance"))))
        .order_by("currency")
    }
    report.missing_guards = sorted(GUARDS.get(connection.vendor, set()) - _installed_triggers())
    return report


def _installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'ledger%' AND NOT tgisinternal")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ledger%'")
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}
