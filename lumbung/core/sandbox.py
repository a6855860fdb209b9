"""Sandboxes: stand-ins for outside providers, each running as its own process on 127.0.0.1.

An app registers a sandbox in its own ``sandbox.py`` module (found by ``lumbung sandbox`` through
Django's module autodiscovery)::

    from lumbung.core.sandbox import SandboxConfig, sandbox

    @sandbox("sms")
    def sms_sandbox(config: SandboxConfig):
        return MyWsgiApp(config)          # a WSGI callable, or a BaseHTTPRequestHandler subclass

and ``lumbung sandbox sms --port 8701`` serves it. Every sandbox gets the same options
(``SandboxConfig``): the port, how many first requests should fail (``--fail-first``), where to send
signed callbacks (``--callback-url``), an optional JSON file to keep its state in (``--store``), the
API key it accepts and the secret it signs callbacks with, plus free ``--set key=value`` extras.

Sandbox modules must not touch the database or need Django settings: they speak the provider's
protocol over HTTP and nothing else, so an adapter can only reach them through its base URL.
"""

from __future__ import annotations

import inspect
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

HOST = "127.0.0.1"  # sandboxes never listen beyond this machine


@dataclass
class SandboxConfig:
    name: str = ""
    port: int = 0
    fail_first: int = 0
    callback_url: str = ""
    store: str = ""
    api_key: str = ""
    secret: str = ""
    extra: dict[str, str] = field(default_factory=dict)


Factory = Callable[[SandboxConfig], Any]
_sandboxes: dict[str, Factory] = {}


def sandbox(name: str) -> Callable[[Factory], Factory]:
    """Decorator: register ``factory(config)`` under ``name``."""

    def register(factory: Factory) -> Factory:
        _sandboxes[name] = factory
        return factory

    return register


def registered() -> list[str]:
    return sorted(_sandboxes)


def get_factory(name: str) -> Factory:
    try:
        return _sandboxes[name]
    except KeyError:
        known = ", ".join(registered()) or "none"
        raise LookupError(f"no sandbox named {name!r} (known: {known})") from None


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietWSGIRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # one short line per request on stderr
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


class _SilentWSGIRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_sandbox_server(config: SandboxConfig, *, log_requests: bool = True):
    """Build (not start) the HTTP server for ``config.name``; ``config.port`` 0 picks a free port."""
    app = get_factory(config.name)(config)
    if inspect.isclass(app) and issubclass(app, BaseHTTPRequestHandler):
        server = ThreadingHTTPServer((HOST, config.port), app)
        server.daemon_threads = True
        return server
    if callable(app):
        return make_server(
            HOST,
            config.port,
            app,
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietWSGIRequestHandler if log_requests else _SilentWSGIRequestHandler,
        )
    raise TypeError(f"sandbox {config.name!r} returned neither a WSGI app nor a request handler class")


def run_sandbox(config: SandboxConfig, *, out=sys.stdout) -> None:
    """Serve until interrupted. Prints one line with the URL once it listens (tests wait for it)."""
    server = make_sandbox_server(config)
    port = server.server_address[1]
    out.write(f"sandbox {config.name} listening on http://{HOST}:{port}\n")
    out.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def wait_for(predicate, *, seconds: float = 30.0):
    """Poll until ``predicate()`` is truthy and return its value: a sandbox's callbacks arrive on
    their own schedule. Bounded, so a broken callback fails the test instead of hanging it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return predicate()


class SandboxProcess:
    """Run ``lumbung sandbox <name>`` as a real subprocess (tests and demos); a context manager.

    It starts on a free port chosen by the sandbox itself and reads the URL from its first line, so
    there is no race for the port. ``stop()`` ends it (SIGTERM, then SIGKILL) and closes its log.
    """

    def __init__(self, name: str, *args: str, lumbung: str | None = None, env: dict[str, str] | None = None):
        self.name = name
        self.args = list(args)
        self.lumbung = lumbung or _lumbung_command()
        self.env = env
        self.process: Any = None
        self.url = ""
        self.log_path = ""

    def start(self, *, timeout: float = 30.0) -> SandboxProcess:
        log = tempfile.NamedTemporaryFile(prefix=f"sandbox-{self.name}-", suffix=".log", delete=False)  # noqa: SIM115
        self.log_path = log.name
        self.process = subprocess.Popen(
            [self.lumbung, "sandbox", self.name, "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=log,
            env={**os.environ, **(self.env or {})},
            text=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                if " listening on " in line:
                    self.url = line.rsplit(" ", 1)[-1].strip()
                    return self
                if not line:
                    break
            if self.process.poll() is not None:
                break
        self.stop()
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            raise RuntimeError(f"sandbox {self.name} did not start:\n{fh.read()[-2000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _lumbung_command() -> str:
    beside_python = os.path.join(os.path.dirname(sys.executable), "lumbung")
    return beside_python if os.path.exists(beside_python) else (shutil.which("lumbung") or "lumbung")
