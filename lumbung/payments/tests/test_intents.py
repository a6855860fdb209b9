"""Intents: creating, the state machine, QRIS, cash at a centre, the gateway charge, expiry."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from lokal import parse_qris, qris_crc

from lumbung.core import events
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.money import CurrencyMismatch, Money
from lumbung.ledger.models import JournalEntry
from lumbung.payments import services
from lumbung.payments.accounts import GATEWAY_CLEARING, QRIS_CLEARING, cash_centre, escrow_order
from lumbung.payments.models import Method, PaymentEvent, PaymentIntent, Status

from .conftest import assert_ledger_balanced, balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    seen: list[tuple[str, dict]] = []
    handlers = {}
    for name in (services.INTENT_PAID, services.INTENT_EXPIRED):
        handlers[name] = lambda _n=name, **kw: seen.append((_n, kw))
        events.on(name)(handlers[name])
    yield seen
    for name, handler in handlers.items():
        events._handlers[name].remove(handler)


def test_static_qris_carries_the_amount_and_reference_with_a_correct_crc(world):
    ref = world.due("q1", 110000)
    intent = world.intent(Method.QRIS, ref)
    info = parse_qris(intent.qris_payload)
    assert info.valid, info.errors
    assert info.type == "dynamic"
    assert info.amount == "110000"
    assert info.additional.bill_number == intent.public_id
    assert info.crc == qris_crc(intent.qris_payload[:-4])
    assert info.nmid == "ID1024000000001"  # still the platform's merchant account


def test_the_shipped_demo_payload_is_valid(settings):
    info = parse_qris(settings.LUMBUNG_QRIS_MERCHANT_PAYLOAD)
    assert info.valid and info.type == "static" and info.amount is None


def test_cash_received_by_the_centres_agent_books_drawer_against_escrow_once(
    world, announced, django_capture_on_commit_callbacks
):
    a, b = world.due("c1", 60000), world.due("c2", 40000)
    intent = world.intent(Method.CASH, a, b)
    with django_capture_on_commit_callbacks(execute=True):
        paid = services.cash_receive(
            intent=intent, agent=world.agent, centre_org=world.centre, idempotency_key="k1"
        )
    assert paid.status == Status.PAID
    assert balance(cash_centre(world.centre.public_id)) == Decimal(100000)
    assert balance(escrow_order("c1")) == Decimal(60000)
    assert balance(escrow_order("c2")) == Decimal(40000)
    # The same receipt again is the same receipt; a second one is refused (the agent must not take cash twice).
    assert services.cash_receive(
        intent=intent, agent=world.agent, centre_org=world.centre, idempotency_key="k1"
    )
    with pytest.raises(services.AlreadyPaid):
        services.cash_receive(intent=intent, agent=world.agent, centre_org=world.centre, idempotency_key="k2")
    assert JournalEntry.objects.filter(kind="payments.intent_paid").count() == 1
    assert announced == [(services.INTENT_PAID, {"intent_public_id": intent.public_id, "references": [a, b]})]
    assert_ledger_balanced()


def test_cash_from_someone_who_is_not_this_centres_agent_is_refused(world):
    intent = world.intent(Method.CASH, world.due("c3", 5000))
    for who in (world.payer, world.staff, world.other):
        with pytest.raises(Forbidden):
            services.cash_receive(intent=intent, agent=who, centre_org=world.centre, idempotency_key="x")
    assert PaymentIntent.objects.get(pk=intent.pk).status == Status.PENDING
    assert not JournalEntry.objects.exists()


def test_marking_paid_twice_posts_once(world):
    intent = world.intent(Method.QRIS, world.due("p1", 25000))
    services.intent_mark_paid(intent=intent, source="qris_settlement", provider_ref="RRN1")
    services.intent_mark_paid(intent=intent, source="qris_settlement", provider_ref="RRN1")
    assert JournalEntry.objects.filter(kind="payments.intent_paid").count() == 1
    assert balance(QRIS_CLEARING) == Decimal(25000)
    assert list(PaymentEvent.objects.filter(intent=intent).values_list("from_status", "to_status")) == [
        ("", "pending"),
        ("pending", "paid"),
    ]


def test_a_reference_already_paid_or_waiting_cannot_start_another_payment(world):
    ref = world.due("once", 1000)
    first = world.intent(Method.QRIS, ref)
    with pytest.raises(services.PaymentPending):
        world.intent(Method.CASH, ref)
    services.intent_mark_paid(intent=first, source="test")
    with pytest.raises(services.AlreadyPaid):
        world.intent(Method.CASH, ref)
    assert PaymentIntent.objects.count() == 1


def test_bad_input_is_refused_and_nothing_is_saved(world):
    ok = world.allocation(world.due("b1", 1000))
    cases = [
        ([], Method.QRIS, ValidationFailed),
        ([ok], "bitcoin", ValidationFailed),
        (
            [ok, services.Allocation("test:b2", escrow_order("b2"), Money(Decimal(5), "USD"))],
            Method.QRIS,
            CurrencyMismatch,
        ),
        (
            [services.Allocation("test:b3", escrow_order("b3"), Money(Decimal(5), "USD"))],
            Method.QRIS,
            ValidationFailed,
        ),
        (
            [services.Allocation("test:b4", "payable:seller:x", Money(Decimal(5), "IDR"))],
            Method.CASH,
            ValidationFailed,
        ),
        (
            [services.Allocation("test:b5", escrow_order("b5"), Money(Decimal(0), "IDR"))],
            Method.CASH,
            ValidationFailed,
        ),
    ]
    for allocations, method, error in cases:
        with pytest.raises(error):
            services.intent_create(payer=world.payer, allocations=allocations, method=method)
    assert PaymentIntent.objects.count() == 0


def test_illegal_moves_are_refused_and_recorded_moves_say_who_and_why(world):
    intent = world.intent(Method.QRIS, world.due("s1", 1000))
    services.intent_expire(intent=intent, reason="not paid in time")
    locked = PaymentIntent.objects.get(pk=intent.pk)
    for to in (Status.PENDING, Status.CANCELLED, Status.FAILED):
        with pytest.raises(services.IllegalTransition):
            services.intent_set_status(intent=locked, to=to, source="test")
    event = PaymentEvent.objects.filter(intent=intent).last()
    assert (event.from_status, event.to_status, event.source, event.reason) == (
        "pending",
        "expired",
        "job",
        "not paid in time",
    )
    # An expired reference may be paid with a new intent.
    assert world.intent(Method.CASH, "test:s1").status == Status.PENDING


def test_idempotency_key_on_create_returns_the_same_intent_or_refuses_a_different_request(world):
    a, b = world.due("i1", 1000), world.due("i2", 2000)
    first = services.intent_create(
        payer=world.payer, allocations=[world.allocation(a)], method="qris", idempotency_key="k"
    )
    again = services.intent_create(
        payer=world.payer, allocations=[world.allocation(a)], method="qris", idempotency_key="k"
    )
    assert again.pk == first.pk
    with pytest.raises(Conflict):
        services.intent_create(
            payer=world.payer, allocations=[world.allocation(b)], method="qris", idempotency_key="k"
        )


def test_a_gateway_va_is_charged_after_commit_and_shows_the_number(
    world, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intent = world.intent(Method.GATEWAY_VA_BNI, world.due("va1", 110000))
    intent.refresh_from_db()
    assert intent.charged_at and intent.va_bank == "bni" and intent.va_number.startswith("9888")
    [charge] = gateway.charges()
    assert (charge["order_id"], charge["gross_amount"], charge["payment_type"]) == (
        intent.public_id,
        "110000.00",
        "bank_transfer",
    )


@pytest.mark.parametrize(
    ("method", "field", "expected"),
    [
        (Method.GATEWAY_VA_PERMATA, "va_bank", "permata"),
        (Method.GATEWAY_ECHANNEL, "biller_code", "70012"),
        (Method.GATEWAY_GOPAY, "deeplink_url", "gojek://"),
        (Method.GATEWAY_SHOPEEPAY, "deeplink_url", "shopeeid://"),
    ],
)
def test_each_gateway_method_stores_what_the_payer_needs(
    world, gateway, django_capture_on_commit_callbacks, method, field, expected
):
    with django_capture_on_commit_callbacks(execute=True):
        intent = world.intent(method, world.due(f"m-{method}", 5000))
    intent.refresh_from_db()
    assert getattr(intent, field).startswith(expected)


def test_gateway_qris_returns_a_valid_qr_string(world, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intent = world.intent(Method.GATEWAY_QRIS, world.due("gq", 75000))
    intent.refresh_from_db()
    info = parse_qris(intent.qris_payload)
    assert info.valid and info.amount == "75000"


def test_a_gateway_outage_leaves_the_intent_pending_and_the_recheck_charges_it_once(
    world, gateway, django_capture_on_commit_callbacks, settings
):
    gateway.fail_next(1)
    with django_capture_on_commit_callbacks(execute=True):
        intent = world.intent(Method.GATEWAY_VA_BCA, world.due("out", 9000))
    intent.refresh_from_db()
    assert intent.status == Status.PENDING and not intent.charged_at and intent.charge_error
    settings.LUMBUNG_PAYMENT_RECHECK_AFTER_MINUTES = 0
    services.intents_recheck()
    intent.refresh_from_db()
    assert intent.va_number and intent.status == Status.PENDING
    assert len(gateway.charges()) == 1


def test_a_lost_charge_answer_is_recovered_from_the_status_not_charged_twice(
    world, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intent = world.intent(Method.GATEWAY_VA_BRI, world.due("lost", 9000))
    number = PaymentIntent.objects.get(pk=intent.pk).va_number
    # Forget that we got the answer: charging again meets 406 and reads the status back.
    PaymentIntent.objects.filter(pk=intent.pk).update(charged_at=None, va_number="")
    services.intent_charge(intent_pk=intent.pk)
    assert PaymentIntent.objects.get(pk=intent.pk).va_number == number
    assert len(gateway.charges()) == 1


def test_overdue_intents_expire_and_are_announced(
    world, gateway, announced, django_capture_on_commit_callbacks
):
    cash = world.intent(Method.CASH, world.due("e1", 1000))
    with django_capture_on_commit_callbacks(execute=True):
        va = world.intent(Method.GATEWAY_VA_BCA, world.due("e2", 2000))
    later = timezone.now() + timedelta(days=3)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert services.intents_expire_overdue() == 2
    assert PaymentIntent.objects.get(pk=cash.pk).status == Status.EXPIRED
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.EXPIRED
    assert {c["order_id"]: c["transaction_status"] for c in gateway.charges()} == {va.public_id: "cancel"}
    assert sorted(kw["references"][0] for name, kw in announced if name == services.INTENT_EXPIRED) == [
        "test:e1",
        "test:e2",
    ]


def test_an_overdue_gateway_intent_that_was_paid_is_booked_not_expired(
    world, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        va = world.intent(Method.GATEWAY_VA_BCA, world.due("e3", 2000))
    gateway.control("pay", va.public_id, notify="0")
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert services.intents_expire_overdue() == 0
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.PAID
    assert balance(GATEWAY_CLEARING) == Decimal(2000)


def test_cancel_cancels_at_the_gateway_first(world, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        va = world.intent(Method.GATEWAY_VA_BCA, world.due("x1", 2000))
    services.intent_cancel(intent=va, actor=world.payer)
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.CANCELLED
    assert gateway.charges()[0]["transaction_status"] == "cancel"


def test_cancelling_a_payment_the_gateway_already_settled_books_it_instead(
    world, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        va = world.intent(Method.GATEWAY_VA_BCA, world.due("x2", 2000))
    gateway.control("pay", va.public_id, notify="0")
    with pytest.raises(services.AlreadyPaid):
        services.intent_cancel(intent=va, actor=world.payer)
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.PAID
