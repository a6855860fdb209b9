"""Signed SMS webhooks: inbound messages and delivery reports."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from lumbung.core import events
from lumbung.notify import signing
from lumbung.notify.models import InboundMessage, OutboxMessage, Status
from lumbung.notify.services import SMS_RECEIVED, message_queue

pytestmark = pytest.mark.django_db
SECRET = "webhook-test-secret"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.LUMBUNG_SMS_WEBHOOK_SECRET = SECRET


@pytest.fixture
def received():
    """Record ``notify.sms_received`` events the way a higher app's handler would get them."""
    calls: list[dict] = []

    def handler(**payload):
        calls.append(payload)

    events.on(SMS_RECEIVED)(handler)
    yield calls
    events._handlers[SMS_RECEIVED].remove(handler)


def mo_payload(message_id="817790313235066447", text="HARGA beras"):
    return {
        "results": [
            {
                "messageId": message_id,
                "from": "6281234567890",
                "to": "62811000000",
                "text": text,
                "cleanText": text.partition(" ")[2],
                "keyword": text.partition(" ")[0],
                "receivedAt": "2026-10-06T09:28:39.220+0000",
                "smsCount": 1,
            }
        ],
        "messageCount": 1,
        "pendingMessageCount": 0,
    }


def post_signed(client, name, payload, *, secret=SECRET, signature=None):
    body = json.dumps(payload).encode()
    header = signature if signature is not None else signing.sign(body, secret)
    return client.post(
        reverse(f"notify:{name}"),
        data=body,
        content_type="application/json",
        headers={signing.HEADER: header},
    )


def test_signature_round_trip_and_refusals():
    body = b'{"results": []}'
    good = signing.sign(body, "s3cret")
    assert good.startswith("sha256=") and signing.verify(body, good, "s3cret")
    assert not signing.verify(body + b" ", good, "s3cret")
    assert not signing.verify(body, good, "other")
    assert not signing.verify(body, good.removeprefix("sha256="), "s3cret")
    assert not signing.verify(body, None, "s3cret")
    assert not signing.verify(body, signing.sign(body, ""), "")  # no secret configured: refuse all


def test_inbound_sms_is_stored_and_the_event_fires_after_commit(
    client, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_signed(client, "sms_inbound", mo_payload())
    assert response.status_code == 200 and response.json() == {"received": 1, "stored": 1}
    message = InboundMessage.objects.get()
    assert (message.phone, message.text, message.keyword) == ("+6281234567890", "HARGA beras", "HARGA")
    assert message.received_at is not None and message.received_at.year == 2026
    assert received == []  # handlers wait for the commit
    for callback in callbacks:
        callback()
    assert received == [{"phone": "+6281234567890", "text": "HARGA beras", "message_pk": message.pk}]


def test_the_same_inbound_message_twice_is_stored_and_announced_once(
    client, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = post_signed(client, "sms_inbound", mo_payload())
        again = post_signed(client, "sms_inbound", mo_payload())
        other = post_signed(client, "sms_inbound", mo_payload(message_id="2", text="STOK"))
    assert first.status_code == again.status_code == other.status_code == 200
    assert again.json()["stored"] == 0
    assert InboundMessage.objects.count() == 2
    assert [call["text"] for call in received] == ["HARGA beras", "STOK"]


@pytest.mark.parametrize(
    "kind",
    ["wrong secret", "no signature", "tampered"],
)
def test_a_badly_signed_inbound_webhook_is_refused_logged_and_stores_nothing(client, received, caplog, kind):
    payload = mo_payload()
    body = json.dumps(payload).encode()
    signature = {
        "wrong secret": signing.sign(body, "guess"),
        "no signature": "",
        "tampered": signing.sign(json.dumps(mo_payload(text="OTHER")).encode(), SECRET),
    }[kind]
    with caplog.at_level(logging.WARNING, logger="lumbung.notify.views"):
        response = post_signed(client, "sms_inbound", payload, signature=signature)
    assert response.status_code == 403
    assert InboundMessage.objects.count() == 0
    assert received == []
    assert any("refused" in record.getMessage() for record in caplog.records)


def test_webhooks_need_post(client):
    assert client.get(reverse("notify:sms_inbound")).status_code == 405


def test_a_delivery_report_updates_the_outbox_row(client):
    message = message_queue(to="+6281234567890", template="login_code", context={"code": "123456"})
    report = {
        "results": [
            {
                "bulkId": "b1",
                "messageId": str(message.message_id),
                "to": "6281234567890",
                "doneAt": "2026-11-09T16:00:00.000+0000",
                "status": {
                    "groupId": 3,
                    "groupName": "DELIVERED",
                    "id": 5,
                    "name": "DELIVERED_TO_HANDSET",
                    "description": "Message delivered to handset",
                },
            },
            {"messageId": "not-one-of-ours", "status": {"groupName": "DELIVERED"}},
        ]
    }
    response = post_signed(client, "sms_reports", report)
    assert response.status_code == 200 and response.json() == {"updated": 1}
    row = OutboxMessage.objects.get(pk=message.pk)
    assert row.delivery_status == "DELIVERED" and row.delivery_description == "Message delivered to handset"
    assert row.delivery_reported_at.year == 2026
    assert row.status != Status.DEAD


def test_a_badly_signed_report_changes_nothing(client):
    message = message_queue(to="+6281234567890", template="login_code", context={"code": "123456"})
    report = {"results": [{"messageId": str(message.message_id), "status": {"groupName": "UNDELIVERABLE"}}]}
    response = post_signed(client, "sms_reports", report, secret="guess")
    assert response.status_code == 403
    assert OutboxMessage.objects.get(pk=message.pk).delivery_status == ""
