"""Real threads against PostgreSQL, each with its own connection, released together by a barrier.

64 buyers race for the last 10 units, 50 times over: exactly 10 are sold each time, the stock never
goes below zero, and every loser is told "sold out". A deliberately broken read-modify-write seller
is kept here to prove the harness catches an oversell when there is one.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from lumbung.catalog.errors import SoldOut
from lumbung.catalog.models import Variant
from lumbung.catalog.services import stock_adjust
from lumbung.catalog.tests.factories import owner_of
from lumbung.orders import services
from lumbung.orders.models import CartLine, Order

from . import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 64
UNITS = 10
ROUNDS = 50


def race(count, func):
    """Run ``func(i)`` in ``count`` threads released at once; returns each result or error code."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = func(i)
        except SoldOut as exc:
            results[i] = exc.code
        except Exception as exc:  # anything else is a failure the test reports
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def broken_sell(variant_pk: int) -> bool:
    """The bug this app must never have: read the stock, think, write it back."""
    with transaction.atomic():
        stock = Variant.objects.get(pk=variant_pk).stock
        if stock < 1:
            return False
        time.sleep(0.005)
        Variant.objects.filter(pk=variant_pk).update(stock=stock - 1)
        return True


def test_64_buyers_race_for_the_last_10_units_50_times_and_exactly_10_are_sold():
    shop, variant = f.shop_with_variant(stock=UNITS)
    buyers = [f.buyer() for _ in range(BUYERS)]
    seller = owner_of(shop)
    for round_ in range(ROUNDS):
        if round_:
            stock_adjust(actor=seller, variant=variant, delta=UNITS, reason="restock")
        carts = [services.cart_get_for_user(user=b) for b in buyers]
        # Each buyer put one unit in the cart (bulk, so the 50 rounds spend their time racing).
        CartLine.objects.bulk_create(
            [
                CartLine(cart=c, variant=variant, quantity=1, price_seen=variant.price_amount, currency="IDR")
                for c in carts
            ]
        )

        def buy(i, carts=carts, round_=round_):
            return (
                services.checkout_place(
                    actor=buyers[i],
                    buyer=buyers[i],
                    cart=carts[i],
                    address=f.address(buyers[i]),
                    shipping_method="door",
                    payment_method="qris",
                    idempotency_key=f"race-{round_}-{i}",
                )
                .orders[0]
                .public_id
            )

        results = race(BUYERS, buy)
        sold = [r for r in results if r and r != "sold_out"]
        assert len(sold) == UNITS, results
        assert results.count("sold_out") == BUYERS - UNITS, results
        assert f.stock(variant) == 0
        for cart in carts:
            services.cart_clear(cart=cart)
    assert Order.objects.count() == UNITS * ROUNDS


def test_the_harness_catches_a_read_modify_write_oversell():
    _shop, variant = f.shop_with_variant(stock=UNITS)
    oversold = 0
    for _ in range(5):
        Variant.objects.filter(pk=variant.pk).update(stock=UNITS)
        results = race(BUYERS, lambda i: broken_sell(variant.pk))
        if results.count(True) > UNITS:
            oversold += 1
    assert oversold >= 1, "the broken seller never oversold: the race harness is not racing"
