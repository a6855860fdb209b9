"""Template filters that show a time in the zone of a place, with the zone's label.

``{% load regions %}``, then ``{{ order.created_at|local_time:village }}`` → "22 Nov 2026 14:05 WITA"
(the area's zone), or ``{{ order.created_at|zoned }}`` → the same in the active zone (the viewer's
village, set by the time-zone middleware). ``{{ "Asia/Makassar"|zone_label }}`` → "WITA".
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import template
from django.utils import dateformat, timezone

from lumbung.regions import selectors

register = template.Library()

FORMAT = "j M Y H:i"


def _zone(where) -> zoneinfo.ZoneInfo | None:
    tzname = getattr(where, "timezone", where)
    if not tzname or not isinstance(tzname, str):
        return None
    try:
        return zoneinfo.ZoneInfo(tzname)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _show(value, zone: dt.tzinfo) -> str:
    if not isinstance(value, dt.datetime):
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    local = value.astimezone(zone)
    key = getattr(zone, "key", None)
    label = selectors.zone_label(key) if key else local.tzname()
    return f"{dateformat.format(local, FORMAT)} {label}"


@register.filter
def local_time(value, where=None) -> str:
    """A datetime in the zone of ``where`` (an Area or an IANA zone name), else in the active zone."""
    return _show(value, _zone(where) or timezone.get_current_timezone())


@register.filter
def zoned(value, where=None) -> str:
    """A datetime in the active zone (or ``where``'s), with its label: "22 Nov 2026 14:05 WIB"."""
    return local_time(value, where)


@register.filter
def zone_label(where) -> str:
    """ "WIB", "WITA", "WIT" or "CST" for an Area or a zone name."""
    tzname = getattr(where, "timezone", where)
    return selectors.zone_label(tzname) if isinstance(tzname, str) else ""


@register.filter
def zone_name(where) -> str:
    """The zone's full name in the active language, e.g. "Central Indonesia Time"."""
    tzname = getattr(where, "timezone", where)
    return selectors.zone_name(tzname) if isinstance(tzname, str) else ""
