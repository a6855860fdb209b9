"""Refunds, payouts to a bank CSV, FX at recorded rates, and static-QRIS settlement reports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.money import CurrencyMismatch, Money
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.services import InsufficientFunds, Line, account_get_or_create
from lumbung.ledger.tests.factories import fund
from lumbung.payments import services
from lumbung.payments.accounts import (
    BANK,
    GATEWAY_CLEARING,
    PAYOUT_CLEARING,
    cash_centre,
    escrow_order,
    payable_seller,
)
from lumbung.payments.models import (
    FxRate,
    Method,
    PaymentIntent,
    Payout,
    Refund,
    RefundStatus,
    Status,
)

from .conftest import assert_ledger_balanced, balance

pytestmark = pytest.mark.django_db


def idr(value) -> Money:
    return Money(Decimal(str(value)), "IDR")


def paid(world, method, name, amount):
    ref = world.due(name, amount)
    intent = world.intent(method, ref)
    centre = world.centre if method == Method.CASH else None
    return services.intent_mark_paid(intent=intent, source="test", provider_ref="p", centre=centre), ref


def refund(intent, ref, amount, key="r1", **kw):
    name = ref.split(":", 1)[1]
    lines = kw.pop("debit_lines", None) or [Line(escrow_order(name), idr(amount))]
    return services.refund_issue(
        intent=intent,
        reference=ref,
        amount=idr(amount),
        debit_lines=lines,
        reason="damaged",
        idempotency_key=key,
        **kw,
    )


# --- refunds -----------------------------------------------------------------------------------
def test_a_cash_refund_comes_out_of_the_centre_drawer_and_is_tracked(world):
    intent, ref = paid(world, Method.CASH, "cr", 50000)
    done = refund(intent, ref, 20000)
    assert done.status == RefundStatus.SUCCEEDED
    assert balance(cash_centre(world.centre.public_id)) == 30000
    assert balance(escrow_order("cr")) == 30000
    assert PaymentIntent.objects.get(pk=intent.pk).refunded_amount == 20000
    assert refund(intent, ref, 20000).pk == done.pk  # the same key again is the same refund
    assert_ledger_balanced()


def test_a_refund_larger_than_what_is_left_is_refused_and_changes_nothing(world):
    intent, ref = paid(world, Method.CASH, "big", 50000)
    refund(intent, ref, 30000, key="a")
    entries = JournalEntry.objects.count()
    with pytest.raises(services.RefundTooLarge):
        refund(intent, ref, 20001, key="b")
    assert JournalEntry.objects.count() == entries
    assert PaymentIntent.objects.get(pk=intent.pk).refunded_amount == 30000
    assert refund(intent, ref, 20000, key="c").status == RefundStatus.SUCCEEDED


def test_refund_bad_input(world):
    intent, ref = paid(world, Method.CASH, "bad", 50000)
    pending = world.intent(Method.QRIS, world.due("unpaid", 1000))
    with pytest.raises(CurrencyMismatch):
        services.refund_issue(
            intent=intent,
            reference=ref,
            amount=Money(Decimal(5), "USD"),
            debit_lines=[Line(escrow_order("bad"), Money(Decimal(5), "USD"))],
            reason="x",
            idempotency_key="u",
        )
    with pytest.raises(ValidationFailed):  # lines that do not add up
        refund(intent, ref, 1000, key="v", debit_lines=[Line(escrow_order("bad"), idr(999))])
    with pytest.raises(ValidationFailed):  # no reason
        services.refund_issue(
            intent=intent,
            reference=ref,
            amount=idr(1),
            debit_lines=[Line(escrow_order("bad"), idr(1))],
            reason=" ",
            idempotency_key="w",
        )
    with pytest.raises(Conflict):  # not paid
        refund(pending, "test:unpaid", 100, key="x")
    assert not Refund.objects.exists()


def test_a_gateway_refund_that_cannot_reach_the_gateway_stays_pending_then_the_job_sends_it(
    world, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intent = world.intent(Method.GATEWAY_GOPAY, world.due("gp", 40000))
    gateway.control("pay", intent.public_id, notify="0")
    services.intent_recheck(intent=PaymentIntent.objects.get(pk=intent.pk))
    gateway.fail_next(1)
    with django_capture_on_commit_callbacks(execute=True):
        issued = refund(PaymentIntent.objects.get(pk=intent.pk), "test:gp", 40000)
    issued.refresh_from_db()
    assert (issued.status, issued.attempts) == (RefundStatus.PENDING, 1)
    assert balance(GATEWAY_CLEARING) == 0  # booked already: the money is owed back
    assert services.refunds_retry_due() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert services.refunds_retry_due() == 1
    issued.refresh_from_db()
    assert issued.status == RefundStatus.SUCCEEDED and issued.provider_ref
    assert gateway.charges()[0]["transaction_status"] == "refund"


def test_a_va_refund_is_manual_until_finance_confirms_the_transfer(world):
    intent, ref = paid(world, Method.GATEWAY_VA_BCA, "vr", 70000)
    issued = refund(intent, ref, 70000)
    assert issued.status == RefundStatus.MANUAL and balance(PAYOUT_CLEARING) == -70000
    done = services.refund_confirm_manual(refund=issued, actor=world.staff, bank_reference="BCA-889")
    assert done.status == RefundStatus.SUCCEEDED
    assert balance(PAYOUT_CLEARING) == 0 and balance(BANK) == -70000
    assert_ledger_balanced()


# --- payouts -----------------------------------------------------------------------------------
@pytest.fixture
def seller(world):
    from lumbung.accounts.models import Membership, Role
    from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory

    shop = OrganisationFactory(name="Kacang Bainiu")
    owner = UserFactory()
    Membership.objects.create(user=owner, organisation=shop, role=Role.OWNER)
    payable = account_get_or_create(code=payable_seller(shop.public_id), currency="IDR")
    fund(payable, 500000)
    return shop, owner, payable.code


def destination():
    return services.Destination("014", "1234567890", "Siti Aminah")


def test_payout_batch_csv_and_a_bank_result_with_a_failure_returns_money_to_the_payable(world, seller):
    shop, owner, code = seller
    a = services.payout_request(
        owner_org=shop, account_code=code, amount=idr(200000), destination=destination(), actor=owner
    )
    b = services.payout_request(
        owner_org=shop,
        account_code=code,
        amount=idr(100000),
        destination=services.Destination("009", "55550000", "Siti Aminah"),
        actor=owner,
    )
    assert balance(code) == 200000 and balance(PAYOUT_CLEARING) == -300000
    batch = services.payout_batch_create(actor=world.staff)
    rows = list(csv.reader(io.StringIO(services.payout_batch_csv(batch))))
    assert rows[0] == [
        "reference",
        "bank_code",
        "account_number",
        "account_name",
        "amount",
        "currency",
        "remark",
    ]
    assert rows[1][:6] == [a.public_id, "014", "1234567890", "Siti Aminah", "200000", "IDR"]
    result = f"reference,status,bank_reference,reason\r\n{a.public_id},success,TRX1,\r\n{b.public_id},failed,,account closed\r\n"
    counts = services.payout_batch_confirm(
        batch=batch, rows=services.payout_result_parse(result), actor=world.staff
    )
    assert counts == {"paid": 1, "failed": 1, "unchanged": 0}
    assert balance(code) == 300000  # 500k - 200k paid; the failed 100k is back
    assert balance(BANK) == -200000 and balance(PAYOUT_CLEARING) == 0
    assert Payout.objects.get(pk=b.pk).failure_reason == "account closed"
    # The same result again changes nothing.
    again = services.payout_batch_confirm(
        batch=batch, rows=services.payout_result_parse(result), actor=world.staff
    )
    assert again == {"paid": 0, "failed": 0, "unchanged": 2}
    batch.refresh_from_db()
    assert batch.confirmed_at is not None
    assert_ledger_balanced()


def test_payout_refusals(world, seller):
    shop, _owner, code = seller
    with pytest.raises(InsufficientFunds):
        services.payout_request(
            owner_org=shop, account_code=code, amount=idr(500001), destination=destination()
        )
    with pytest.raises(Forbidden):
        services.payout_request(
            owner_org=world.centre, account_code=code, amount=idr(1), destination=destination()
        )
    with pytest.raises(ValidationFailed):
        services.payout_request(
            owner_org=shop, account_code=code, amount=idr(1), destination=services.Destination("x", "12", "")
        )
    with pytest.raises(ValidationFailed):
        services.payout_batch_create(actor=world.staff)
    with pytest.raises(ValidationFailed):
        services.payout_result_parse("ref,outcome\r\nx,ok\r\n")
    assert not Payout.objects.exists() and balance(code) == 500000


# --- FX ----------------------------------------------------------------------------------------
def test_fx_without_a_rate_is_refused(world):
    with pytest.raises(services.FxRateMissing):
        services.fx_rate_current("USD", "IDR")


def test_fx_convert_uses_decimal_and_the_newest_rate_in_force(world):
    services.fx_rate_enter(
        base="USD",
        quote="IDR",
        rate="15500",
        source="BI JISDOR",
        actor=world.staff,
        valid_from=timezone.now() - timedelta(days=2),
    )
    newer = services.fx_rate_enter(
        base="USD", quote="IDR", rate="16250.5", source="BI JISDOR", actor=world.staff
    )
    services.fx_rate_enter(
        base="USD",
        quote="IDR",
        rate="99999",
        source="future",
        actor=world.staff,
        valid_from=timezone.now() + timedelta(days=1),
    )
    rate = services.fx_rate_current("USD", "IDR")
    assert rate.pk == newer.pk
    assert services.fx_convert(Money(Decimal("12.34"), "USD"), "IDR", rate) == idr(
        200531
    )  # 200531.17 → whole rupiah
    with pytest.raises(ValidationFailed):
        services.fx_convert(idr(1), "USD", rate)
    with pytest.raises(TypeError):
        services.fx_rate_enter(base="USD", quote="IDR", rate=1.5, source="x", actor=world.staff)
    with pytest.raises(ValidationFailed):
        services.fx_rate_enter(base="USD", quote="USD", rate="1", source="x", actor=world.staff)


def test_a_conversion_is_booked_with_the_rate_it_used(world):
    rate = services.fx_rate_enter(
        base="USD", quote="IDR", rate="16000", source="BI JISDOR", actor=world.staff
    )
    usd = account_get_or_create(code="escrow:contract:x1", currency="USD")
    fund(usd, Decimal("10.00"))
    account_get_or_create(code="payable:seller:x1", currency="IDR")
    entry = services.fx_convert_book(
        source_account="escrow:contract:x1",
        target_account="payable:seller:x1",
        amount=Money(Decimal("10.00"), "USD"),
        rate=rate,
        reference="contract:x1",
    )
    assert entry.metadata["fx_rate_id"] == rate.public_id
    assert entry.metadata["fx"]["rate_ref"] == f"fxrate:{rate.public_id}"
    assert balance("payable:seller:x1") == 160000
    assert FxRate.objects.count() == 1
    assert_ledger_balanced()


# --- static QRIS settlement --------------------------------------------------------------------
def test_the_acquirer_report_pays_exact_matches_once_and_lists_the_rest(world):
    a = world.intent(Method.QRIS, world.due("qa", 15000))
    b = world.intent(Method.QRIS, world.due("qb", 20000))
    report = (
        "transaction_time,reference,amount,rrn\n"
        f"2025-01-02 10:00:00,{a.public_id},15000.00,RRN001\n"
        f"2025-01-02 10:05:00,{b.public_id},19000,RRN002\n"
        "2025-01-02 10:06:00,nosuch,5000,RRN003\n"
    )
    first = services.qris_settlement_import(text=report, actor=world.staff)
    assert [r["reference"] for r in first["paid"]] == [a.public_id]
    assert [r["why"] for r in first["unmatched"]] == ["amount differs", "no such payment"]
    again = services.qris_settlement_import(text=report, actor=world.staff)
    assert again["paid"] == [] and [r["reference"] for r in again["already_paid"]] == [a.public_id]
    assert PaymentIntent.objects.get(pk=a.pk).status == Status.PAID
    assert PaymentIntent.objects.get(pk=b.pk).status == Status.PENDING
    assert JournalEntry.objects.filter(kind="payments.intent_paid").count() == 1
