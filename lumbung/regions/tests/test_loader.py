"""The upsert itself, on a handful of rows (the real data is covered once in test_load_real.py)."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.management import call_command

from lumbung.regions.models import Area, Country, Level
from lumbung.regions.services import areas_load
from lumbung.regions.sources import PROVINCE_ZONES, SourceArea

from .factories import village

pytestmark = pytest.mark.django_db


def _row(code: str, name: str, **kw) -> SourceArea:
    parts = code.split(".")
    level = len(parts)
    values = {
        "code": code,
        "country": Country.INDONESIA,
        "level": level,
        "kind": {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}[level],
        "name": name,
        "parent_code": ".".join(parts[:-1]) or None,
        "province_code": parts[0],
        "regency_code": ".".join(parts[:2]) if level >= 2 else "",
        "district_code": ".".join(parts[:3]) if level >= 3 else "",
        "postal_codes": "94367" if level == 4 else "",
        "timezone": "Asia/Makassar",
        "path": name,
    }
    values.update(kw)
    return SourceArea(**values)


ROWS = [
    _row("72", "Sulawesi Tengah"),
    _row("72.10", "Kabupaten Sigi"),
    _row("72.10.01", "Sigi Biromaru"),
    _row("72.10.01.2001", "Sidondo II"),
    _row("72.10.01.2003", "Bora"),
]


def test_load_links_children_to_parents_by_code():
    result = areas_load(rows=reversed(ROWS))  # the loader orders parents first itself
    assert result.created == 5
    bora = Area.objects.get(code="72.10.01.2003")
    assert bora.parent.code == "72.10.01"
    assert bora.parent.parent.parent.code == "72"
    assert result.counts == {("ID", 1): 1, ("ID", 2): 1, ("ID", 3): 1, ("ID", 4): 2}


def test_rerun_updates_only_what_changed_and_keeps_ids():
    areas_load(rows=ROWS)
    ids = dict(Area.objects.values_list("code", "pk"))
    Area.objects.filter(code="72.10.01.2003").update(name="Bora (edited by hand)")
    renamed = [dataclasses.replace(r, postal_codes="94368") if r.code == "72.10.01.2001" else r for r in ROWS]

    result = areas_load(rows=renamed)

    assert (result.created, result.updated, result.unchanged) == (0, 2, 3)
    assert Area.objects.get(code="72.10.01.2003").name == "Bora"
    assert Area.objects.get(code="72.10.01.2001").postal_codes == "94368"
    assert dict(Area.objects.values_list("code", "pk")) == ids


def test_if_empty_does_nothing_once_villages_exist(capsys):
    village()
    before = Area.objects.count()
    call_command("regions", "load", "--if-empty")
    assert Area.objects.count() == before
    assert "nothing to do" in capsys.readouterr().out


def test_regions_without_subcommand_says_how():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="regions load"):
        call_command("regions")


def test_every_indonesian_province_code_has_a_zone():
    from lokal import wilayah

    provinces = {w.code for w in wilayah.list_wilayah()}
    assert provinces == set(PROVINCE_ZONES)
    assert {PROVINCE_ZONES[c] for c in ("51", "52", "53", "63", "73")} == {"Asia/Makassar"}
    assert {PROVINCE_ZONES[c] for c in ("11", "31", "36", "61", "62")} == {"Asia/Jakarta"}
    assert {PROVINCE_ZONES[c] for c in ("81", "82", "91", "92", "93", "94", "95", "96")} == {"Asia/Jayapura"}


def test_levels_cover_the_indonesian_hierarchy():
    assert [lvl.value for lvl in Level] == [1, 2, 3, 4]
