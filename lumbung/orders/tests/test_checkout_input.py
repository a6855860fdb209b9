"""Bad input at the cart and at checkout: refused with a clear, translated message, nothing half-done."""

from decimal import Decimal

import pytest

from lumbung.catalog.errors import SoldOut
from lumbung.catalog.services import variant_update
from lumbung.catalog.tests.factories import owner_of
from lumbung.core.errors import ValidationFailed
from lumbung.core.money import CurrencyMismatch, Money
from lumbung.ledger.models import JournalEntry
from lumbung.orders import services
from lumbung.orders.errors import PriceChanged, RefundTooLarge
from lumbung.orders.models import CartLine, Order
from lumbung.orders.states import OrderStatus

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("quantity", [0, -1, "abc", "1.5"])
def test_a_quantity_below_one_or_not_whole_is_refused(quantity):
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    cart = services.cart_get_for_user(user=buyer)
    with pytest.raises(ValidationFailed) as caught:
        services.cart_add(cart=cart, variant=variant, quantity=quantity)
    assert caught.value.details["field"] == "quantity"
    assert not CartLine.objects.filter(cart=cart).exists()


def test_more_than_the_stock_is_refused_with_how_many_are_left(extra_translations):
    extra_translations(
        {
            "id": {
                "Only %(stock)s left of %(name)s. Please choose %(stock)s or fewer.": "Hanya tersisa %(stock)s %(name)s."
            }
        }
    )
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=3)
    cart = services.cart_get_for_user(user=buyer)
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationFailed) as caught:
        services.cart_add(cart=cart, variant=variant, quantity=4)
    with translation.override("id"):
        assert str(caught.value.message).startswith("Hanya tersisa 3")
    assert not CartLine.objects.filter(cart=cart).exists()


def test_a_price_changed_after_adding_to_cart_is_shown_and_asked_again():
    buyer = f.buyer()
    shop, variant = f.shop_with_variant(price="25000", stock=5)
    cart = f.cart_with(buyer, (variant, 2))
    variant_update(actor=owner_of(shop), variant=variant, price="27500")

    with pytest.raises(PriceChanged) as caught:
        services.checkout_place(
            actor=buyer,
            buyer=buyer,
            cart=cart,
            address=f.address(buyer),
            shipping_method="door",
            payment_method="qris",
            idempotency_key="k1",
        )
    assert caught.value.details["lines"][0]["was"] == "25000.00"
    assert caught.value.details["lines"][0]["now"] == "27500.00"
    assert f.stock(variant) == 5 and not Order.objects.exists()  # nothing held, nothing charged

    services.cart_confirm_prices(cart=cart)
    result = services.checkout_place(
        actor=buyer,
        buyer=buyer,
        cart=cart,
        address=f.address(buyer),
        shipping_method="door",
        payment_method="qris",
        idempotency_key="k2",
    )
    assert result.orders[0].subtotal == Decimal("55000")


def test_stock_gone_by_checkout_refuses_every_line_and_holds_nothing():
    buyer, rival = f.buyer(), f.buyer()
    _a, plenty = f.shop_with_variant(stock=10)
    _b, scarce = f.shop_with_variant(stock=2)
    cart = f.cart_with(buyer, (plenty, 3), (scarce, 2))
    f.checkout(rival, (scarce, 1))
    with pytest.raises(SoldOut) as caught:
        services.checkout_place(
            actor=buyer,
            buyer=buyer,
            cart=cart,
            address=f.address(buyer),
            shipping_method="door",
            payment_method="qris",
            idempotency_key="k3",
        )
    assert caught.value.details["left"] == 1
    assert (f.stock(plenty), f.stock(scarce)) == (10, 1)
    assert CartLine.objects.filter(cart=cart).count() == 2  # the cart is kept to fix


def test_a_postcode_that_is_not_the_villages_is_refused():
    buyer = f.buyer()
    with pytest.raises(ValidationFailed) as caught:
        services.address_clean(village=buyer.village, street="Jl. Mawar", postcode="10110")
    assert caught.value.details["field"] == "postcode"
    assert (
        services.address_clean(village=buyer.village, street="Jl. Mawar", postcode="94111").postcode
        == "94111"
    )


def test_paying_twice_books_the_money_once():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant()
    order = f.checkout(buyer, (variant, 1)).orders[0]
    f.pay(order)
    f.pay(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert JournalEntry.objects.filter(kind="payments.intent_paid").count() == 1
    assert order.events.filter(to_status=OrderStatus.PAID).count() == 1


def _paid_order():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(price="30000")
    order = f.checkout(buyer, (variant, 1)).orders[0]
    f.pay(order)
    order.refresh_from_db()
    return order


def test_a_refund_larger_than_what_was_paid_is_refused_and_nothing_moves():
    order = _paid_order()
    entries = JournalEntry.objects.count()
    with pytest.raises(RefundTooLarge):
        services.order_refund(
            order=order,
            amount=order.total_money + Money(1, "IDR"),
            actor=f.staff(),
            reason="x",
            idempotency_key="r1",
        )
    order.refresh_from_db()
    assert order.refunded == 0 and JournalEntry.objects.count() == entries


def test_a_refund_in_another_currency_is_refused():
    order = _paid_order()
    with pytest.raises(CurrencyMismatch):
        services.order_refund(
            order=order, amount=Money(10, "CNY"), actor=f.staff(), reason="x", idempotency_key="r2"
        )
    order.refresh_from_db()
    assert order.refunded == 0
