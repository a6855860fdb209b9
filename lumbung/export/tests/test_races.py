"""Real threads against PostgreSQL: a pool is never over-pledged or over-delivered, and a payout
is computed once, however many requests arrive at the same moment."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from lumbung.core.errors import DomainError
from lumbung.export.models import Delivery, PayoutRun, Pledge
from lumbung.export.services import pooling

from .factories import contract, fund_exporter, member

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


def _pool(quantity="100"):
    c, manager = contract(quantity=quantity, unit="kg", tolerance="0")
    return c, manager, pooling.pool_open(actor=manager, contract=c, grade_prices={"A": "40000"})


def test_parallel_pledges_never_exceed_the_need():
    c, _manager, pool = _pool()
    producers = [member(c.exporter.organisation) for _ in range(8)]

    def pledge(n):
        with transaction.atomic():
            return pooling.pledge_make(producer=producers[n], pool=pool, quantity_kg="30")

    results = _race(8, pledge)
    assert results.count("beyond_need") == 5
    assert sum(p.quantity_kg for p in Pledge.objects.all()) == Decimal("90")


def test_parallel_deliveries_never_go_over_the_tolerance():
    c, manager, pool = _pool()
    producers = [member(c.exporter.organisation) for _ in range(6)]
    harvested = timezone.localdate() - timedelta(days=2)

    def deliver(n):
        with transaction.atomic():
            return pooling.delivery_record(
                actor=manager,
                pool=pool,
                producer=producers[n],
                weight_kg="40",
                grade="A",
                harvested_on=harvested,
            )

    results = _race(6, deliver)
    assert results.count("beyond_need") == 4
    assert sum(d.weight_kg for d in Delivery.objects.all()) == Decimal("80")


def test_a_payout_raced_from_many_requests_is_computed_once():
    c, manager, pool = _pool()
    harvested = timezone.localdate() - timedelta(days=2)
    for _ in range(4):
        pooling.delivery_record(
            actor=manager,
            pool=pool,
            producer=member(c.exporter.organisation),
            weight_kg="25",
            grade="A",
            harvested_on=harvested,
        )
    pooling.pool_close(actor=manager, pool=pool)
    fund_exporter(c, 10_000_000)

    def pay(n):
        with transaction.atomic():
            return pooling.payout_compute(actor=manager, pool=pool)

    results = _race(5, pay)
    assert results.count("payout_done") == 4
    assert PayoutRun.objects.count() == 1
