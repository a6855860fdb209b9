"""A hypothesis state machine over checkout, pay, cancel, deliver, complete, partial refund and payout,
across three shops (two in rupiah, one in yuan paid in rupiah), with uneven amounts.

After every step: each entry balances per currency, cached balances equal their postings, no account
that must stay at or above zero is below it, and each order's escrow holds exactly what is owed
(paid and not yet released or refunded), in the order's currency, with nothing left in transit.
"""

from decimal import ROUND_DOWN, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from lumbung.core.errors import DomainError
from lumbung.core.money import Money, quantum
from lumbung.ledger.models import LedgerAccount
from lumbung.ledger.verify import ledger_verify
from lumbung.orders import services
from lumbung.orders.accounts import escrow_code, escrow_settlement_code, seller_payable_code
from lumbung.orders.models import Order
from lumbung.orders.states import ESCROW_HELD, OrderStatus
from lumbung.payments.services import Destination, payout_request

from . import factories as f

pytestmark = pytest.mark.django_db

S = OrderStatus


class World:
    """Built once per test: shops with uneven prices and deep stock, buyers, staff, a CNY rate."""

    def __init__(self):
        f.cny_rate("2213.37")
        self.shops = [
            f.shop_with_variant(price="12347", stock=100_000),
            f.shop_with_variant(price="9999", stock=100_000),
            f.shop_with_variant(price="17.77", stock=100_000, currency="CNY"),
        ]
        self.buyers = [f.buyer(), f.buyer()]
        self.staff = f.staff()


class OrderMachine(RuleBasedStateMachine):
    world: World

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.orders: list[int] = []
        self.keys = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    def _in(self, *statuses):
        return [pk for pk in self.orders if Order.objects.filter(pk=pk, status__in=statuses).exists()]

    def _try(self, act):
        """A refused act must leave nothing behind: run it in a savepoint."""
        try:
            with transaction.atomic():
                act()
        except DomainError:
            pass

    @rule(shop=st.integers(0, 2), quantity=st.integers(1, 4), buyer=st.integers(0, 1))
    def checkout(self, shop, quantity, buyer):
        shop_, variant = self.world.shops[shop]
        user = self.world.buyers[buyer]
        area = shop_.village if shop_.currency == "CNY" else None
        result = f.checkout(user, (variant, quantity), area=area, key=self._key())
        self.orders.extend(o.pk for o in result.orders)

    @precondition(lambda self: self._in(S.PLACED))
    @rule(data=st.data())
    def pay(self, data):
        f.pay(Order.objects.get(pk=data.draw(st.sampled_from(self._in(S.PLACED)))))

    @precondition(lambda self: self._in(S.PLACED, S.PAID, S.ACCEPTED))
    @rule(data=st.data())
    def cancel(self, data):
        order = Order.objects.get(pk=data.draw(st.sampled_from(self._in(S.PLACED, S.PAID, S.ACCEPTED))))
        self._try(lambda: services.order_cancel(order=order, actor=self.world.staff, reason="test"))

    @precondition(lambda self: self._in(S.PAID))
    @rule(data=st.data())
    def deliver(self, data):
        order = Order.objects.get(pk=data.draw(st.sampled_from(self._in(S.PAID))))
        seller = f.seller_of(order)
        services.order_accept(order=order, actor=seller)
        services.order_mark_delivered(order=order, actor=seller)

    @precondition(lambda self: self._in(S.DELIVERED))
    @rule(data=st.data())
    def complete(self, data):
        order = Order.objects.get(pk=data.draw(st.sampled_from(self._in(S.DELIVERED))))
        services.order_complete(order=order, actor=order.buyer)

    @precondition(lambda self: self._in(*ESCROW_HELD, S.COMPLETED))
    @rule(data=st.data(), share=st.integers(1, 100))
    def refund(self, data, share):
        order = Order.objects.get(pk=data.draw(st.sampled_from(self._in(*ESCROW_HELD, S.COMPLETED))))
        left = order.total - order.refunded
        amount = (left * share / 100).quantize(quantum(order.currency), rounding=ROUND_DOWN)
        if amount <= 0:
            return
        self._try(
            lambda: services.order_refund(
                order=order,
                amount=Money(amount, order.currency),
                actor=self.world.staff,
                reason="test",
                idempotency_key=self._key(),
            )
        )

    @rule(shop=st.integers(0, 2), share=st.integers(1, 100))
    def payout(self, shop, share):
        shop_ = self.world.shops[shop][0]
        code = seller_payable_code(shop_.organisation.public_id)
        account = LedgerAccount.objects.filter(code=code).first()
        if account is None or account.balance <= 0:
            return
        amount = (account.balance * share / 100).quantize(quantum(account.currency), rounding=ROUND_DOWN)
        if amount <= 0:
            return
        destination = Destination(bank_code="014", account_number="1234567890", account_name="Ibu Tani")
        self._try(
            lambda: payout_request(
                owner_org=shop_.organisation,
                account_code=code,
                amount=Money(amount, account.currency),
                destination=destination,
            )
        )

    @invariant()
    def ledger_is_sound(self):
        report = ledger_verify()
        assert not report.unbalanced_entries
        assert not report.stale_balances
        assert not report.negative_accounts
        assert not report.unbalanced_currencies

    @invariant()
    def escrow_holds_what_is_owed(self):
        for order in Order.objects.filter(pk__in=self.orders):
            owed = order.total - order.refunded if order.status in ESCROW_HELD else Decimal(0)
            assert f.balance(escrow_code(order.public_id)) == owed, (order.code, order.status)
            if order.settles_in_other_currency:
                assert f.balance(escrow_settlement_code(order)) == 0
            assert 0 <= order.refunded <= order.total


def test_orders_money_state_machine():
    OrderMachine.world = World()
    run_state_machine_as_test(
        OrderMachine,
        settings=settings(
            max_examples=200,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
