"""Each outcome's money and goods, through orders' refund service: refund before and after
completion (commission clawed back), replacement parcels with the order's money untouched,
rejection moving nothing, a refund larger than paid refused with orders' message."""

from decimal import Decimal

import pytest

from lumbung.aftersales import services
from lumbung.aftersales.models import Case, CaseEvent
from lumbung.aftersales.states import CaseStatus, Remedy
from lumbung.core.errors import DomainError
from lumbung.core.money import Money
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.verify import ledger_verify
from lumbung.logistics.models import Parcel
from lumbung.notify.models import OutboxMessage
from lumbung.orders.accounts import PLATFORM_FEE, commission_code, escrow_code, seller_payable_code
from lumbung.orders.models import Order
from lumbung.orders.states import OrderStatus
from lumbung.orders.tests import factories as of
from lumbung.payments.models import PaymentIntent, Refund

from . import factories as f

pytestmark = pytest.mark.django_db


def ledger_clean():
    report = ledger_verify()
    assert not report.unbalanced_entries
    assert not report.stale_balances
    assert not report.negative_accounts
    assert not report.unbalanced_currencies
    assert of.ledger_sums_zero()


def test_partial_refund_offer_accepted_before_completion_comes_out_of_escrow_and_releases_the_hold():
    w = f.delivered_order()
    case = f.open_case(w)
    w.order.refresh_from_db()
    assert w.order.on_hold
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REFUND, amount="30000", message="Maaf")
    services.case_accept(actor=w.buyer, case=case)
    case.refresh_from_db()
    order = Order.objects.get(pk=w.order.pk)
    assert case.status == CaseStatus.RESOLVED and case.outcome == Remedy.REFUND
    assert case.outcome_amount == Decimal("30000")
    assert order.refunded == Decimal("30000") and order.status == OrderStatus.DELIVERED
    assert not order.on_hold
    assert of.balance(escrow_code(order.public_id)) == order.total - Decimal("30000")
    assert PaymentIntent.objects.get(public_id=order.payment_intent).refunded_amount == Decimal("30000")
    # The order completes later: fee and commission shrink in proportion to what is left.
    from lumbung.orders.services import order_complete

    order_complete(order=order, actor=order.buyer)
    order.refresh_from_db()
    held = order.total - Decimal("30000")
    assert order.released_fee == (Decimal("5000") * held / order.total).quantize(Decimal(1))
    ledger_clean()


def test_full_refund_decided_by_the_centre_refunds_everything_and_ends_the_order_refunded():
    w = f.delivered_order()
    case = f.open_case(w)
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REJECT, message="Barang sudah dicek")
    services.case_refuse(actor=w.buyer, case=case, message="Tidak setuju, ada fotonya")
    case.refresh_from_db()
    assert case.status == CaseStatus.ESCALATED_CENTRE
    services.case_decide(
        actor=w.agent, case=case, remedy=Remedy.REFUND, amount=str(w.order.total), message="Foto jelas basi"
    )
    order = Order.objects.get(pk=w.order.pk)
    assert order.status == OrderStatus.REFUNDED and order.refunded == order.total
    assert of.balance(escrow_code(order.public_id)) == 0
    assert CaseEvent.objects.filter(case=case, action="decided", role="centre", actor=w.agent).exists()
    ledger_clean()


def test_refund_after_completion_claws_back_seller_fee_and_commission():
    w = f.delivered_order(complete=True)
    order = w.order
    commission = commission_code(w.centre.organisation.public_id)
    payable = seller_payable_code(order.shop.organisation.public_id)
    assert of.balance(commission) == Decimal("3000")
    case = f.open_case(w)
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REFUND, amount=str(order.total / 5))
    services.case_accept(actor=w.buyer, case=case)
    # A fifth back: Rp21.400 from the seller, Rp1.000 of fee and Rp600 of commission (docs/orders.md).
    total = order.total
    assert of.balance(commission) == Decimal("3000") - Decimal("600")
    assert of.balance(PLATFORM_FEE) == Decimal("5000") - Decimal("1000")
    assert of.balance(payable) == (total - Decimal("8000")) - (total / 5 - Decimal("1600"))
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and order.refunded == total / 5
    ledger_clean()


