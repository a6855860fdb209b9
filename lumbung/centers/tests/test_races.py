"""Real threads against PostgreSQL: the drawer is never overdrawn and a deposit key acts once,
however many requests arrive at the same moment."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from lumbung.centers import services
from lumbung.centers.models import CashDeposit
from lumbung.core.errors import DomainError
from lumbung.core.idempotency import fingerprint, run_idempotent
from lumbung.core.money import Money

from .factories import agent_of, bank, centre, drawer, take_cash

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(count, func):
    barrier = threading.Barrier(count)
    results = []

    def run(n):
        try:
            barrier.wait()
            results.append(func(n))
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_deposits_never_take_more_than_the_drawer_holds():
    row = centre()
    agent = agent_of(row)
    take_cash(row, 100000)

    def deposit(n):
        with transaction.atomic():
            return services.cash_deposit_record(
                agent=agent,
                centre=row,
                amount=Money(Decimal(30000), "IDR"),
                bank_reference=f"S-{n}",
                idempotency_key=f"k-{n}",
            )

    results = _race(6, deposit)
    assert results.count("insufficient_funds") == 3
    assert CashDeposit.objects.count() == 3
    assert drawer(row) == Money(Decimal(10000), "IDR")
    assert bank() == Money(Decimal(90000), "IDR")


def test_the_same_key_sent_at_once_deposits_once():
    row = centre()
    agent = agent_of(row)
    take_cash(row, 50000)

    def deposit(_n):
        def record():
            d = services.cash_deposit_record(
                agent=agent,
                centre=row,
                amount=Money(Decimal(50000), "IDR"),
                bank_reference="S-1",
                idempotency_key="one",
            )
            return 201, {"deposit": d.public_id}

        with transaction.atomic():
            return run_idempotent(
                scope=f"user:{agent.pk}", key="one", request_fingerprint=fingerprint("d", 50000), func=record
            ).body["deposit"]

    results = _race(5, deposit)
    assert len(set(results)) == 1, results
    assert CashDeposit.objects.count() == 1
    assert drawer(row) == Money(Decimal(0), "IDR")
