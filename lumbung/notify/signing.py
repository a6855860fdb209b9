"""HMAC signatures on SMS webhooks (standard library only: the sandbox process imports it too).

Infobip does not sign its webhooks, so Lumbung asks for a shared secret: the gateway (or a small
signing proxy in front of us) sends ``X-Lumbung-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw
request body under ``LUMBUNG_SMS_WEBHOOK_SECRET``. We compare in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Lumbung-Signature"
PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    """The header value for ``body``: ``sha256=<hex digest>``."""
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header_value: str | None, secret: str) -> bool:
    """True only for a well-formed header whose digest matches; never for an empty secret."""
    if not secret or not header_value or not header_value.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(body, secret), header_value.strip())
