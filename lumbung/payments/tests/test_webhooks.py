"""The Midtrans notification endpoint: signature, dedupe, regressions, unknown orders, reconciliation."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from lumbung.ledger.models import JournalEntry
from lumbung.payments import services
from lumbung.payments.models import Method, PaymentIntent, Status, WebhookEvent
from lumbung.payments.signature import signature_key

from .conftest import SERVER_KEY, assert_ledger_balanced

pytestmark = pytest.mark.django_db
URL = "/payments/midtrans/notification"


def notification(
    intent, status="settlement", *, amount=None, key=SERVER_KEY, transaction_id="trx-1", **extra
):
    gross = f"{amount if amount is not None else intent.amount:.2f}"
    code = {
        "settlement": "200",
        "pending": "201",
        "expire": "407",
        "deny": "202",
        "cancel": "200",
        "capture": "200",
    }[status]
    body = {
        "transaction_time": "2025-01-02 10:00:00",
        "transaction_status": status,
        "transaction_id": transaction_id,
        "status_message": "midtrans payment notification",
        "status_code": code,
        "signature_key": signature_key(intent.public_id, code, gross, key),
        "payment_type": "bank_transfer",
        "order_id": intent.public_id,
        "merchant_id": "G000",
        "gross_amount": gross,
        "fraud_status": "accept",
        "currency": "IDR",
        **extra,
    }
    return body


@pytest.fixture
def va(world, settings):
    settings.LUMBUNG_MIDTRANS_SERVER_KEY = SERVER_KEY
    intent = world.intent(Method.GATEWAY_VA_BCA, world.due("w1", 110000))
    PaymentIntent.objects.filter(pk=intent.pk).update(charged_at=timezone.now(), va_number="1234500000000001")
    return PaymentIntent.objects.get(pk=intent.pk)


def post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def test_settlement_marks_paid_once_even_when_sent_again(client, va, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, notification(va))
        second = post(client, notification(va))
    assert (first.status_code, first.json()["outcome"]) == (200, "applied")
    assert (second.status_code, second.json()["outcome"]) == (200, "duplicate")
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.PAID
    assert JournalEntry.objects.filter(kind="payments.intent_paid").count() == 1
    assert WebhookEvent.objects.count() == 1
    assert_ledger_balanced()


def test_a_late_pending_after_settlement_is_ignored(client, va):
    post(client, notification(va))
    late = post(client, notification(va, "pending"))
    expire = post(client, notification(va, "expire"))
    assert late.json()["outcome"] == "stale" and expire.json()["outcome"] == "stale"
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.PAID


def test_a_bad_signature_is_refused_logged_and_changes_nothing(client, va, caplog):
    with caplog.at_level(logging.WARNING, logger="lumbung.payments.views"):
        response = post(client, notification(va, key="not-our-key"))
    assert response.status_code == 403
    assert "bad signature_key" in caplog.text and va.public_id in caplog.text
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.PENDING
    assert not WebhookEvent.objects.exists() and not JournalEntry.objects.exists()


def test_a_tampered_amount_breaks_the_signature(client, va):
    body = notification(va)
    body["gross_amount"] = "1.00"
    assert post(client, body).status_code == 403
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.PENDING


def test_a_signed_notification_for_another_amount_is_not_applied(client, va, caplog):
    response = post(client, notification(va, amount=Decimal(5)))
    assert response.json()["outcome"] == "mismatch"
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.PENDING
    assert not JournalEntry.objects.exists()


def test_an_unknown_order_is_acknowledged_404_logged_and_changes_nothing(client, va, caplog):
    body = notification(va)
    body["order_id"] = "nosuchorder00000"
    body["signature_key"] = signature_key("nosuchorder00000", "200", body["gross_amount"], SERVER_KEY)
    with caplog.at_level(logging.WARNING, logger="lumbung.payments.services.gateway"):
        response = post(client, body)
    assert response.status_code == 404 and "unknown order" in caplog.text
    assert not WebhookEvent.objects.exists() and PaymentIntent.objects.get(pk=va.pk).status == Status.PENDING


def test_not_json_and_get_are_refused(client, va):
    assert client.post(URL, data=b"{", content_type="application/json").status_code == 400
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize(
    ("status", "expected"), [("expire", "expired"), ("cancel", "cancelled"), ("deny", "failed")]
)
def test_endings_from_the_gateway_end_a_pending_intent(client, va, status, expected):
    assert post(client, notification(va, status)).json()["outcome"] == "applied"
    assert PaymentIntent.objects.get(pk=va.pk).status == expected


def test_a_challenged_capture_waits_and_an_accepted_one_pays(client, va):
    assert (
        post(client, notification(va, "capture", fraud_status="challenge")).json()["outcome"] == "no_change"
    )
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.PENDING
    body = notification(va, "capture", transaction_id="trx-2")
    assert post(client, body).json()["outcome"] == "applied"
    assert PaymentIntent.objects.get(pk=va.pk).status == Status.PAID


def test_the_recheck_job_finds_a_payment_whose_notification_was_lost(
    world, gateway, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intent = world.intent(Method.GATEWAY_VA_BCA, world.due("lostnote", 30000))
    gateway.control("pay", intent.public_id, notify="0")
    assert services.intents_recheck() == {}  # too young to ask about yet
    with time_machine.travel(
        timezone.now() + timedelta(minutes=settings.LUMBUNG_PAYMENT_RECHECK_AFTER_MINUTES + 1)
    ):
        assert services.intents_recheck() == {"applied": 1}
        assert services.intents_recheck() == {}
    assert PaymentIntent.objects.get(pk=intent.pk).status == Status.PAID
    assert JournalEntry.objects.filter(kind="payments.intent_paid").count() == 1


def test_webhook_events_are_kept_at_least_thirty_days(client, va, settings):
    settings.LUMBUNG_PAYMENT_WEBHOOK_RETENTION_DAYS = 1  # asking for less still keeps 30
    post(client, notification(va))
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert services.webhook_events_purge() == 0
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert services.webhook_events_purge() == 1


def test_the_payment_jobs_are_registered():
    from lumbung.core.periodic import jobs

    names = {job.name for job in jobs()}
    assert {
        "payments.recheck_pending",
        "payments.expire_overdue",
        "payments.retry_refunds",
        "payments.purge_webhook_events",
    } <= names
