"""Outbox delivery: the claim, retries with backoff, giving up, and the routes."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from lumbung.notify.delivery import message_claim, message_deliver, messages_retry_due, retry_delay
from lumbung.notify.models import OutboxMessage, Status
from lumbung.notify.services import message_queue

pytestmark = pytest.mark.django_db
PHONE = "+6281234567890"


def queue(**kwargs) -> OutboxMessage:
    fields = {"to": PHONE, "template": "login_code", "context": {"code": "482913"}, "language": "id"}
    return message_queue(**{**fields, **kwargs})


def refreshed(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def test_a_claim_is_exclusive_and_only_for_due_pending_messages():
    message = queue()
    first = message_claim(message_pk=message.pk)
    second = message_claim(message_pk=message.pk)
    assert first is not None and first.status == Status.SENDING and first.attempts == 1
    assert second is None
    assert refreshed(message).attempts == 1

    later = queue()
    OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=1))
    assert message_claim(message_pk=later.pk) is None


def test_queue_delivers_through_the_console_route_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = queue()
    assert refreshed(message).status == Status.PENDING  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    message = refreshed(message)
    assert (message.status, message.route, message.attempts) == (Status.SENT, "console", 1)
    assert "482913" in message.body
    assert message.sent_at is not None


def test_a_sent_message_is_not_sent_again():
    message = queue()
    assert message_deliver(message.pk).status == Status.SENT
    assert message_deliver(message.pk).status == "skipped"
    assert refreshed(message).attempts == 1


def test_retry_delay_doubles_with_jitter_and_is_capped(settings):
    settings.LUMBUNG_OUTBOX_RETRY_BASE_SECONDS = 30
    settings.LUMBUNG_OUTBOX_RETRY_CAP_SECONDS = 3600
    rng = random.Random(7)
    for attempt, ceiling in [(1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (20, 3600)]:
        delays = {retry_delay(attempt, rng=rng).total_seconds() for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays), (attempt, min(delays), max(delays))
        assert len(delays) > 1  # jittered, so many messages failing together do not retry together


def test_failed_sends_retry_on_the_backoff_schedule_then_succeed(sms_sandbox, settings):
    settings.LUMBUNG_OUTBOX_RETRY_BASE_SECONDS = 30
    sms_sandbox.fail_next(2)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        message = queue()
        outcome = message_deliver(message.pk)
        assert outcome.status == Status.PENDING and "503" in outcome.error
        first = refreshed(message)
        assert first.attempts == 1 and "503" in first.last_error
        assert start + timedelta(seconds=15) <= first.next_attempt_at <= start + timedelta(seconds=30)

        # Not due yet: nobody sends it early.
        assert message_deliver(message.pk).status == "skipped"

        clock.move_to(first.next_attempt_at)
        assert message_deliver(message.pk).status == Status.PENDING
        second = refreshed(message)
        assert second.attempts == 2
        wait = second.next_attempt_at - first.next_attempt_at
        assert timedelta(seconds=30) <= wait <= timedelta(seconds=60)

        clock.move_to(second.next_attempt_at)
        assert message_deliver(message.pk).status == Status.SENT

    sent = refreshed(message)
    assert (sent.status, sent.route, sent.attempts, sent.last_error) == (Status.SENT, "sms", 3, "")
    received = sms_sandbox.messages(to=PHONE)
    assert [m["messageId"] for m in received] == [str(message.message_id)]
    assert received[0]["text"] == message.body and received[0]["to"] == "6281234567890"


def test_a_message_goes_dead_after_the_maximum_attempts(sms_sandbox, settings):
    settings.LUMBUNG_OUTBOX_MAX_ATTEMPTS = 3
    sms_sandbox.fail_next(10)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        message = queue()
        outcomes = []
        for _ in range(5):
            outcomes.append(message_deliver(message.pk).status)
            clock.shift(timedelta(hours=2))
    assert outcomes == [Status.PENDING, Status.PENDING, Status.DEAD, "skipped", "skipped"]
    dead = refreshed(message)
    assert dead.status == Status.DEAD and dead.attempts == 3 and "503" in dead.last_error
    assert sms_sandbox.messages() == []


def test_an_invalid_destination_is_permanent_and_not_retried(sms_sandbox):
    message = queue(to="+62812")  # too short to be a phone number: the gateway rejects it
    outcome = message_deliver(message.pk)
    assert outcome.status == Status.DEAD
    dead = refreshed(message)
    assert dead.attempts == 1 and "REJECTED_DESTINATION" in dead.last_error
    assert sms_sandbox.messages() == []


def test_a_4xx_answer_is_permanent_with_the_gateway_reason(sms_sandbox, settings):
    settings.LUMBUNG_SMS_API_KEY = "not-the-key"
    message = queue()
    assert message_deliver(message.pk).status == Status.DEAD
    dead = refreshed(message)
    assert "401" in dead.last_error and "UNAUTHORIZED" in dead.last_error
    assert sms_sandbox.messages() == []


def test_an_unreachable_gateway_is_retried_not_dropped(settings):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.LUMBUNG_SMS_CHANNEL = "sms"
    settings.LUMBUNG_SMS_BASE_URL = f"http://127.0.0.1:{port}"
    message = queue()
    assert message_deliver(message.pk).status == Status.PENDING
    assert "unreachable" in refreshed(message).last_error


def test_email_route_sends_through_django_mail(settings):
    settings.LUMBUNG_EMAIL_CHANNEL = "email"
    message = queue(to="sari@example.org", channel="email", language="en")
    assert message_deliver(message.pk).status == Status.SENT
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["sari@example.org"]
    assert "482913" in sent.body and sent.subject == refreshed(message).subject != ""
    assert refreshed(message).route == "email"


def test_retry_due_queues_lost_messages_and_returns_orphaned_claims(
    settings, django_capture_on_commit_callbacks
):
    settings.LUMBUNG_OUTBOX_MAX_ATTEMPTS = 3
    waiting = queue()  # its task was "lost": never run
    orphan = queue()
    message_claim(message_pk=orphan.pk)  # a worker claimed it and died mid-call
    last_chance = queue()
    OutboxMessage.objects.filter(pk=last_chance.pk).update(status=Status.SENDING, attempts=3)
    future = queue()
    OutboxMessage.objects.filter(pk=future.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))

    later = timezone.now() + timedelta(minutes=6)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        count = messages_retry_due()

    assert count == 2
    assert refreshed(waiting).status == Status.SENT
    assert (refreshed(orphan).status, refreshed(orphan).attempts) == (Status.SENT, 2)
    assert refreshed(last_chance).status == Status.DEAD
    assert refreshed(future).status == Status.PENDING and refreshed(future).attempts == 0


def test_retry_due_is_a_registered_periodic_job():
    from lumbung.core.periodic import get_job

    job = get_job("notify.retry_due")
    assert job.every == timedelta(minutes=1)
    assert job.func is messages_retry_due


def test_a_stale_worker_cannot_overwrite_a_newer_attempt(sms_sandbox):
    from lumbung.notify.delivery import _record_sent

    message = queue()
    stale = message_claim(message_pk=message.pk)
    # Its lease ran out; the row went back and a second worker took it.
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.PENDING, next_attempt_at=timezone.now())
    fresh = message_claim(message_pk=message.pk)
    assert fresh.attempts == 2
    _record_sent(stale, route="sms", provider_message_id="late")
    assert refreshed(message).status == Status.SENDING  # the stale record changed nothing
