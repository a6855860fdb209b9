"""Idempotency keys for every money-moving request (API ``Idempotency-Key`` and one-time form keys).

- The same key with the same request returns the first answer; with a different request it is
  refused (409), so a retried payment can never become a second payment.
- The record is written in the same transaction as the effects. A concurrent duplicate blocks on
  the unique index, then replays the stored answer once the first commits.
- A request that fails with a domain error leaves no record (nothing happened), so it may be retried.
- Records are kept at least 24 hours (purged after ``RETENTION``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import Conflict, ValidationFailed
from .ids import new_public_id
from .models import IdempotencyRecord
from .periodic import periodic

RETENTION = timedelta(hours=48)
MAX_KEY_LENGTH = 128


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: dict[str, Any]
    replayed: bool = False


class KeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different request.")


def fingerprint(*parts: Any) -> str:
    """A stable hash of what the request asks for (method, path, canonical JSON body...)."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_fingerprint: str) -> Answer:
    if record.fingerprint != request_fingerprint:
        raise KeyReused(details={"key": record.key})
    return Answer(record.status_code, record.response, replayed=True)


def check_key(key: str | None) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(
            _("Send an Idempotency-Key header (1 to 128 printable characters) with this request."),
            details={"header": "Idempotency-Key"},
        )
    return key


def run_idempotent(
    *, scope: str, key: str, request_fingerprint: str, func: Callable[[], Answer | tuple[int, dict[str, Any]]]
) -> Answer:
    """Run ``func`` once per (scope, key). ``func`` does its writes in the caller's transaction."""
    key = check_key(key)
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is not None:
        return _replay(existing, request_fingerprint)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(scope=scope, key=key, fingerprint=request_fingerprint)
            result = func()
            answer = result if isinstance(result, Answer) else Answer(result[0], result[1])
            record.status_code = answer.status_code
            record.response = answer.body
            record.save(update_fields=["status_code", "response"])
            return answer
    except IntegrityError:
        # Someone committed the same key while we worked (or func hit its own constraint).
        existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing is None:
            raise
        return _replay(existing, request_fingerprint)


def new_form_key() -> str:
    """A one-time key for a money-moving HTML form, so a double submit takes effect once."""
    return new_public_id()


def scope_for(user: Any) -> str:
    return f"user:{user.pk}" if getattr(user, "is_authenticated", False) else "anonymous"


@periodic("core.purge_idempotency_records", every=timedelta(hours=1))
def idempotency_records_purge() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - RETENTION).delete()
    return deleted
