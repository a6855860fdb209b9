from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from lumbung.core import periodic as registry
from lumbung.core.models import JobRun
from lumbung.core.services import jobs_run_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(monkeypatch):
    monkeypatch.setattr(registry, "_jobs", {})
    calls: list[tuple[str, bool]] = []

    @registry.periodic("test.every_minute", every=timedelta(minutes=1))
    def minute():
        calls.append(("minute", connection.in_atomic_block))

    @registry.periodic("test.outside", every=timedelta(hours=1), atomic=False)
    def outside():
        calls.append(("outside", connection.in_atomic_block))

    @registry.periodic("test.broken", every=timedelta(minutes=1))
    def broken():
        raise RuntimeError("boom")

    return calls


def test_due_jobs_run_once_per_interval_and_a_failure_is_recorded(jobs):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert jobs_run_due() == ["test.broken", "test.every_minute", "test.outside"]
        assert jobs_run_due() == []
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert jobs_run_due() == ["test.broken", "test.every_minute"]
    assert "boom" in JobRun.objects.get(name="test.broken").last_error
    assert JobRun.objects.get(name="test.every_minute").last_error == ""


@pytest.mark.django_db(transaction=True)
def test_a_job_may_run_outside_a_transaction(jobs):
    jobs_run_due()
    in_transaction = dict(jobs)
    assert in_transaction["minute"] is True
    assert in_transaction["outside"] is False
