"""The whole life of an order, as a buyer and a seller would see it, with the ledger checked at each step."""

from decimal import Decimal

import pytest
from django.db import transaction

from lumbung.notify.models import OutboxMessage
from lumbung.orders import services
from lumbung.orders.accounts import PLATFORM_FEE, escrow_code, seller_payable_code
from lumbung.orders.errors import IllegalTransition
from lumbung.orders.models import Order, OrderEvent
from lumbung.orders.states import OrderStatus

from . import factories as f

pytestmark = pytest.mark.django_db


def test_one_cart_over_two_shops_becomes_two_orders_paid_accepted_delivered_and_completed():
    buyer = f.buyer()
    shop_a, nuts = f.shop_with_variant(price="25000", stock=5)
    _shop_b, oil = f.shop_with_variant(price="40000", stock=3)
    result = f.checkout(buyer, (nuts, 2), (oil, 1))

    assert len(result.orders) == 2
    assert len({o.checkout_group for o in result.orders}) == 1
    assert len(result.intents) == 1  # one rupiah payment for both orders
    assert (f.stock(nuts), f.stock(oil)) == (3, 2)
    order = Order.objects.get(shop=shop_a)
    assert order.subtotal == Decimal("50000") and order.shipping > 0
    assert order.total == order.subtotal + order.shipping
    assert order.platform_fee == Decimal("2500")  # the seeded default rule: 5 %

    f.pay(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert f.balance(escrow_code(order.public_id)) == order.total

    seller = f.seller_of(order)
    services.order_accept(order=order, actor=seller)
    services.order_hand_over(order=order, actor=seller)
    services.order_mark_delivered(order=order, actor=seller)
    services.order_complete(order=order, actor=buyer)
    order.refresh_from_db()

    assert order.status == OrderStatus.COMPLETED
    assert f.balance(escrow_code(order.public_id)) == 0
    assert f.balance(seller_payable_code(shop_a.organisation.public_id)) == order.total - order.platform_fee
    assert f.balance(PLATFORM_FEE) == order.platform_fee
    assert f.ledger_sums_zero()
    steps = list(order.events.values_list("from_status", "to_status"))
    assert steps == [
        ("", "placed"),
        ("placed", "paid"),
        ("paid", "accepted"),
        ("accepted", "handed_over"),
        ("handed_over", "delivered"),
        ("delivered", "completed"),
    ]
    about = OutboxMessage.objects.filter(body__contains=order.code)
    assert about.filter(to=buyer.phone, template="order_buyer").count() == 6  # every step
    assert about.filter(to=seller.phone, template="order_seller").count() == 5  # from payment on


def test_an_illegal_move_is_refused_and_leaves_no_event():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant()
    order = f.checkout(buyer, (variant, 1)).orders[0]
    with pytest.raises(IllegalTransition), transaction.atomic():
        services.order_set_status(order=services.order_lock(order), to=OrderStatus.DELIVERED, actor=buyer)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PLACED
    assert OrderEvent.objects.filter(order=order).count() == 1
