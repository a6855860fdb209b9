from __future__ import annotations

import pytest
from django.utils import translation

from lumbung.core.errors import NotFound
from lumbung.regions import selectors
from lumbung.regions.models import Country

from .factories import china_county, sigi_tree, village

pytestmark = pytest.mark.django_db


def test_children_are_the_direct_children_by_name():
    tree = sigi_tree()
    assert [a.code for a in selectors.area_children(parent=tree["province"])] == ["72.10", "72.71"]
    assert [a.name for a in selectors.area_children(parent=tree["district"])] == ["Bora", "Sidondo II"]


def test_without_parent_children_are_the_provinces_of_a_country():
    tree = sigi_tree()
    linan = china_county()
    assert list(selectors.area_children()) == [tree["province"]]
    assert [a.code for a in selectors.area_children(country=Country.CHINA)] == [linan.province_code]


def test_ancestors_run_from_the_province_down():
    tree = sigi_tree()
    assert selectors.area_ancestors(area=tree["village"]) == [
        tree["province"],
        tree["regency"],
        tree["district"],
    ]
    assert selectors.area_ancestors(area=tree["province"]) == []
    linan = china_county()
    assert [a.name for a in selectors.area_ancestors(area=linan)] == ["浙江省", "杭州市"]


def test_search_ranks_exact_then_prefix_then_larger_areas_first():
    sigi_tree()
    namesake = village(province="62", province_name="Kalimantan Tengah", name="Sigi")
    found = [a.code for a in selectors.area_search(q="SIGI")]
    # "Kabupaten Sigi" and the village "Sigi" are both exact; the regency is larger.
    assert found[:3] == ["72.10", namesake.code, "72.10.01"]
    assert [a.code for a in selectors.area_search(q="sigi", level=4)] == [namesake.code]
    assert [a.code for a in selectors.area_search(q="ondo")] == ["72.10.01.2001"]
    assert selectors.area_search(q="   ") == []


def test_search_within_an_area_and_by_country():
    tree = sigi_tree()
    village(province="62", province_name="Kalimantan Tengah", name="Bora")
    assert [a.code for a in selectors.area_search(q="bora", within=tree["regency"])] == ["72.10.01.2003"]
    china_county()
    assert [a.code for a in selectors.area_search(q="临安", country=Country.CHINA)] == ["CN-330112"]
    assert selectors.area_search(q="临安", country=Country.INDONESIA) == []


def test_area_get_unknown_code_is_not_found():
    with pytest.raises(NotFound) as exc:
        selectors.area_get(code="99.99")
    assert exc.value.status == 404
    assert exc.value.details == {"code": "99.99"}


@pytest.mark.parametrize(
    ("tz", "label"),
    [
        ("Asia/Jakarta", "WIB"),
        ("Asia/Makassar", "WITA"),
        ("Asia/Jayapura", "WIT"),
        ("Asia/Shanghai", "CST"),
        ("UTC", "UTC"),
    ],
)
def test_zone_label(tz, label):
    assert selectors.zone_label(tz) == label


def test_zone_name_is_translated():
    with translation.override("en"):
        assert selectors.zone_name("Asia/Makassar") == "Central Indonesia Time"
    assert selectors.zone_name("Europe/Paris") == "Europe/Paris"


def test_is_final_means_village_or_chinese_county():
    tree = sigi_tree()
    assert selectors.is_final(tree["village"])
    assert not selectors.is_final(tree["district"])
    assert selectors.is_final(china_county())
