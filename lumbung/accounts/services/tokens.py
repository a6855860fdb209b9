"""API tokens: shown once, stored as a prefix plus the SHA-256 of the whole token.

A token looks like ``lmb_k3m9qz2x_<43 url-safe characters>``; the first 12 characters are its prefix,
which lists and the admin show. 256 random bits make a slow hash pointless, so SHA-256 it is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core import audit, permissions
from lumbung.core.errors import ValidationFailed
from lumbung.core.ids import new_public_id

from ..models import ApiToken, User

TOKEN_PREFIX = "lmb_"  # noqa: S105  (a public marker, not a secret)
PREFIX_LENGTH = 12
# Writing last_used_at on every request would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its plain text, which is never stored and never shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Give the token a name, e.g. the device that will use it."), details={"field": "name"}
        )
    with transaction.atomic():
        prefix = f"{TOKEN_PREFIX}{new_public_id()[:8]}"
        raw = f"{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user, name=name[:80], prefix=prefix, token_hash=token_digest(raw)
        )
        audit.record("accounts.api_token.created", actor=user, obj=token, data={"prefix": prefix})
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    permissions.require(actor, "accounts.manage_api_token", token)
    with transaction.atomic():
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            audit.record("accounts.api_token.revoked", actor=actor, obj=token, data={"prefix": token.prefix})
        token.refresh_from_db()
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None. Notes when it was last used."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) < PREFIX_LENGTH + 10:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=raw[:PREFIX_LENGTH], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, token_digest(raw)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    # Only when the row just read is stale: a token in steady use costs no write and no round trip.
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return token.user
