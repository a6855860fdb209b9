"""End to end through a real ``lumbung sandbox gateway`` process and a live server: the sandbox's
notifications reach the app over HTTP. Nothing patches the adapter or the HTTP client; the adapter
finds the sandbox only through LUMBUNG_MIDTRANS_BASE_URL, the sandbox finds us through the
X-Override-Notification header our charge sends."""

from __future__ import annotations

import pytest
import requests

from lumbung.core import events
from lumbung.core.sandbox import SandboxProcess, wait_for
from lumbung.ledger.models import JournalEntry
from lumbung.payments import services
from lumbung.payments.accounts import GATEWAY_CLEARING, escrow_order
from lumbung.payments.models import Method, PaymentIntent, Status, WebhookEvent

from .conftest import SERVER_KEY, GatewayClient, assert_ledger_balanced, balance


@pytest.fixture
def gateway_process(live_server, settings):
    with SandboxProcess("gateway", "--api-key", SERVER_KEY) as process:
        settings.LUMBUNG_MIDTRANS_BASE_URL = process.url
        settings.LUMBUNG_MIDTRANS_SERVER_KEY = SERVER_KEY
        settings.LUMBUNG_MIDTRANS_NOTIFICATION_URL = f"{live_server.url}/payments/midtrans/notification"
        yield GatewayClient(process.url)


@pytest.mark.django_db(transaction=True)
def test_a_va_paid_at_the_gateway_is_booked_exactly_once_despite_duplicates_and_reordering(
    world, gateway_process
):
    paid: list[dict] = []

    def handler(**payload):
        paid.append(payload)

    events.on(services.INTENT_PAID)(handler)
    try:
        # No transaction open: the charge goes out as soon as the intent row is saved.
        intent = world.intent(Method.GATEWAY_VA_BCA, world.due("e2e", 110000))
        intent.refresh_from_db()
        assert intent.va_bank == "bca" and intent.va_number
        # The sandbox's own "pending" notification arrives on its own.
        assert wait_for(lambda: WebhookEvent.objects.filter(order_id=intent.public_id).exists())

        answer = gateway_process.control("pay", intent.public_id, duplicate="2", reorder="1")
        bad = gateway_process.control("notify-bad-signature", intent.public_id)
    finally:
        events._handlers[services.INTENT_PAID].remove(handler)

    assert answer["callbackStatuses"] == [200, 200, 200]  # settlement, its duplicate, a stale pending
    assert bad["callbackStatuses"] == [403]
    intent.refresh_from_db()
    assert intent.status == Status.PAID and intent.paid_source == "webhook"
    assert (
        JournalEntry.objects.filter(
            kind="payments.intent_paid", reference=f"payment:{intent.public_id}"
        ).count()
        == 1
    )
    assert paid == [{"intent_public_id": intent.public_id, "references": ["test:e2e"]}]
    assert balance(GATEWAY_CLEARING) == 110000 and balance(escrow_order("e2e")) == 110000
    outcomes = sorted(
        WebhookEvent.objects.filter(order_id=intent.public_id).values_list("transaction_status", "outcome")
    )
    assert ("settlement", "applied") in outcomes
    assert len([o for o in outcomes if o[0] == "settlement"]) == 1
    assert_ledger_balanced()


@pytest.mark.django_db(transaction=True)
def test_a_gateway_refund_goes_through_the_sandbox_and_its_notification_changes_nothing_more(
    world, gateway_process
):
    from decimal import Decimal

    from lumbung.core.money import Money
    from lumbung.ledger.services import Line
    from lumbung.payments.models import RefundStatus

    intent = world.intent(Method.GATEWAY_QRIS, world.due("rf", 50000))
    gateway_process.control("pay", intent.public_id)
    assert PaymentIntent.objects.get(pk=intent.pk).status == Status.PAID
    refund = services.refund_issue(
        intent=intent,
        reference="test:rf",
        amount=Money(Decimal(20000), "IDR"),
        debit_lines=[Line(escrow_order("rf"), Money(Decimal(20000), "IDR"))],
        reason="one bag was missing",
        idempotency_key="refund-e2e",
    )
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    [charge] = gateway_process.charges()
    assert (charge["transaction_status"], charge["refund_amount"]) == ("partial_refund", "20000.00")
    assert wait_for(
        lambda: WebhookEvent.objects.filter(
            order_id=intent.public_id, transaction_status="partial_refund"
        ).exists()
    )
    assert PaymentIntent.objects.get(pk=intent.pk).status == Status.PAID
    assert balance(escrow_order("rf")) == 30000
    assert_ledger_balanced()


def test_the_sandbox_refuses_a_wrong_server_key_and_reuses_no_order_id():
    with SandboxProcess("gateway", "--api-key", SERVER_KEY) as process:
        body = {
            "payment_type": "bank_transfer",
            "bank_transfer": {"bank": "bca"},
            "transaction_details": {"order_id": "o-1", "gross_amount": 1000},
        }
        wrong = requests.post(f"{process.url}/v2/charge", json=body, auth=("nope", ""), timeout=5)
        first = requests.post(f"{process.url}/v2/charge", json=body, auth=(SERVER_KEY, ""), timeout=5).json()
        again = requests.post(f"{process.url}/v2/charge", json=body, auth=(SERVER_KEY, ""), timeout=5).json()
        status = requests.get(f"{process.url}/v2/o-1/status", auth=(SERVER_KEY, ""), timeout=5).json()
    assert wrong.status_code == 401
    assert first["status_code"] == "201" and first["va_numbers"][0]["bank"] == "bca"
    assert again["status_code"] == "406"
    assert (status["transaction_status"], status["gross_amount"]) == ("pending", "1000.00")
