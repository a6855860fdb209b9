"""Logistics settings, read with demo defaults so the app runs before settings.py names them.

Production must set them in the environment (see docs/logistics.md, "Settings"):

- ``LUMBUNG_BITESHIP_BASE_URL``: Biteship's API, or ``lumbung sandbox courier``'s URL.
- ``LUMBUNG_BITESHIP_API_KEY``: sent as the ``Authorization`` header, as Biteship asks.
- ``LUMBUNG_BITESHIP_WEBHOOK_SECRET``: the shared secret Biteship's webhook must carry in the
  header ``LUMBUNG_BITESHIP_WEBHOOK_HEADER`` (default ``X-Lumbung-Webhook-Secret``).
- ``LUMBUNG_BITESHIP_TIMEOUT_SECONDS``: read timeout for each call.
"""

from __future__ import annotations

import os

from django.conf import settings

SANDBOX_API_KEY = "biteship_test.lumbung-sandbox"
SANDBOX_WEBHOOK_SECRET = "sandbox-courier-webhook-secret"  # noqa: S105  a demo value, like the key
DEFAULT_WEBHOOK_HEADER = "X-Lumbung-Webhook-Secret"


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "" if settings.PRODUCTION else default)
    return str(value)


def biteship_base_url() -> str:
    return _setting("LUMBUNG_BITESHIP_BASE_URL", "http://127.0.0.1:8703").rstrip("/")


def biteship_api_key() -> str:
    return _setting("LUMBUNG_BITESHIP_API_KEY", SANDBOX_API_KEY)


def biteship_webhook_secret() -> str:
    return _setting("LUMBUNG_BITESHIP_WEBHOOK_SECRET", SANDBOX_WEBHOOK_SECRET)


def biteship_webhook_header() -> str:
    return _setting("LUMBUNG_BITESHIP_WEBHOOK_HEADER", DEFAULT_WEBHOOK_HEADER) or DEFAULT_WEBHOOK_HEADER


def biteship_timeout() -> float:
    return float(_setting("LUMBUNG_BITESHIP_TIMEOUT_SECONDS", "15") or 15)
