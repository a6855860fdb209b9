"""Real threads racing on PostgreSQL: every message is sent by exactly one worker."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lumbung.notify.delivery import message_deliver
from lumbung.notify.models import OutboxMessage, Status

WORKERS = 6
MESSAGES = 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_workers_send_each_message_once(sms_sandbox):
    pks = [
        OutboxMessage.objects.create(to=f"+62812000{n:05d}", template="login_code", body=f"code {n}").pk
        for n in range(MESSAGES)
    ]
    start = threading.Barrier(WORKERS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            for pk in pks:  # every worker tries every message, as duplicated tasks would
                outcomes.append(message_deliver(pk).status)
        except BaseException as exc:  # surface it in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors
    assert outcomes.count(Status.SENT) == MESSAGES
    assert outcomes.count("skipped") == MESSAGES * (WORKERS - 1)
    rows = OutboxMessage.objects.filter(pk__in=pks)
    assert {(row.status, row.attempts) for row in rows} == {(Status.SENT, 1)}
    held = sms_sandbox.messages()
    assert sorted(m["messageId"] for m in held) == sorted(str(row.message_id) for row in rows)
    assert {m["requests"] for m in held} == {1}  # no message reached the gateway twice
