"""Real threads race for one account on PostgreSQL: the conditional UPDATE lets exactly enough through.

Each thread has its own database connection (Django keeps one per thread) and its own transaction;
a barrier releases them together so their UPDATEs really collide on the row.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from lumbung.core.errors import DomainError
from lumbung.ledger import services
from lumbung.ledger.selectors import balance, balance_derived
from lumbung.ledger.services import AlreadyReversed, InsufficientFunds, Line, entry_post
from lumbung.ledger.verify import ledger_verify

from .factories import fund, money

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def race(target, count: int = THREADS) -> Counter:
    barrier = threading.Barrier(count)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            target(n)
            result = "ok"
        except DomainError as exc:  # a refusal, by its stable code
            result = exc.code
        except Exception as exc:  # anything else is a failure the test must show
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def test_twenty_debits_of_ten_from_a_hundred_let_exactly_ten_through():
    assert connection.vendor == "postgresql"
    payable = services.account_get_or_create(code="payable:seller:race", currency="IDR", name="Toko Race")
    bank = services.account_get_or_create(code="bank:platform:race", currency="IDR")
    fund(payable, 100)

    def pay_out_ten(n: int) -> None:
        entry_post(
            kind="payout",
            reference=f"payout:{n}",
            lines=[Line(payable.code, money(10)), Line(bank.code, money(-10))],
        )

    outcomes = race(pay_out_ten)
    assert outcomes == Counter({"ok": 10, InsufficientFunds.code: 10})
    assert balance(payable) == money(0)
    assert balance_derived(payable) == money(0)
    assert balance(bank) == money(-100)
    assert ledger_verify().ok


def test_racing_replays_of_one_idempotency_key_post_once():
    escrow = services.account_get_or_create(code="escrow:buyer:race", currency="IDR")
    gateway = services.account_get_or_create(code="clearing:gateway:race", currency="IDR")
    posted: set[int] = set()

    def capture(n: int) -> None:
        entry = entry_post(
            kind="payment.captured",
            reference="order:race",
            lines=[Line(gateway.code, money(5000)), Line(escrow.code, money(-5000))],
            idempotency_key="race-key",
        )
        posted.add(entry.pk)

    outcomes = race(capture, 10)
    assert outcomes == Counter({"ok": 10})
    assert len(posted) == 1
    assert balance(escrow) == money(5000)
    assert ledger_verify().ok


def test_racing_reversals_reverse_once():
    escrow = services.account_get_or_create(code="escrow:buyer:race2", currency="IDR")
    payable = services.account_get_or_create(code="payable:seller:race2", currency="IDR")
    fund(escrow, 700)
    original = entry_post(
        kind="x", reference="", lines=[Line(escrow, money(700)), Line(payable, money(-700))]
    )

    outcomes = race(lambda n: services.entry_reverse(original, reason=f"race {n}"), 10)
    assert outcomes == Counter({"ok": 1, AlreadyReversed.code: 9})
    assert balance(escrow) == money(700)
    assert balance(payable) == money(0)
    assert ledger_verify().ok
