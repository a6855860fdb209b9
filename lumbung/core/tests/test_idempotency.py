import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from lumbung.core.audit import record
from lumbung.core.errors import Conflict, DomainError, ValidationFailed
from lumbung.core.idempotency import (
    KeyReused,
    fingerprint,
    idempotency_records_purge,
    run_idempotent,
)
from lumbung.core.models import AuditEntry, IdempotencyRecord


def _pay(amount: int):
    def work():
        entry = record("test.pay", data={"amount": amount})
        return 201, {"entry": entry.pk, "amount": amount}

    return work


@pytest.mark.django_db
def test_same_key_same_request_takes_effect_once():
    fp = fingerprint("POST", "/pay", {"amount": 5000})
    first = run_idempotent(scope="user:1", key="k-1", request_fingerprint=fp, func=_pay(5000))
    again = run_idempotent(scope="user:1", key="k-1", request_fingerprint=fp, func=_pay(5000))
    assert again.body == first.body and again.status_code == 201
    assert again.replayed and not first.replayed
    assert AuditEntry.objects.filter(action="test.pay").count() == 1


@pytest.mark.django_db
def test_same_key_different_request_is_refused_without_effect():
    run_idempotent(scope="user:1", key="k-2", request_fingerprint=fingerprint(1), func=_pay(1))
    with pytest.raises(KeyReused):
        run_idempotent(scope="user:1", key="k-2", request_fingerprint=fingerprint(2), func=_pay(2))
    assert AuditEntry.objects.filter(action="test.pay").count() == 1


@pytest.mark.django_db
def test_keys_are_per_caller():
    fp = fingerprint("x")
    run_idempotent(scope="user:1", key="same", request_fingerprint=fp, func=_pay(1))
    run_idempotent(scope="user:2", key="same", request_fingerprint=fp, func=_pay(1))
    assert AuditEntry.objects.filter(action="test.pay").count() == 2


@pytest.mark.django_db
def test_a_failed_request_leaves_no_record_and_can_be_retried():
    def refuse():
        record("test.pay", data={})
        raise DomainError("no")

    with pytest.raises(DomainError):
        run_idempotent(scope="s", key="k-3", request_fingerprint="f", func=refuse)
    assert not IdempotencyRecord.objects.exists()
    assert not AuditEntry.objects.exists()
    answer = run_idempotent(scope="s", key="k-3", request_fingerprint="f", func=_pay(3))
    assert answer.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 129, "bad\nkey"])
def test_missing_or_malformed_key_is_refused(key):
    with pytest.raises(ValidationFailed):
        run_idempotent(scope="s", key=key, request_fingerprint="f", func=_pay(1))


@pytest.mark.django_db
def test_records_are_kept_a_day_then_purged():
    run_idempotent(scope="s", key="old", request_fingerprint="f", func=_pay(1))
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert idempotency_records_purge() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert idempotency_records_purge() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_take_effect_once():
    threads = 8
    barrier = threading.Barrier(threads)
    answers, errors = [], []
    fp = fingerprint("POST", "/pay", 7000)

    def worker():
        try:
            barrier.wait()
            answers.append(
                run_idempotent(scope="user:9", key="race", request_fingerprint=fp, func=_pay(7000))
            )
        except Conflict as exc:  # pragma: no cover - must not happen
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors
    assert len(answers) == threads
    assert len({a.body["entry"] for a in answers}) == 1
    assert AuditEntry.objects.filter(action="test.pay").count() == 1
