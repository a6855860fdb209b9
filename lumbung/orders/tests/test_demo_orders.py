"""The demo's orders: every state, every offline way to pay, a partial refund and a payout batch,
made through the services with small factories; the ledger verifies clean and a second call does
nothing."""

from __future__ import annotations

import pytest

from lumbung.accounts.models import Membership, Role
from lumbung.accounts.tests.factories import UserFactory
from lumbung.ledger.models import JournalEntry, LedgerAccount
from lumbung.ledger.verify import ledger_verify
from lumbung.orders.accounts import commission_code, seller_payable_code
from lumbung.orders.demo import PLANS, demo_orders
from lumbung.orders.models import Order
from lumbung.orders.states import OrderStatus
from lumbung.payments.models import Method, PaymentIntent, Payout, PayoutStatus, Refund, RefundStatus, Status

from . import factories as f


def _cast(*, with_centre: bool):
    buyers = [f.buyer(name="Ayu"), f.buyer(name="Wahyu")]
    variants = [f.shop_with_variant(price=price, stock=20)[1] for price in ("48500", "17250", "125000")]
    staff = UserFactory(is_staff=True, name="Keuangan")
    courier = UserFactory(name="Joko")
    Membership.objects.create(
        user=courier, organisation=variants[0].product.shop.organisation, role=Role.COURIER
    )
    centre = agent = None
    if with_centre:
        centre = f.centre(buyers[0].village)
        agent = UserFactory(name="Dewi")
        Membership.objects.create(user=agent, organisation=centre.organisation, role=Role.CENTRE_AGENT)
    return {"buyers": buyers, "variants": variants, "staff": staff, "centre": centre, "courier": courier}


def _ledger_clean():
    report = ledger_verify()
    assert report.ok, report


def _balance(code: str):
    account = LedgerAccount.objects.filter(code=code).first()
    return account.balance if account else 0


@pytest.mark.django_db
def test_every_state_and_every_offline_payment_with_a_centre_and_the_books_balance():
    cast = _cast(with_centre=True)
    made = demo_orders(**cast)

    assert made.created and set(made.orders) == {p.name for p in PLANS}
    states = set(Order.objects.values_list("status", flat=True))
    assert states == set(OrderStatus.values)  # placed … refunded, handed_over included
    orders = made.orders

    # Paid every offline way: cash at the centre's counter, static QRIS by the settlement report;
    # a gateway VA waits (no gateway in the demo).
    intents = {name: PaymentIntent.objects.get(public_id=o.payment_intent) for name, o in orders.items()}
    assert (intents["paid_cash"].method, intents["paid_cash"].paid_source) == (Method.CASH, "cash")
    assert intents["paid_cash"].centre == cast["centre"].organisation
    assert (intents["accepted"].method, intents["accepted"].paid_source) == (Method.QRIS, "qris_settlement")
    assert (intents["placed_va"].method, intents["placed_va"].status) == (
        Method.GATEWAY_VA_BCA,
        Status.PENDING,
    )
    assert intents["placed_qris"].status == Status.PENDING and intents["placed_qris"].qris_payload
    assert orders["placed_qris"].status == orders["placed_va"].status == OrderStatus.PLACED

    # The centre earned its commission on the pickup it completed.
    pickup = orders["completed_pickup"]
    assert pickup.pickup_centre == cast["centre"] and pickup.released_commission > 0
    assert _balance(commission_code(cast["centre"].organisation.public_id)) == pickup.released_commission

    # A partial refund before completion: the buyer got a fifth of the goods back, the fee shrank.
    partial = orders["completed_after_partial_refund"]
    assert 0 < partial.refunded < partial.total and partial.status == OrderStatus.COMPLETED
    assert partial.released_fee < partial.platform_fee
    assert Refund.objects.get(reference=partial.escrow_reference).status == RefundStatus.MANUAL

    # Cancelled after payment: refunded in full, waiting for finance's transfer; refunded from the drawer.
    cancelled = orders["cancelled_by_seller"]
    assert cancelled.refunded == cancelled.total
    assert Refund.objects.get(reference=cancelled.escrow_reference).status == RefundStatus.MANUAL
    refunded = orders["refunded"]
    assert refunded.refunded == refunded.total
    assert Refund.objects.get(reference=refunded.escrow_reference).status == RefundStatus.SUCCEEDED

    # The seller of the completed order asked for all they are owed; it waits in a batch for the bank.
    seller_org = orders["completed"].shop.organisation
    payout = Payout.objects.get(owner_org=seller_org)
    assert made.payout_batch is not None and payout.batch == made.payout_batch
    assert payout.status == PayoutStatus.BATCHED and payout.amount > 0
    assert _balance(seller_payable_code(seller_org.public_id)) == 0
    for order in orders.values():
        if order.status in (OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.REFUNDED):
            assert _balance(f"escrow:order:{order.public_id}") == 0
    _ledger_clean()

    # Again: nothing more.
    counts = (Order.objects.count(), JournalEntry.objects.count(), Payout.objects.count())
    again = demo_orders(**cast)
    assert not again.created and not again.orders
    assert (Order.objects.count(), JournalEntry.objects.count(), Payout.objects.count()) == counts


@pytest.mark.django_db
def test_without_a_centre_every_state_still_exists_paid_by_static_qris():
    made = demo_orders(**_cast(with_centre=False))
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    assert not Order.objects.filter(shipping_method="pickup").exists()
    assert not PaymentIntent.objects.filter(method=Method.CASH).exists()
    assert made.orders["completed"].released_commission == 0
    _ledger_clean()


@pytest.mark.django_db(transaction=True)
def test_after_commit_the_payment_events_and_the_absent_gateway_change_no_money(settings):
    """Outside a test transaction the on-commit work runs: payments' paid events reach orders again
    (a cancelled order must not be refunded twice) and the VA's charge finds no gateway."""
    settings.LUMBUNG_MIDTRANS_BASE_URL = "http://127.0.0.1:9"  # nothing listens: refused at once
    made = demo_orders(**_cast(with_centre=True))
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    cancelled = Order.objects.get(pk=made.orders["cancelled_by_seller"].pk)
    assert Refund.objects.filter(reference=cancelled.escrow_reference).count() == 1
    va = PaymentIntent.objects.get(public_id=made.orders["placed_va"].payment_intent)
    assert va.status == Status.PENDING and va.charge_error and not va.va_number
    _ledger_clean()
