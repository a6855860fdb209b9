"""A state machine throws random entries at the ledger and checks the books after every step.

The model keeps its own expected balance per account, worked out independently from the service,
and predicts which entries must be refused (an account that may not go negative would). After every
step: each entry sums to zero per currency, cached balance == sum of postings == the model's, no
non-negative account is below zero, and the signed balances of each currency sum to zero.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from lumbung.core.money import MINOR_UNITS, Money
from lumbung.ledger import services
from lumbung.ledger.models import JournalEntry, LedgerAccount, Posting
from lumbung.ledger.services import AlreadyReversed, InsufficientFunds, Line, entry_post
from lumbung.ledger.verify import ledger_verify

CURRENCIES = ("IDR", "CNY", "USD")
# (code family, what the chart makes of it): two that may go negative, four that may not.
FAMILIES = (
    "equity:opening",
    "clearing:gateway",
    "cash:centre",
    "escrow:buyer",
    "payable:seller",
    "revenue:fee",
)
SEEN: Counter[str] = Counter()  # which paths the run took, summed over all examples


def amounts(currency: str) -> st.SearchStrategy[Decimal]:
    """Uneven amounts in the currency's minor unit, from one unit to a few million."""
    return st.integers(min_value=1, max_value=5_000_000).map(
        lambda n: Decimal(n).scaleb(-MINOR_UNITS[currency])
    )


def split(total: Decimal, cuts: list[int], currency: str) -> list[Decimal]:
    """Cut ``total`` into uneven positive parts (as many as fit), exactly summing to ``total``."""
    unit = Decimal(1).scaleb(-MINOR_UNITS[currency])
    units = int(total / unit)
    points = sorted({c % units for c in cuts if c % units > 0})
    bounds = [0, *points, units]
    return [Decimal(b - a) * unit for a, b in itertools.pairwise(bounds)]


def cents(value: Decimal) -> Decimal:
    """SQLite sums decimals as floats (1e-14 noise); every amount here is a whole number of cents."""
    return value.quantize(Decimal("0.01"))


