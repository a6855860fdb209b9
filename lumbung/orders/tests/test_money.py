"""Escrow, fees, commissions, refunds (before and after completion), CNY orders paid in rupiah,
and the periodic jobs (under a moved clock)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from lumbung.catalog.tests.factories import category
from lumbung.core.money import Money
from lumbung.ledger.models import JournalEntry
from lumbung.orders import services
from lumbung.orders.accounts import (
    PLATFORM_FEE,
    commission_code,
    escrow_code,
    platform_fee_code,
    seller_payable_code,
)
from lumbung.orders.models import FeeRule, Order
from lumbung.orders.services import jobs
from lumbung.orders.states import OrderStatus
from lumbung.payments.models import PaymentIntent, Status

from . import factories as f

pytestmark = pytest.mark.django_db


def _deliver(order):
    seller = f.seller_of(order)
    services.order_accept(order=order, actor=seller)
    services.order_mark_delivered(order=order, actor=seller)
    order.refresh_from_db()
    return order


def _pickup_order(price="100000", quantity=1):
    """A paid order picked up at a centre: the centre earns commission."""
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(price=price, stock=10)
    centre = f.centre(buyer.village)
    cart = f.cart_with(buyer, (variant, quantity))
    order = services.checkout_place(
        actor=buyer,
        buyer=buyer,
        cart=cart,
        address=f.address(buyer),
        shipping_method="pickup",
        pickup_centre=centre,
        payment_method="qris",
        idempotency_key="p1",
    ).orders[0]
    f.pay(order)
    order.refresh_from_db()
    return order, centre


def test_fees_follow_the_category_rule_else_the_parent_else_the_default():
    parent = category(slug="makanan")
    child = category(slug="kacang", parent=parent)
    FeeRule.objects.create(category=parent, platform_fee_percent=Decimal("2.5"), centre_commission_percent=0)
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(price="10001")
    variant.product.category = child
    variant.product.save(update_fields=["category"])
    order = f.checkout(buyer, (variant, 1)).orders[0]
    assert order.platform_fee == Decimal("250")  # 2.5 % of 10,001 rounded half-up to whole rupiah
    assert order.lines.get().platform_fee == Decimal("250")


def test_completion_releases_escrow_to_seller_fee_and_centre_in_one_entry():
    order, centre = _pickup_order()
    assert order.centre_commission == Decimal("3000")  # 3 % default
    _deliver(order)
    services.order_complete(order=order, actor=order.buyer)
    entry = JournalEntry.objects.get(kind="order.escrow_release")
    amounts = {p.account.code: p.amount for p in entry.postings.select_related("account")}
    org = order.shop.organisation.public_id
    assert amounts == {
        escrow_code(order.public_id): order.total,
        seller_payable_code(org): -(order.total - Decimal("5000") - Decimal("3000")),
        PLATFORM_FEE: Decimal("-5000"),
        commission_code(centre.organisation.public_id): Decimal("-3000"),
    }


def test_partial_refund_before_completion_shrinks_fee_and_commission_in_proportion():
    order, _centre = _pickup_order()
    _deliver(order)
    half = Money(order.total / 2, "IDR")
    services.order_refund(
        order=order, amount=half, actor=f.staff(), reason="one bag torn", idempotency_key="r1"
    )
    assert f.balance(escrow_code(order.public_id)) == order.total - half.amount
    services.order_complete(order=order, actor=order.buyer)
    order.refresh_from_db()
    assert order.released_fee == Decimal("2500") and order.released_commission == Decimal("1500")
    assert f.balance(escrow_code(order.public_id)) == 0
    assert f.ledger_sums_zero()


def test_refund_after_completion_claws_back_seller_fee_and_the_commission_already_credited():
    order, centre = _pickup_order()
    _deliver(order)
    services.order_complete(order=order, actor=order.buyer)
    commission = commission_code(centre.organisation.public_id)
    payable = seller_payable_code(order.shop.organisation.public_id)
    assert f.balance(commission) == Decimal("3000")
    services.order_refund(
        order=order, amount=order.total_money, actor=f.staff(), reason="spoiled", idempotency_key="r2"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert (f.balance(commission), f.balance(payable), f.balance(PLATFORM_FEE)) == (0, 0, 0)
    assert PaymentIntent.objects.get(public_id=order.payment_intent).refunded_amount == order.total
    assert f.ledger_sums_zero()


def test_partial_refunds_after_completion_never_claw_back_more_than_was_credited():
    order, centre = _pickup_order(price="33333", quantity=1)
    _deliver(order)
    services.order_complete(order=order, actor=order.buyer)
    for n, part in enumerate(("7", "11111", "1")):
        services.order_refund(
            order=order,
            amount=Money(Decimal(part), "IDR"),
            actor=f.staff(),
            reason="part",
            idempotency_key=f"p{n}",
        )
    order.refresh_from_db()
    services.order_refund(
        order=order, amount=order.refundable_money, actor=f.staff(), reason="rest", idempotency_key="rest"
    )
    assert f.balance(commission_code(centre.organisation.public_id)) == 0
    assert f.balance(PLATFORM_FEE) == 0
    assert f.balance(seller_payable_code(order.shop.organisation.public_id)) == 0


def test_cancel_after_payment_refunds_in_full_and_returns_the_stock():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=4)
    order = f.checkout(buyer, (variant, 3)).orders[0]
    f.pay(order)
    services.order_cancel(order=order, actor=buyer, reason="changed my mind")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.refunded == order.total
    assert f.stock(variant) == 4
    assert f.balance(escrow_code(order.public_id)) == 0


def test_a_buyer_cannot_cancel_once_the_seller_accepted():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant()
    order = f.checkout(buyer, (variant, 1)).orders[0]
    f.pay(order)
    services.order_accept(order=order, actor=f.seller_of(order))
    with pytest.raises(Exception) as caught:
        services.order_cancel(order=order, actor=buyer, reason="late")
    assert caught.value.status == 403
    assert Order.objects.get(pk=order.pk).status == OrderStatus.ACCEPTED


def test_a_cny_order_is_paid_in_rupiah_and_the_seller_is_credited_in_yuan():
    f.cny_rate("2250.5")
    buyer = f.buyer()
    shop, variant = f.shop_with_variant(price="88.80", currency="CNY")
    order = f.checkout(buyer, (variant, 1), area=shop.village).orders[0]
    assert (order.currency, order.total, order.pay_currency) == ("CNY", Decimal("88.80"), "IDR")
    assert order.pay_total == Decimal("199844")  # 88.80 × 2250.5 = 199,844.4 → whole rupiah
    f.pay(order)
    assert f.balance(escrow_code(order.public_id)) == Decimal("88.80")
    assert f.balance(escrow_code(order.public_id) + ":IDR") == 0
    _deliver(order)
    services.order_refund(
        order=order, amount=Money("8.88", "CNY"), actor=f.staff(), reason="x", idempotency_key="c1"
    )
    services.order_complete(order=order, actor=buyer)
    order.refresh_from_db()
    assert (
        f.balance(seller_payable_code(shop.organisation.public_id)) == Decimal("79.92") - order.released_fee
    )
    assert f.balance(platform_fee_code("CNY")) == order.released_fee == Decimal("4.00")
    services.order_refund(
        order=order, amount=order.refundable_money, actor=f.staff(), reason="y", idempotency_key="c2"
    )
    # Every rupiah paid went back, to the rupiah.
    assert PaymentIntent.objects.get(public_id=order.payment_intent).refunded_amount == order.pay_total
    assert f.ledger_sums_zero()


def test_an_unpaid_order_lapses_after_the_hold_and_its_stock_returns(settings):
    settings.LUMBUNG_RESERVATION_MINUTES = 30
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    order = f.checkout(buyer, (variant, 2)).orders[0]
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert jobs.reservations_expire() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=31)), f.on_commit_runs():
        assert jobs.reservations_expire() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and f.stock(variant) == 5
    assert PaymentIntent.objects.get(public_id=order.payment_intent).status == Status.EXPIRED


def test_money_arriving_after_the_hold_lapsed_goes_straight_back():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    order = f.checkout(buyer, (variant, 1)).orders[0]
    with time_machine.travel(timezone.now() + timedelta(minutes=31)), f.on_commit_runs():
        jobs.reservations_expire()
    f.pay(order)  # a late gateway settlement is still real money
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.refunded == order.total
    assert f.balance(escrow_code(order.public_id)) == 0


def test_a_paid_order_the_seller_ignores_is_cancelled_and_refunded_after_48_hours():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    order = f.checkout(buyer, (variant, 2)).orders[0]
    f.pay(order)
    with time_machine.travel(timezone.now() + timedelta(hours=47)):
        assert jobs.unaccepted_cancel() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert jobs.unaccepted_cancel() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.refunded == order.total and f.stock(variant) == 5


def test_a_delivered_order_completes_after_7_days_unless_a_complaint_holds_it():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant()
    held = f.checkout(buyer, (variant, 1)).orders[0]
    free = f.checkout(buyer, (variant, 1)).orders[0]
    for order in (held, free):
        f.pay(order)
        _deliver(order)
    services.order_hold(order=held, held=True, reason="complaint: wrong item")
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert jobs.delivered_complete() == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, hours=1)):
        assert jobs.delivered_complete() == 1
    held.refresh_from_db()
    free.refresh_from_db()
    assert (held.status, free.status) == (OrderStatus.DELIVERED, OrderStatus.COMPLETED)


def test_a_complaint_opened_after_the_job_picked_the_order_still_holds_it():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant()
    order = f.checkout(buyer, (variant, 1)).orders[0]
    f.pay(order)
    _deliver(order)
    stale = Order.objects.get(pk=order.pk)  # what the job read before the case was opened
    services.order_hold(order=order, held=True, reason="complaint: broken jar")
    services.order_complete(order=stale)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
