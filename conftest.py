"""Test-wide rules.

- Tests marked ``postgres``, ``redis`` or ``browser`` run only when that service is there, and
  otherwise are skipped with the reason in plain words.
- Under ``CI=true`` a skip is a failure: CI must run everything.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("LUMBUNG_CHROMIUM", "/usr/bin/chromium")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.5):
            return True
    except OSError:
        return False


def _why_not(marker: str) -> str | None:
    if marker == "postgres":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            return "needs PostgreSQL: set DATABASE_URL=postgres://... (make test-pg-only does)"
        parsed = urlparse(url)
        if not _port_open(parsed.hostname or "127.0.0.1", parsed.port or 5432):
            return f"needs PostgreSQL, but nothing answers at {parsed.hostname}:{parsed.port or 5432}"
    elif marker == "redis":
        url = urlparse(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
        if not _port_open(url.hostname or "127.0.0.1", url.port or 6379):
            return f"needs Redis, but nothing answers at {url.hostname}:{url.port or 6379}"
    elif marker == "celery":
        return _why_not("redis") or _why_not("postgres")
    elif marker == "browser" and not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"needs Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    reasons: dict[str, str | None] = {}
    for item in items:
        for marker in ("postgres", "redis", "browser", "celery"):
            if item.get_closest_marker(marker):
                if marker not in reasons:
                    reasons[marker] = _why_not(marker)
                if reasons[marker]:
                    item.add_marker(pytest.mark.skip(reason=reasons[marker]))
    # A postgres lane that is really on SQLite would be a lie: say so loudly.
    for marker, reason in reasons.items():
        if reason:
            config.issue_config_time_warning(pytest.PytestWarning(f"skipping {marker} tests: {reason}"), 2)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        if reporter:
            reporter.write_line(f"CI=true: {skipped} skipped test(s) count as failures here.", red=True)
        session.exitstatus = 1
