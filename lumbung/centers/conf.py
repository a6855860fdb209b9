"""Centre settings read with defaults, so the centres work before the lead adds them to settings.py.

- ``LUMBUNG_PICKUP_DAYS`` (7): a pickup code is valid this many days; a parcel not collected by then
  goes back to the seller (periodic job ``centers.return_uncollected``).
- ``LUMBUNG_INTAKE_WEIGHT_TOLERANCE_PERCENT`` (20) and ``LUMBUNG_INTAKE_WEIGHT_TOLERANCE_G`` (200):
  a weight further than either from the declared one is flagged and needs the agent's confirmation.
- ``LUMBUNG_PICKUP_MAX_TRIES`` (5) wrong pickup codes for a parcel within
  ``LUMBUNG_PICKUP_LOCK_MINUTES`` (60) lock that parcel's code out until the window has passed.
"""

from __future__ import annotations

from django.conf import settings


def pickup_days() -> int:
    return int(getattr(settings, "LUMBUNG_PICKUP_DAYS", 7))


def weight_tolerance_percent() -> int:
    return int(getattr(settings, "LUMBUNG_INTAKE_WEIGHT_TOLERANCE_PERCENT", 20))


def weight_tolerance_g() -> int:
    return int(getattr(settings, "LUMBUNG_INTAKE_WEIGHT_TOLERANCE_G", 200))


def pickup_max_tries() -> int:
    return int(getattr(settings, "LUMBUNG_PICKUP_MAX_TRIES", 5))


def pickup_lock_minutes() -> int:
    return int(getattr(settings, "LUMBUNG_PICKUP_LOCK_MINUTES", 60))