class LedgerMachine(RuleBasedStateMachine):
    entries = Bundle("entries")

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in its own savepoint, rolled back in teardown: a clean ledger every time.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.accounts: dict[str, LedgerAccount] = {}
        for currency in CURRENCIES:
            for family in FAMILIES:
                code = f"{family}:{currency}"
                self.accounts[code] = services.account_get_or_create(code=code, currency=currency)
        self.expected: dict[str, Decimal] = defaultdict(Decimal)
        self.keys: dict[str, int] = {}  # idempotency key -> the entry first posted with it

    def teardown(self) -> None:
        assert ledger_verify().ok
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- the model ---------------------------------------------------------------------------------

    def _outcome(self, lines: list[Line]) -> dict[str, Decimal]:
        """Each account's balance after these lines, as the model sees it."""
        after = dict(self.expected)
        for line in lines:
            account = self.accounts[line.account if isinstance(line.account, str) else line.account.code]
            after[account.code] = after.get(account.code, Decimal(0)) + account.sign * line.amount.amount
        return after

    def _must_refuse(self, after: dict[str, Decimal]) -> bool:
        return any(after[code] < 0 and not self.accounts[code].allow_negative for code in after)

    def _post(self, lines: list[Line], **kwargs):
        after = self._outcome(lines)
        counts = (JournalEntry.objects.count(), Posting.objects.count())
        if self._must_refuse(after):
            with pytest.raises(InsufficientFunds):
                entry_post(kind="test", reference="prop", lines=lines, **kwargs)
            assert (JournalEntry.objects.count(), Posting.objects.count()) == counts
            SEEN["refused"] += 1
            return multiple()
        entry = entry_post(kind="test", reference="prop", lines=lines, **kwargs)
        self.expected.update(after)
        SEEN["posted"] += 1
        return entry.pk

    # --- rules -------------------------------------------------------------------------------------

    @rule(
        target=entries,
        currency=st.sampled_from(CURRENCIES),
        debit=st.sampled_from(FAMILIES),
        credits=st.lists(st.sampled_from(FAMILIES), min_size=1, max_size=3),
        data=st.data(),
    )
    def transfer(self, currency, debit, credits, data):
        """One debit split unevenly over one to three credits (any accounts, even the same one)."""
        total = data.draw(amounts(currency))
        parts = split(total, data.draw(st.lists(st.integers(1, 10**9), max_size=len(credits) - 1)), currency)
        lines = [Line(f"{debit}:{currency}", Money(total, currency))]
        lines += [
            Line(f"{credits[i % len(credits)]}:{currency}", Money(-p, currency)) for i, p in enumerate(parts)
        ]
        return self._post(lines)

    @rule(target=entries, data=st.data())
    def two_currencies_at_once(self, data):
        """One entry holding two balanced transfers in two different currencies."""
        first, second = data.draw(st.lists(st.sampled_from(CURRENCIES), min_size=2, max_size=2, unique=True))
        lines = []
        for currency in (first, second):
            a, b = data.draw(st.lists(st.sampled_from(FAMILIES), min_size=2, max_size=2, unique=True))
            amount = data.draw(amounts(currency))
            lines += [
                Line(f"{a}:{currency}", Money(amount, currency)),
                Line(f"{b}:{currency}", Money(-amount, currency)),
            ]
        return self._post(lines)

    @rule(
        target=entries,
        currency=st.sampled_from(CURRENCIES),
        source=st.sampled_from(("cash:centre", "escrow:buyer", "payable:seller")),
        extra=st.integers(1, 1000),
    )
    def overdraft(self, currency, source, extra):
        """Take more than a non-negative account holds: always refused, nothing written."""
        code = f"{source}:{currency}"
        account = self.accounts[code]
        unit = Decimal(1).scaleb(-MINOR_UNITS[currency])
        too_much = Money(self.expected[code] + extra * unit, currency)
        other = self.accounts[f"clearing:gateway:{currency}"]
        # Lower the source's balance by ``too_much`` on its normal side; the clearing side takes the rest.
        lines = [Line(account, -too_much * account.sign), Line(other, too_much * account.sign)]
        assert self._must_refuse(self._outcome(lines))
        return self._post(lines)

    @rule(entry_pk=consumes(entries))
    def reverse(self, entry_pk):
        entry = JournalEntry.objects.get(pk=entry_pk)
        lines = [Line(p.account.code, -p.money) for p in entry.postings.select_related("account")]
        after = self._outcome(lines)
        counts = (JournalEntry.objects.count(), Posting.objects.count())
        if self._must_refuse(after):
            with pytest.raises(InsufficientFunds):
                services.entry_reverse(entry, reason="property test")
            assert (JournalEntry.objects.count(), Posting.objects.count()) == counts
            SEEN["reversal refused"] += 1
            return
        services.entry_reverse(entry, reason="property test")
        self.expected.update(after)
        SEEN["reversed"] += 1
        # A second reversal is always refused, and changes nothing.
        with pytest.raises(AlreadyReversed):
            services.entry_reverse(JournalEntry.objects.get(pk=entry_pk), reason="again")
        assert JournalEntry.objects.count() == counts[0] + 1

    @rule(entry_pk=entries)
    def replay_idempotency_key(self, entry_pk):
        """Posting the same lines twice under one key moves money once."""
        entry = JournalEntry.objects.get(pk=entry_pk)
        key = f"prop-{entry.pk}"
        lines = [Line(p.account.code, p.money) for p in entry.postings.select_related("account")]
        if key in self.keys:
            counts = (JournalEntry.objects.count(), Posting.objects.count())
            again = entry_post(kind="test", reference="prop", lines=lines, idempotency_key=key)
            assert again.pk == self.keys[key]
            assert (JournalEntry.objects.count(), Posting.objects.count()) == counts
            SEEN["replayed"] += 1
            return
        first = self._post(lines, idempotency_key=key)
        if isinstance(first, int):
            self.keys[key] = first

    # --- invariants (three queries per step; ``ledger verify`` once per example, in teardown) ---------

    @invariant()
    def the_books_balance(self):
        # Every entry sums to zero in each of its currencies.
        sums = Posting.objects.values("entry_id", "currency").annotate(total=Sum("amount"))
        assert all(cents(row["total"]) == 0 for row in sums)
        derived = dict(
            Posting.objects.values("account_id")
            .annotate(total=Sum("amount"))
            .values_list("account_id", "total")
        )
        per_currency: dict[str, Decimal] = defaultdict(Decimal)
        for account in LedgerAccount.objects.all():
            # Cached balance == sum of its postings (normal side) == what the model expects.
            assert account.balance == account.sign * cents(derived.get(account.pk, Decimal(0))), account.code
            assert account.balance == self.expected.get(account.code, Decimal(0)), account.code
            # An account that may not go negative never does.
            assert account.allow_negative or account.balance >= 0, account.code
            per_currency[account.currency] += account.sign * account.balance
        # Debit-side balances equal credit-side balances in every currency.
        assert all(total == 0 for total in per_currency.values()), per_currency


@pytest.mark.django_db
@pytest.mark.timeout(900)  # 6,000 steps: about a minute on SQLite, two on PostgreSQL, more on a busy CI box
def test_ledger_state_machine():
    SEEN.clear()
    run_state_machine_as_test(
        LedgerMachine, settings=settings(max_examples=200, stateful_step_count=30, deadline=None)
    )
    # The run really went through every path, not just the happy one.
    assert {"posted", "refused", "reversed", "replayed"} <= set(SEEN), SEEN
