"""Small area trees for tests: a village with its district, regency and province (no full load needed)."""

from __future__ import annotations

import itertools

from lumbung.regions.models import Area, Country, Level

_seq = itertools.count(1)

PROVINCE_ZONES = {"72": "Asia/Makassar", "53": "Asia/Makassar", "33": "Asia/Jakarta", "94": "Asia/Jayapura"}


def _area(code, level, name, parent, kind, tz, country=Country.INDONESIA, postal=""):
    if country == Country.CHINA:
        chain = [*(parent_chain(parent) if parent else []), code]
        province, regency, district = chain[0], "", ""
        if level == Level.REGENCY:
            regency = code
        elif level == Level.DISTRICT:
            regency = parent.code if parent.level == Level.REGENCY else ""
            district = code
    else:
        parts = code.split(".")
        province = parts[0]
        regency = ".".join(parts[:2]) if level >= 2 else ""
        district = ".".join(parts[:3]) if level >= 3 else ""
    area, _ = Area.objects.get_or_create(
        code=code,
        defaults={
            "country": country,
            "level": level,
            "kind": kind,
            "name": name,
            "parent": parent,
            "province_code": province,
            "regency_code": regency,
            "district_code": district,
            "postal_codes": postal,
            "timezone": tz,
            "path": name if parent is None else f"{name}, {parent.path}",
        },
    )
    return area


def parent_chain(area: Area) -> list[str]:
    codes = []
    while area is not None:
        codes.insert(0, area.code)
        area = area.parent
    return codes


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
    dist = _area(
        f"{reg_code}.{(n % 89) + 10:02d}", Level.DISTRICT, f"Kecamatan Uji {n}", reg, "kecamatan", tz
    )
    return _area(
        f"{dist.code}.{2000 + n:04d}",
        Level.VILLAGE,
        name or f"Desa Uji {n}",
        dist,
        "desa",
        tz,
        postal="94111",
    )


def sigi_tree() -> dict[str, Area]:
    """A named slice of Central Sulawesi, as the real load has it: province → regency → district → 2 villages."""
    tz = "Asia/Makassar"
    prov = _area("72", Level.PROVINCE, "Sulawesi Tengah", None, "provinsi", tz)
    sigi = _area("72.10", Level.REGENCY, "Kabupaten Sigi", prov, "kabupaten", tz, postal="94367")
    palu = _area("72.71", Level.REGENCY, "Kota Palu", prov, "kota", tz)
    biromaru = _area("72.10.01", Level.DISTRICT, "Sigi Biromaru", sigi, "kecamatan", tz, postal="94367")
    sidondo = _area("72.10.01.2001", Level.VILLAGE, "Sidondo II", biromaru, "desa", tz, postal="94367")
    bora = _area("72.10.01.2003", Level.VILLAGE, "Bora", biromaru, "desa", tz, postal="94367")
    return {
        "province": prov,
        "regency": sigi,
        "city": palu,
        "district": biromaru,
        "village": sidondo,
        "bora": bora,
    }


def china_county(
    *,
    province: tuple[str, str] = ("330000", "浙江省"),
    prefecture: tuple[str, str] | None = ("330100", "杭州市"),
    county: tuple[str, str] = ("330112", "临安区"),
) -> Area:
    """A Chinese county with its prefecture and province (``prefecture=None``: a municipality's district)."""
    tz = "Asia/Shanghai"
    prov = _area(f"CN-{province[0]}", Level.PROVINCE, province[1], None, province[1][-1], tz, Country.CHINA)
    parent = prov
    if prefecture:
        parent = _area(
            f"CN-{prefecture[0]}", Level.REGENCY, prefecture[1], prov, prefecture[1][-1], tz, Country.CHINA
        )
    return _area(f"CN-{county[0]}", Level.DISTRICT, county[1], parent, county[1][-1], tz, Country.CHINA)