def test_replacement_creates_return_and_replacement_parcels_and_leaves_the_money():
    w = f.delivered_order()
    case = f.open_case(w, kind="return")
    entries = JournalEntry.objects.count()
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REPLACEMENT, message="Kami kirim ganti")
    services.case_accept(actor=w.buyer, case=case)
    case.refresh_from_db()
    assert JournalEntry.objects.count() == entries
    assert Order.objects.get(pk=w.order.pk).refunded == 0
    back, new = case.return_parcel, case.replacement_parcel
    assert back.origin_centre == w.centre.organisation and back.recipient_name == w.order.shop.name
    assert back.reference == f"aftersales:{case.public_id}"
    assert new.sender_name == w.order.shop.name and new.declared_value == 0 and new.cod_amount == 0
    assert new.delivery_method == "pickup" and new.destination_centre == w.centre.organisation
    assert Parcel.objects.filter(reference=f"aftersales:{case.public_id}").count() == 2
    ledger_clean()


def test_rejection_accepted_moves_nothing_and_closes_the_case():
    w = f.delivered_order()
    case = f.open_case(w)
    entries, refunds = JournalEntry.objects.count(), Refund.objects.count()
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REJECT, message="Kemasan utuh saat diambil")
    services.case_accept(actor=w.buyer, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.outcome == Remedy.REJECT
    assert (JournalEntry.objects.count(), Refund.objects.count()) == (entries, refunds)
    assert not Order.objects.get(pk=w.order.pk).on_hold


def test_refund_larger_than_paid_is_refused_with_orders_message_and_nothing_changes():
    w = f.delivered_order()
    case = f.open_case(w)
    too_much = w.order.total + 1
    with pytest.raises(DomainError) as offered:
        services.case_answer(actor=w.seller, case=case, remedy=Remedy.REFUND, amount=str(too_much))
    assert offered.value.code == "refund_too_large"
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REJECT, message="Tidak")
    services.case_refuse(actor=w.buyer, case=case, message="Minta dimediasi")
    before = (JournalEntry.objects.count(), CaseEvent.objects.filter(case=case).count())
    with pytest.raises(DomainError) as decided:
        services.case_decide(
            actor=w.agent, case=case, remedy=Remedy.REFUND, amount=str(too_much), message="x"
        )
    assert decided.value.code == "refund_too_large"
    assert str(w.order.refundable_money) in str(decided.value.message)  # "... at most Rp109.000"
    case.refresh_from_db()
    assert case.status == CaseStatus.ESCALATED_CENTRE
    assert (JournalEntry.objects.count(), CaseEvent.objects.filter(case=case).count()) == before


def test_buyer_and_seller_get_an_sms_in_their_own_language_at_each_step():
    w = f.delivered_order()
    w.seller.language = "en"
    w.seller.save(update_fields=["language"])
    start = OutboxMessage.objects.count()
    case = f.open_case(w)
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REFUND, amount="10000")
    services.case_accept(actor=w.buyer, case=case)
    to_buyer = OutboxMessage.objects.filter(to=w.buyer.phone, template="case_buyer")
    to_seller = OutboxMessage.objects.filter(to=w.seller.phone, template="case_seller")
    assert to_buyer.count() == 3 and to_seller.count() == 3
    assert set(to_buyer.values_list("language", flat=True)) == {"id"}
    assert set(to_seller.values_list("language", flat=True)) == {"en"}
    last = to_buyer.order_by("pk").last().body
    assert case.code in last and "10.000" in last
    assert OutboxMessage.objects.count() > start


def test_escalation_tells_the_centre_agents():
    w = f.delivered_order()
    case = f.open_case(w)
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REJECT, message="Tidak")
    services.case_refuse(actor=w.buyer, case=case, message="Mohon bantuan")
    assert OutboxMessage.objects.filter(to=w.agent.phone, template="case_centre").exists()
    assert Case.objects.get(pk=case.pk).due_at is not None


def test_the_refund_uses_orders_money_type_and_currency():
    w = f.delivered_order()
    case = f.open_case(w)
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REJECT, message="Tidak")
    services.case_refuse(actor=w.buyer, case=case, message="Tolong")
    with pytest.raises(DomainError) as exc:
        services.case_decide(
            actor=w.agent, case=case, remedy=Remedy.REFUND, amount=Money(Decimal("10"), "CNY"), message="x"
        )
    assert exc.value.code == "currency_mismatch"
