"""After-sales settings, read with defaults so the app runs before settings.py names them.

- ``LUMBUNG_AFTERSALES_WINDOW_DAYS``: how long after delivery a buyer may open a case (default: the
  orders' completion period ``LUMBUNG_ORDER_COMPLETE_DAYS``, 7 days).
- ``LUMBUNG_AFTERSALES_SELLER_DAYS``: the seller's time to answer before the centre mediates (3).
- ``LUMBUNG_AFTERSALES_BUYER_DAYS``: the buyer's time to accept or refuse an offer; silence accepts (3).
- ``LUMBUNG_AFTERSALES_CENTRE_DAYS``: the centre's time to decide before the platform does (3).
- ``LUMBUNG_AFTERSALES_MAX_PHOTOS``: photos per case (4).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=int(getattr(settings, name, default)))


def window() -> timedelta:
    return _days("LUMBUNG_AFTERSALES_WINDOW_DAYS", int(getattr(settings, "LUMBUNG_ORDER_COMPLETE_DAYS", 7)))


def seller_time() -> timedelta:
    return _days("LUMBUNG_AFTERSALES_SELLER_DAYS", 3)


def buyer_time() -> timedelta:
    return _days("LUMBUNG_AFTERSALES_BUYER_DAYS", 3)


def centre_time() -> timedelta:
    return _days("LUMBUNG_AFTERSALES_CENTRE_DAYS", 3)


def max_photos() -> int:
    return int(getattr(settings, "LUMBUNG_AFTERSALES_MAX_PHOTOS", 4))
