"""The Celery lane: a real worker process, Redis as the broker, PostgreSQL, and the SMS sandbox.

The test process queues a message; after the commit the task goes to Redis (this process is NOT
eager). The worker, started with the test database's name, delivers through the sandbox, which
fails the first send; the worker schedules the retry itself, and the second attempt succeeds.

Run it as CI does:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/lumbung_celery REDIS_URL=redis://127.0.0.1:6379/5
.venv/bin/pytest -m celery``
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from lumbung.core.sandbox import SandboxProcess
from lumbung.notify.models import OutboxMessage, Status
from lumbung.notify.services import message_queue

from .conftest import SandboxClient

PHONE = "+6281377712345"
WAIT_SECONDS = 90


def database_url() -> str:
    """The URL of the database this test uses (pytest's test database, not the configured one)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def forget_connections(app) -> None:
    # Earlier eager tests in this process may have built producer pools for the in-memory transport;
    # drop them so the next publish connects to the broker now configured (what Celery does after fork).
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def broker_app():
    """This process's Celery app, made to publish to Redis rather than run tasks itself."""
    from lumbung.celery import app

    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"
    before = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = broker
    forget_connections(app)
    app.control.purge()  # tasks left from an earlier run would point at rows of another database
    yield app
    app.conf.task_always_eager, app.conf.broker_url = before
    forget_connections(app)


@pytest.fixture
def worker(transactional_db, broker_app, sms_sandbox_failing):
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lumbung.notify.tests.worker_settings",
        "LUMBUNG_ENV": "test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_app.conf.broker_url,
        "REDIS_URL": os.environ.get("REDIS_URL", broker_app.conf.broker_url),
        "LUMBUNG_SMS_CHANNEL": "sms",
        "LUMBUNG_SMS_BASE_URL": sms_sandbox_failing.url,
    }
    celery = str(Path(sys.executable).with_name("celery"))
    command = [celery, "-A", "lumbung", "worker", "--pool", "solo", "--loglevel", "INFO"]
    command += ["--hostname", "notify-test@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    process.log_path = log.name
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def sms_sandbox_failing():
    with SandboxProcess("sms", "--fail-first", "1") as process:
        yield process


def log_tail(path: str) -> str:
    return Path(path).read_text(errors="replace")[-3000:]


@pytest.mark.celery
def test_a_worker_delivers_through_the_sandbox_with_one_retry(worker, sms_sandbox_failing):
    with transaction.atomic():
        message = message_queue(to=PHONE, template="login_code", context={"code": "640219"})

    deadline = time.monotonic() + WAIT_SECONDS
    row = OutboxMessage.objects.get(pk=message.pk)
    while row.status not in (Status.SENT, Status.DEAD) and time.monotonic() < deadline:
        assert worker.poll() is None, "the worker stopped:\n" + log_tail(worker.log_path)
        time.sleep(0.25)
        row = OutboxMessage.objects.get(pk=message.pk)

    assert row.status == Status.SENT, f"{row.status}, {row.last_error!r}\n" + log_tail(worker.log_path)
    assert row.attempts == 2  # one injected failure, one retry
    assert row.route == "sms" and row.last_error == ""
    held = SandboxClient(sms_sandbox_failing.url).messages(to=PHONE)
    assert [m["messageId"] for m in held] == [str(message.message_id)]
    assert "640219" in held[0]["text"]
