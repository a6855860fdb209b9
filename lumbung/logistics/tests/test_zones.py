import pytest

from lumbung.logistics.zones import IslandGroup, Zone, island_group_of, zone_between
from lumbung.regions.tests.factories import china_county, village

# Every Indonesian province code (Kemendagri, 38 provinces) and the island group it belongs to.
PROVINCES = {
    IslandGroup.SUMATRA: ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21"],
    IslandGroup.JAVA: ["31", "32", "33", "34", "35", "36"],
    IslandGroup.BALI_NUSA_TENGGARA: ["51", "52", "53"],
    IslandGroup.KALIMANTAN: ["61", "62", "63", "64", "65"],
    IslandGroup.SULAWESI: ["71", "72", "73", "74", "75", "76"],
    IslandGroup.MALUKU: ["81", "82"],
    IslandGroup.PAPUA: ["91", "92", "93", "94", "95", "96"],
}


def test_every_province_has_its_island_group():
    assert sum(len(codes) for codes in PROVINCES.values()) == 38
    for group, codes in PROVINCES.items():
        for code in codes:
            assert island_group_of(code) == group, code


@pytest.mark.parametrize("code", ["", "3", "30", "41", "99", "CN-330000", "3a", "350"])
def test_codes_outside_every_group(code):
    assert island_group_of(code) is None


@pytest.mark.django_db
def test_zone_same_regency():
    a = village(province="35", province_name="Jawa Timur", regency="35.07")
    b = village(province="35", province_name="Jawa Timur", regency="35.07")
    assert a.district_code != b.district_code or a.code != b.code
    assert zone_between(a, b) == Zone.SAME_REGENCY
    assert zone_between(a, a) == Zone.SAME_REGENCY


@pytest.mark.django_db
def test_zone_same_province_other_regency():
    a = village(province="35", province_name="Jawa Timur", regency="35.07")
    b = village(province="35", province_name="Jawa Timur", regency="35.73")
    assert zone_between(a, b) == Zone.SAME_PROVINCE


@pytest.mark.django_db
def test_zone_same_island_group_across_provinces():
    malang = village(province="35", province_name="Jawa Timur", regency="35.07")
    semarang = village(province="33", province_name="Jawa Tengah", regency="33.74")
    assert zone_between(malang, semarang) == Zone.SAME_ISLAND_GROUP
    assert zone_between(semarang, malang) == Zone.SAME_ISLAND_GROUP


@pytest.mark.django_db
def test_zone_elsewhere_across_island_groups():
    malang = village(province="35", province_name="Jawa Timur", regency="35.07")
    sigi = village(province="72", province_name="Sulawesi Tengah", regency="72.10")
    bali = village(province="51", province_name="Bali", regency="51.03")
    assert zone_between(malang, sigi) == Zone.ELSEWHERE
    assert zone_between(bali, malang) == Zone.ELSEWHERE


@pytest.mark.django_db
def test_unknown_province_is_charged_as_elsewhere():
    new_province = village(province="97", province_name="Provinsi Baru", regency="97.01")
    other = village(province="97", province_name="Provinsi Baru", regency="97.02")
    papua = village(province="94", province_name="Papua Tengah", regency="94.01")
    assert zone_between(new_province, other) == Zone.SAME_PROVINCE
    assert zone_between(new_province, papua) == Zone.ELSEWHERE


@pytest.mark.django_db
def test_zone_refuses_china():
    with pytest.raises(ValueError):
        zone_between(china_county(), village())
