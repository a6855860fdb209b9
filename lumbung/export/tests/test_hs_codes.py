import pytest

from lumbung.export.models import HsCode

pytestmark = pytest.mark.django_db

EXPECTED = {
    "0306.33",
    "0306.14",
    "1605.10",
    "0804.40",
    "1106.30",
    "1211.90",
    "1212.99",
    "3301.29",
    "0802.90",
    "0802.31",
    "0802.32",
    "0901.11",
    "0905.10",
    "1801.00",
    "0907.10",
    "0908.11",
    "0904.11",
    "0906.11",
}


def test_the_curated_table_is_loaded_with_three_languages():
    rows = {row.code: row for row in HsCode.objects.all()}
    assert set(rows) >= EXPECTED
    for row in rows.values():
        assert row.chapter == row.code[:2]
        assert row.description_id and row.description_en and row.description_zh


def test_moringa_says_that_classification_varies_by_destination():
    for code in ("1211.90", "1212.99"):
        row = HsCode.objects.get(code=code)
        assert "Moringa" in row.description_en
        assert "varies by destination" in row.description_en
        assert "negara tujuan" in row.description("id")
        assert "辣木" in row.description("zh-hans")
