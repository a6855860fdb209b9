"""Midtrans notification signatures (standard library only: the gateway sandbox imports it too).

signature_key = SHA512(order_id + status_code + gross_amount + server_key), as lower-case hex, where
``gross_amount`` is the string exactly as sent (e.g. "110000.00"). Compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal


def gross_amount_text(amount: Decimal | int | str) -> str:
    """Midtrans' spelling of an amount in notifications and status answers: two decimals."""
    return f"{Decimal(str(amount)):.2f}"


def signature_key(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    raw = f"{order_id}{status_code}{gross_amount}{server_key}"
    return hashlib.sha512(raw.encode()).hexdigest()


def verify(payload: dict, server_key: str) -> bool:
    """True only when every part is a string and the signature matches; never for an empty key."""
    parts = [payload.get(k) for k in ("order_id", "status_code", "gross_amount", "signature_key")]
    if not server_key or not all(isinstance(p, str) and p for p in parts):
        return False
    order_id, status_code, gross_amount, given = parts
    expected = signature_key(order_id, status_code, gross_amount, server_key)
    return hmac.compare_digest(expected, given.strip().lower())
