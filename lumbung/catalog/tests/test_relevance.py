"""Search relevance against the committed table in relevance_cases.py.

Prints recall and precision (micro-averaged over all cases) and the misses, and asserts the floor
we measured and can hold: PostgreSQL runs every case, SQLite the non-typo ones.
"""

from __future__ import annotations

import pytest
from django.db import connection

from lumbung.catalog.query import SearchParams, search
from lumbung.catalog.tests import factories as f
from lumbung.catalog.tests.relevance_cases import CASES, CATEGORIES, PRODUCTS, SHOPS
from lumbung.regions.models import Area, Country, Level
from lumbung.regions.tests.factories import village


def _china_county() -> Area:
    province, _ = Area.objects.get_or_create(
        code="CN-330000",
        defaults={
            "country": Country.CHINA,
            "level": Level.PROVINCE,
            "name": "浙江省",
            "province_code": "CN-330000",
            "timezone": "Asia/Shanghai",
            "path": "浙江省",
        },
    )
    prefecture, _ = Area.objects.get_or_create(
        code="CN-330100",
        defaults={
            "country": Country.CHINA,
            "level": Level.REGENCY,
            "name": "杭州市",
            "parent": province,
            "province_code": "CN-330000",
            "regency_code": "CN-330100",
            "timezone": "Asia/Shanghai",
            "path": "杭州市, 浙江省",
        },
    )
    county, _ = Area.objects.get_or_create(
        code="CN-330112",
        defaults={
            "country": Country.CHINA,
            "level": Level.DISTRICT,
            "name": "临安区",
            "parent": prefecture,
            "province_code": "CN-330000",
            "regency_code": "CN-330100",
            "district_code": "CN-330112",
            "timezone": "Asia/Shanghai",
            "path": "临安区, 杭州市, 浙江省",
        },
    )
    return county


def build_catalogue() -> dict[int, str]:
    """Create the fixture catalogue through the services; returns product pk → case key."""
    categories = {
        slug: f.category(slug=slug, name_id=i, name_en=e, name_zh=z) for slug, (i, e, z) in CATEGORIES.items()
    }
    shops = {}
    for key, (name, village_name, village_text, chinese) in SHOPS.items():
        area = _china_county() if chinese else village(name=village_name)
        shops[key] = f.shop(name=name, village=area, village_text=village_text)
    keys = {}
    for key, (shop, category, name_id, name_en, name_zh, description_id) in PRODUCTS.items():
        product = f.product(
            shop_=shops[shop],
            category_=categories[category],
            name_id=name_id,
            name_en=name_en,
            name_zh=name_zh,
            description_id=description_id,
            price="10" if SHOPS[shop][3] else "25000",
        )
        keys[product.pk] = key
    return keys


def measure(cases) -> tuple[float, float, list[str]]:
    keys = build_catalogue()
    hits = returned = relevant = 0
    misses: list[str] = []
    for query, expected, kind in cases:
        got = {keys[p.pk] for p in search(SearchParams(q=query, limit=48)).items}
        hits += len(got & expected)
        returned += len(got)
        relevant += len(expected)
        if got != expected:
            misses.append(
                f"  [{kind}] {query!r}: missing {sorted(expected - got)}, extra {sorted(got - expected)}"
            )
    recall = hits / relevant if relevant else 1.0
    precision = hits / returned if returned else 1.0
    return recall, precision, misses


def report(label: str, cases, recall: float, precision: float, misses: list[str]) -> None:
    print(f"\n{label}: {len(cases)} cases, recall {recall:.3f}, precision {precision:.3f}")
    print("\n".join(misses) if misses else "  every case exact")


@pytest.mark.django_db
def test_relevance_on_the_sqlite_fallback():
    cases = [case for case in CASES if case[2] != "typo"]
    recall, precision, misses = measure(cases)
    report(f"{connection.vendor}, non-typo cases", cases, recall, precision, misses)
    assert recall >= 0.95
    assert precision >= 0.95


@pytest.mark.postgres
@pytest.mark.django_db
def test_relevance_on_postgresql():
    assert len(CASES) >= 30
    recall, precision, misses = measure(CASES)
    report("PostgreSQL", CASES, recall, precision, misses)
    assert recall >= 0.95
    assert precision >= 0.95
