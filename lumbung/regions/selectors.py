"""Reads of the area table: lookups, children, ancestors, search, and time-zone labels.

Search works the same on SQLite and PostgreSQL (case-insensitive ``LIKE``), ranked so an exact name
beats a prefix, a prefix beats a match inside the name, and larger areas come before smaller ones.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import NotFound
from lumbung.regions.models import Area, Country, Level

SEARCH_LIMIT = 20
_NAME_PREFIXES = ("Kabupaten", "Kota", "Kota Administrasi")

# IANA zone → the label people use for it, and its full (translated) name.
_ZONES = {
    "Asia/Jakarta": ("WIB", _("Western Indonesia Time")),
    "Asia/Pontianak": ("WIB", _("Western Indonesia Time")),
    "Asia/Makassar": ("WITA", _("Central Indonesia Time")),
    "Asia/Jayapura": ("WIT", _("Eastern Indonesia Time")),
    "Asia/Shanghai": ("CST", _("China Standard Time")),
    "Asia/Chongqing": ("CST", _("China Standard Time")),
    "PRC": ("CST", _("China Standard Time")),
}


def zone_label(tzname: str) -> str:
    """ "WIB", "WITA", "WIT" or "CST"; another zone keeps its own name ("UTC", "Europe/Paris")."""
    zone = _ZONES.get(tzname)
    return zone[0] if zone else tzname


def zone_name(tzname: str) -> str:
    """The zone's full name in the active language, e.g. "Central Indonesia Time"."""
    zone = _ZONES.get(tzname)
    return str(zone[1]) if zone else tzname


def is_final(area: Area) -> bool:
    """Whether an address can stop at this area: an Indonesian village, or a Chinese county."""
    if area.country == Country.CHINA:
        return area.level == Level.DISTRICT
    return area.level == Level.VILLAGE


def area_get(*, code: str) -> Area:
    try:
        return Area.objects.get(code=code.strip())
    except Area.DoesNotExist:
        raise NotFound(_("No area has the code %(code)s.") % {"code": code}, details={"code": code}) from None


def area_find(*, code: str) -> Area | None:
    return Area.objects.filter(code=code.strip()).first() if code and code.strip() else None


def area_children(*, parent: Area | None = None, country: str = Country.INDONESIA) -> QuerySet[Area]:
    """The areas directly inside ``parent``; without one, the provinces of ``country``."""
    if parent is None:
        return Area.objects.filter(parent=None, country=country, level=Level.PROVINCE).order_by("name")
    return parent.children.order_by("name")


def area_ancestors(*, area: Area) -> list[Area]:
    """The areas that contain ``area``, province first, in one query."""
    codes = [c for c in (area.province_code, area.regency_code, area.district_code) if c and c != area.code]
    if not codes:
        return []
    return list(Area.objects.filter(code__in=codes).exclude(pk=area.pk).order_by("level"))


def area_search(
    *,
    q: str,
    level: int | None = None,
    country: str | None = None,
    within: Area | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[Area]:
    """Areas whose name contains ``q`` (any case): exact first, then prefix or word start, then inside."""
    text = " ".join(q.split())
    if not text:
        return []
    qs = Area.objects.filter(name__icontains=text)
    if level:
        qs = qs.filter(level=level)
    if country:
        qs = qs.filter(country=country)
    if within is not None:
        field = {
            Level.PROVINCE: "province_code",
            Level.REGENCY: "regency_code",
            Level.DISTRICT: "district_code",
        }
        if within.level in field:
            qs = qs.filter(**{field[within.level]: within.code}).exclude(pk=within.pk)
        else:
            return []
    # "Sigi" names Kabupaten Sigi as much as the village called Sigi, so the prefixes count as exact.
    exact = Q(name__iexact=text)
    for prefix in _NAME_PREFIXES:
        exact |= Q(name__iexact=f"{prefix} {text}")
    rank = Case(
        When(exact, then=Value(0)),
        When(Q(name__istartswith=text) | Q(name__icontains=" " + text), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(qs.annotate(rank=rank).order_by("rank", "level", "name", "code")[: max(1, min(limit, 100))])


def postal_codes_of(area: Area) -> list[str]:
    """Postal codes as a list; a district or regency with many is stored as a "lowest-highest" range."""
    return [p for p in area.postal_codes.split(",") if p]
