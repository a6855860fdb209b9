"""End to end through a real ``lumbung sandbox sms`` process: nothing here patches the adapter or
the HTTP client. The adapter finds the sandbox only through ``LUMBUNG_SMS_BASE_URL``."""

from __future__ import annotations

import pytest
import requests
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lumbung.core import events
from lumbung.core.sandbox import SandboxProcess, wait_for
from lumbung.notify.delivery import message_deliver
from lumbung.notify.models import InboundMessage, OutboxMessage, Status
from lumbung.notify.services import SMS_RECEIVED, message_queue

from .conftest import SandboxClient

PHONE = "+6285712345678"


@pytest.mark.django_db
def test_a_message_reaches_the_sandbox_once_even_when_delivered_twice(
    sms_sandbox_remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(to=PHONE, template="login_code", context={"code": "904112"})
    row = OutboxMessage.objects.get(pk=message.pk)
    assert (row.status, row.route, row.attempts) == (Status.SENT, "sms", 1)
    assert row.provider_message_id == str(message.message_id)

    # The worker "lost" its record after the gateway took the message: the outbox sends it again.
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.PENDING, next_attempt_at=timezone.now())
    assert message_deliver(message.pk).status == Status.SENT

    held = sms_sandbox_remote.messages(to=PHONE)
    assert len(held) == 1
    assert held[0]["messageId"] == str(message.message_id)
    assert held[0]["requests"] == 2  # it did arrive twice, and was kept once
    assert "904112" in held[0]["text"] and held[0]["from"] == django_settings.LUMBUNG_SMS_SENDER
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 2


@pytest.mark.django_db
def test_one_injected_failure_means_one_retry_then_success(sms_sandbox_remote, settings):
    settings.LUMBUNG_OUTBOX_RETRY_BASE_SECONDS = 0  # due again at once; the schedule is tested elsewhere
    sms_sandbox_remote.fail_next(1)
    message = message_queue(to=PHONE, template="login_code", context={"code": "551200"})

    first = message_deliver(message.pk)
    assert first.status == Status.PENDING and "503" in first.error
    assert sms_sandbox_remote.messages(to=PHONE) == []

    assert message_deliver(message.pk).status == Status.SENT
    row = OutboxMessage.objects.get(pk=message.pk)
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")
    assert [m["messageId"] for m in sms_sandbox_remote.messages(to=PHONE)] == [str(message.message_id)]
    assert sms_sandbox_remote.state()["sendRequests"] == 2


@pytest.mark.django_db(transaction=True)
def test_inbound_sms_and_delivery_reports_come_back_signed(live_server, settings):
    received: list[dict] = []

    def handler(**payload):
        received.append(payload)

    events.on(SMS_RECEIVED)(handler)
    args = [
        "--callback-url",
        f"{live_server.url}/notify/sms/inbound",
        "--secret",
        settings.LUMBUNG_SMS_WEBHOOK_SECRET,
        "--set",
        f"report_url={live_server.url}/notify/sms/reports",
    ]
    try:
        with SandboxProcess("sms", *args) as process:
            sandbox = SandboxClient(process.url)
            settings.LUMBUNG_SMS_CHANNEL = "sms"
            settings.LUMBUNG_SMS_BASE_URL = process.url

            answer = sandbox.inbound(**{"from": "+6281299990000", "text": "HARGA cabai", "messageId": "mo-1"})
            assert answer["callbackStatus"] == 200
            sandbox.inbound(
                **{"from": "+6281299990000", "text": "HARGA cabai", "messageId": "mo-1"}
            )  # resent

            # No transaction open: the delivery task runs (eagerly) as soon as the row is saved.
            message = message_queue(to=PHONE, template="login_code", context={"code": "310777"})
            assert OutboxMessage.objects.get(pk=message.pk).status == Status.SENT
            reported = wait_for(
                lambda: OutboxMessage.objects.filter(pk=message.pk, delivery_status="DELIVERED").exists()
            )
    finally:
        events._handlers[SMS_RECEIVED].remove(handler)

    inbound = InboundMessage.objects.get()
    assert (inbound.phone, inbound.text, inbound.keyword) == ("+6281299990000", "HARGA cabai", "HARGA")
    assert received == [{"phone": "+6281299990000", "text": "HARGA cabai", "message_pk": inbound.pk}]
    assert reported, "the sandbox's signed delivery report never arrived"


@pytest.mark.django_db(transaction=True)
def test_a_sandbox_with_the_wrong_secret_is_refused(live_server):
    with SandboxProcess(
        "sms", "--callback-url", f"{live_server.url}/notify/sms/inbound", "--secret", "x"
    ) as process:
        answer = SandboxClient(process.url).inbound(**{"from": "6281299990000", "text": "HARGA"})
    assert answer["callbackStatus"] == 403
    assert InboundMessage.objects.count() == 0


def test_the_sandbox_keeps_its_messages_in_the_store_file(tmp_path):
    store = str(tmp_path / "sms.json")
    payload = {"messages": [{"destinations": [{"to": "6281200001111", "messageId": "m-1"}], "text": "hi"}]}
    headers = {"Authorization": "App sandbox-sms-key"}
    with SandboxProcess("sms", "--store", store) as process:
        first = requests.post(f"{process.url}/sms/2/text/advanced", json=payload, headers=headers, timeout=5)
    with SandboxProcess("sms", "--store", store) as process:
        again = requests.post(f"{process.url}/sms/2/text/advanced", json=payload, headers=headers, timeout=5)
        held = SandboxClient(process.url).messages()
    assert first.status_code == again.status_code == 200
    assert first.json()["messages"] == again.json()["messages"]
    assert [(m["messageId"], m["requests"]) for m in held] == [("m-1", 2)]


def test_the_sandbox_refuses_a_wrong_api_key_and_a_bad_request(sms_sandbox_process):
    url = f"{sms_sandbox_process.url}/sms/2/text/advanced"
    wrong = requests.post(url, json={"messages": []}, headers={"Authorization": "App nope"}, timeout=5)
    bad = requests.post(url, data=b"{", headers={"Authorization": "App sandbox-sms-key"}, timeout=5)
    assert wrong.status_code == 401
    assert wrong.json()["requestError"]["serviceException"]["messageId"] == "UNAUTHORIZED"
    assert bad.status_code == 400


def test_an_unknown_sandbox_is_a_clear_error():
    with pytest.raises(CommandError, match="no sandbox named 'nope'"):
        call_command("sandbox", "nope")
