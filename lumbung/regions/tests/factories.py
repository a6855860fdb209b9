"""Small area trees for tests: a village with its district, regency and province (no full load needed)."""

from __future__ import annotations

import itertools

from lumbung.regions.models import Area, Country, Level

_seq = itertools.count(1)

PROVINCE_ZONES = {"72": "Asia/Makassar", "53": "Asia/Makassar", "33": "Asia/Jakarta", "94": "Asia/Jayapura"}


def _area(code, level, name, parent, kind, tz, country=Country.INDONESIA, postal=""):
    parts = code.split(".")
    area, _ = Area.objects.get_or_create(
        code=code,
        defaults=dict(
            country=country,
            level=level,
            kind=kind,
            name=name,
            parent=parent,
            province_code=parts[0],
            regency_code=".".join(parts[:2]) if level >= 2 else "",
            district_code=".".join(parts[:3]) if level >= 3 else "",
            postal_codes=postal,
            timezone=tz,
            path=name if parent is None else f"{name}, {parent.path}",
        ),
    )
    return area


def village(
    *,
    province: str = "72",
    province_name: str = "Sulawesi Tengah",
    regency: str | None = None,
    name: str | None = None,
) -> Area:
    """A fresh Indonesian village (unique code each call) under the given province."""
    n = next(_seq)
    tz = PROVINCE_ZONES.get(province, "Asia/Jakarta")
    prov = _area(province, Level.PROVINCE, province_name, None, "provinsi", tz)
    reg_code = regency or f"{province}.{(n % 89) + 10:02d}"
    reg = _area(reg_code, Level.REGENCY, f"Kabupaten Uji {reg_code}", prov, "kabupaten", tz)
    dist = _area(f"{reg_code}.{(n % 89) + 10:02d}", Level.DISTRICT, f"Kecamatan Uji {n}", reg, "kecamatan", tz)
    return _area(
        f"{dist.code}.{2000 + n:04d}", Level.VILLAGE, name or f"Desa Uji {n}", dist, "desa", tz, postal="94111"
    )
