"""Notify test fixtures: an eager Celery app for ordinary tests, and the SMS sandbox, in-process
(a real HTTP server on a thread) or as a real ``lumbung sandbox sms`` subprocess."""

from __future__ import annotations

import threading

import pytest
import requests

from lumbung.core.sandbox import SandboxConfig, SandboxProcess, make_sandbox_server


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process unless the test is in the Celery lane, whatever the environment says."""
    from lumbung.celery import app

    if request.node.get_closest_marker("celery"):
        yield
        return
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


class SandboxClient:
    """Talks to a running SMS sandbox through its control endpoints."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def messages(self, to: str = "") -> list[dict]:
        return requests.get(f"{self.url}/_sandbox/messages", params={"to": to}, timeout=5).json()["messages"]

    def state(self) -> dict:
        return requests.get(f"{self.url}/_sandbox/messages", timeout=5).json()

    def fail_next(self, count: int) -> None:
        requests.post(f"{self.url}/_sandbox/fail", json={"count": count}, timeout=5).raise_for_status()

    def inbound(self, **payload) -> dict:
        response = requests.post(f"{self.url}/_sandbox/inbound", json=payload, timeout=15)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        requests.post(f"{self.url}/_sandbox/reset", timeout=5).raise_for_status()


@pytest.fixture
def sms_sandbox(settings):
    """The SMS sandbox on a thread of this process, with the SMS route pointed at it."""
    import lumbung.notify.sandbox  # noqa: F401  registers "sms"

    server = make_sandbox_server(SandboxConfig(name="sms", port=0), log_requests=False)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LUMBUNG_SMS_CHANNEL = "sms"
    settings.LUMBUNG_SMS_BASE_URL = url
    try:
        yield SandboxClient(url)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def sms_sandbox_process():
    """``lumbung sandbox sms`` as its own process, shared by a module's tests (reset for each)."""
    with SandboxProcess("sms") as process:
        yield process


@pytest.fixture
def sms_sandbox_remote(sms_sandbox_process, settings):
    client = SandboxClient(sms_sandbox_process.url)
    client.reset()
    settings.LUMBUNG_SMS_CHANNEL = "sms"
    settings.LUMBUNG_SMS_BASE_URL = sms_sandbox_process.url
    return client
