"""Shipping zones: how far a parcel travels, from the two areas' Kemendagri codes alone.

The one place that knows Indonesia's island groups. A province belongs to a group by its two-digit
code; a code outside every group (a province created after this table) counts as "elsewhere", the
dearest zone, so a new province is never under-charged.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lumbung.regions.models import Area, Country


class IslandGroup(models.TextChoices):
    SUMATRA = "sumatra", _("Sumatra")
    JAVA = "java", _("Java")
    BALI_NUSA_TENGGARA = "bali_nusa_tenggara", _("Bali and Nusa Tenggara")
    KALIMANTAN = "kalimantan", _("Kalimantan")
    SULAWESI = "sulawesi", _("Sulawesi")
    MALUKU = "maluku", _("Maluku")
    PAPUA = "papua", _("Papua")


# Inclusive ranges of province codes (Kemendagri): Sumatra 11–21 (Aceh … Kepulauan Riau), Java 31–36,
# Bali + NTB + NTT 51–53, Kalimantan 61–65, Sulawesi 71–76, Maluku 81–82, Papua 91–96 (the six
# Papuan provinces since 2022).
ISLAND_GROUP_RANGES: tuple[tuple[int, int, IslandGroup], ...] = (
    (11, 21, IslandGroup.SUMATRA),
    (31, 36, IslandGroup.JAVA),
    (51, 53, IslandGroup.BALI_NUSA_TENGGARA),
    (61, 65, IslandGroup.KALIMANTAN),
    (71, 76, IslandGroup.SULAWESI),
    (81, 82, IslandGroup.MALUKU),
    (91, 96, IslandGroup.PAPUA),
)


class Zone(models.TextChoices):
    """Nearest first; the rate card has a price pair per zone."""

    SAME_REGENCY = "same_regency", _("Within the same regency or city")
    SAME_PROVINCE = "same_province", _("Within the same province")
    SAME_ISLAND_GROUP = "same_island_group", _("Within the same island group")
    ELSEWHERE = "elsewhere", _("Elsewhere in Indonesia")


def island_group_of(province_code: str) -> IslandGroup | None:
    """The island group of an Indonesian province code ("35" → Java); None for anything else."""
    if len(province_code) != 2 or not province_code.isdigit():
        return None
    number = int(province_code)
    for low, high, group in ISLAND_GROUP_RANGES:
        if low <= number <= high:
            return group
    return None


def zone_between(origin: Area, destination: Area) -> Zone:
    """The zone of a parcel between two Indonesian areas of regency level or below."""
    if origin.country != Country.INDONESIA or destination.country != Country.INDONESIA:
        raise ValueError("zone_between is for Indonesian areas only")
    if origin.regency_code and origin.regency_code == destination.regency_code:
        return Zone.SAME_REGENCY
    if origin.province_code == destination.province_code:
        return Zone.SAME_PROVINCE
    group = island_group_of(origin.province_code)
    if group is not None and group == island_group_of(destination.province_code):
        return Zone.SAME_ISLAND_GROUP
    return Zone.ELSEWHERE
