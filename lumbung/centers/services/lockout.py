"""Pickup-code lockout: too many wrong codes for one parcel stop further tries for a while.

After ``LUMBUNG_PICKUP_MAX_TRIES`` (5) wrong codes for a parcel within
``LUMBUNG_PICKUP_LOCK_MINUTES`` (60), every try for that parcel (even the right code) is refused
until the oldest of those wrong tries is that old. A six-digit code then cannot be guessed at the
counter: a million codes at five tries an hour.

The wrong tries are counted in the cache (Redis in production), not in the database: a refused
hand-over rolls back the caller's whole transaction, and the count must survive that. Keys use the
parcel's public id; each expires with its window.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.utils.translation import ngettext

from lumbung.logistics.models import Parcel

from .. import conf
from ..errors import PickupCodeLocked


def _key(parcel: Parcel) -> str:
    return f"centers:pickup-fails:{parcel.public_id}"


def _window() -> timedelta:
    return timedelta(minutes=conf.pickup_lock_minutes())


def _recent(parcel: Parcel, now: datetime) -> list[float]:
    since = (now - _window()).timestamp()
    return [t for t in (cache.get(_key(parcel)) or []) if t > since]


def pickup_locked_until(parcel: Parcel, now: datetime) -> datetime | None:
    """When tries for this parcel open again, or None if they are open now."""
    tries = conf.pickup_max_tries()
    recent = _recent(parcel, now)
    if len(recent) < tries:
        return None
    return datetime.fromtimestamp(recent[-tries], tz=UTC) + _window()


def pickup_lock_check(parcel: Parcel, now: datetime) -> None:
    """Refuse (429, with the wait in minutes) while the parcel is locked out; nothing changes."""
    until = pickup_locked_until(parcel, now)
    if until is None:
        return
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    raise PickupCodeLocked(
        ngettext(
            "Too many wrong codes for this parcel. Try again in %(minutes)d minute.",
            "Too many wrong codes for this parcel. Try again in %(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes},
        details={"field": "code", "retry_after_minutes": minutes, "until": until.isoformat()},
    )


def pickup_failure_record(parcel: Parcel, now: datetime) -> None:
    """Count one wrong code for the parcel (kept only as long as it can count)."""
    recent = [*_recent(parcel, now), now.timestamp()][-conf.pickup_max_tries() :]
    cache.set(_key(parcel), recent, timeout=int(_window().total_seconds()) + 1)
