from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from .factories import china_county, sigi_tree, village

pytestmark = pytest.mark.django_db

# 06:05 UTC is 14:05 in Makassar (UTC+8), 13:05 in Jakarta (UTC+7), 15:05 in Jayapura (UTC+9).
MOMENT = dt.datetime(2026, 11, 22, 6, 5, tzinfo=dt.UTC)


def render(source: str, **context) -> str:
    with translation.override("en"):
        return Template("{% load regions %}" + source).render(Context(context)).strip()


def test_local_time_shows_the_areas_zone_with_its_label():
    tree = sigi_tree()
    assert render("{{ t|local_time:area }}", t=MOMENT, area=tree["village"]) == "22 Nov 2026 14:05 WITA"
    papua = village(province="94", province_name="Papua Tengah")
    assert render("{{ t|local_time:area }}", t=MOMENT, area=papua) == "22 Nov 2026 15:05 WIT"
    assert render("{{ t|local_time:area }}", t=MOMENT, area=china_county()) == "22 Nov 2026 14:05 CST"


def test_local_time_takes_a_zone_name_too():
    assert render('{{ t|local_time:"Asia/Jakarta" }}', t=MOMENT) == "22 Nov 2026 13:05 WIB"


def test_zoned_uses_the_active_zone():
    with timezone.override(zoneinfo.ZoneInfo("Asia/Jayapura")):
        assert render("{{ t|zoned }}", t=MOMENT) == "22 Nov 2026 15:05 WIT"
    with timezone.override(zoneinfo.ZoneInfo("Asia/Jakarta")):
        assert render("{{ t|zoned }}", t=MOMENT) == "22 Nov 2026 13:05 WIB"


def test_day_rolls_over_in_the_eastern_zone():
    late = dt.datetime(2026, 11, 22, 16, 30, tzinfo=dt.UTC)
    assert render('{{ t|local_time:"Asia/Jayapura" }}', t=late) == "23 Nov 2026 01:30 WIT"


def test_month_is_in_the_active_language():
    tree = sigi_tree()
    may = dt.datetime(2026, 5, 2, 1, 0, tzinfo=dt.UTC)
    with translation.override("id"):
        out = Template("{% load regions %}{{ t|local_time:area }}").render(
            Context({"t": may, "area": tree["village"]})
        )
    assert out == "2 Mei 2026 09:00 WITA"


def test_not_a_datetime_renders_nothing():
    assert render("{{ t|zoned }}", t=None) == ""


def test_zone_label_and_name_filters():
    tree = sigi_tree()
    assert (
        render("{{ a|zone_label }} · {{ a|zone_name }}", a=tree["village"]) == "WITA · Central Indonesia Time"
    )
