"""Search filters, sorting, cursor pages and language fallback, through the selectors and the API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from lumbung.catalog import services
from lumbung.catalog.query import SearchParams, parse_price, search
from lumbung.catalog.stemmer import query_terms, stem, stemmed_text
from lumbung.catalog.tests import factories as f
from lumbung.regions.tests.factories import village

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("kemasan", "kemas"),
        ("dikemas", "kemas"),
        ("pengemasan", "kemas"),
        ("sayur-sayuran", "sayur"),
        ("buah-buahan", "buah"),
        ("dikeringkan", "kering"),
        ("menanam", "tanam"),
        ("memakai", "pakai"),
        ("minyaknya", "minyak"),
        ("kelapa", "kelapa"),
        ("durian", "durian"),
        ("kopi", "kopi"),
    ],
)
def test_stemmer_finds_the_root(word, root):
    assert stem(word) == root


def test_stemmed_text_keeps_english_singulars_and_skips_chinese():
    text = stemmed_text("Roasted Cashew Nuts 烤腰果")
    assert " nuts " in text and " nut " in text and "腰果" not in text
    assert [t.raw for t in query_terms("kopi dan teh 咖啡")] == ["kopi", "teh", "咖啡"]


def test_parse_price_reads_rupiah_the_indonesian_way():
    assert parse_price("Rp 25.000") == 25000
    assert parse_price("12.50", "CNY") == parse_price("12.5", "CNY")
    assert parse_price("-5000") is None


def test_filters_category_with_descendants_area_price_and_standards():
    nuts = f.category(slug="kacang", name_id="Kacang")
    cashew = f.category(slug="mete", name_id="Mete", parent=nuts)
    coffee = f.category(slug="kopi", name_id="Kopi")
    sigi = village(province="72", regency="72.10")
    flores = village(province="53", province_name="Nusa Tenggara Timur", regency="53.10")
    a = f.product(shop_=f.shop(village=sigi), category_=cashew, name_id="Mete A", price="40000")
    b = f.product(shop_=f.shop(village=flores), category_=nuts, name_id="Kenari B", price="90000")
    c = f.product(shop_=f.shop(village=flores), category_=coffee, name_id="Kopi C", price="30000")
    services.product_set_standards(product=a, codes=["PIRT", "halal"])
    services.product_set_standards(product=c, codes=["halal"])

    def ids(**kw):
        return {p.pk for p in search(SearchParams(**kw)).items}

    assert ids(category="kacang") == {a.pk, b.pk}
    assert ids(category="mete") == {a.pk}
    assert ids(area="72.10") == {a.pk}  # a regency: the products' own regency code
    assert ids(area="53") == {b.pk, c.pk}  # a province
    assert ids(area=flores.district_code) == {b.pk, c.pk}  # a district: its shops
    assert ids(area=sigi.code) == {a.pk}  # a village
    assert ids(area="99.99") == set()  # no such place
    assert ids(min_price=parse_price("35.000"), max_price=parse_price("50.000")) == {a.pk}
    assert ids(standards=["halal"]) == {a.pk, c.pk}
    assert ids(standards=["halal", "pirt"]) == {a.pk}
    assert [p.pk for p in search(SearchParams(sort="price_asc")).items] == [c.pk, a.pk, b.pk]
    assert [p.pk for p in search(SearchParams(sort="price_desc")).items] == [b.pk, a.pk, c.pk]


def test_unpublished_and_closed_shops_stay_out_of_search():
    coffee = f.category(slug="kopi", name_id="Kopi")
    shown = f.product(category_=coffee, name_id="Kopi Terbit")
    f.product(category_=coffee, name_id="Kopi Draf", published=False)
    closed = f.product(category_=coffee, name_id="Kopi Tutup")
    services.shop_update(actor=f.owner_of(closed.shop), shop=closed.shop, is_active=False)
    hidden = f.product(category_=coffee, name_id="Kopi Ditarik")
    services.product_unpublish(product=hidden, reason="PIRT certificate expired")
    assert [p.pk for p in search(SearchParams(q="kopi")).items] == [shown.pk]


def test_cursor_pages_cover_everything_once_in_every_sort():
    coffee = f.category(slug="kopi", name_id="Kopi")
    shop = f.shop()
    made = {
        f.product(shop_=shop, category_=coffee, name_id=f"Kopi {n}", price=str(10000 + (n % 3) * 1000)).pk
        for n in range(11)
    }
    for sort in ("newest", "price_asc", "price_desc", "relevance"):
        seen, cursor = [], ""
        for _ in range(10):
            page = search(
                SearchParams(q="kopi" if sort == "relevance" else "", sort=sort, limit=4, cursor=cursor)
            )
            seen += [p.pk for p in page.items]
            cursor = page.next_cursor
            if not cursor:
                break
        assert sorted(seen) == sorted(made), sort


def test_a_tampered_cursor_is_ignored_not_an_error():
    f.product()
    assert len(search(SearchParams(cursor="not-a-cursor")).items) == 1


def test_api_search_pages_with_an_opaque_cursor():
    coffee = f.category(slug="kopi", name_id="Kopi")
    shop = f.shop()
    for n in range(5):
        f.product(shop_=shop, category_=coffee, name_id=f"Kopi Desa {n}")
    client = Client()
    first = client.get("/api/catalog/products", {"q": "kopi", "limit": 3}).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = client.get(
        "/api/catalog/products", {"q": "kopi", "limit": 3, "cursor": first["next_cursor"]}
    ).json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    names = {i["name"] for i in first["items"] + second["items"]}
    assert len(names) == 5
    assert first["items"][0]["price_from"]["display"] == "Rp25.000"


def test_names_fall_back_to_the_shops_language_then_any():
    coffee = f.category(slug="kopi", name_id="Kopi", name_en="Coffee")
    product = f.product(category_=coffee, name_id="Kopi Luwak", name_en="Civet Coffee")
    only_zh = f.product(category_=coffee, name_zh="山核桃", name_id="")
    with translation.override("en"):
        assert product.name() == "Civet Coffee"
        assert only_zh.name() == "山核桃"
    with translation.override("zh-hans"):
        assert product.name() == "Kopi Luwak"  # no Chinese name: the shop's language (Indonesian)


def test_changing_the_category_sends_a_published_product_back_to_the_gate():
    product = f.product(category_=f.category(slug="kopi", name_id="Kopi"))
    assert product.is_published
    services.product_update(
        actor=f.owner_of(product.shop), product=product, category=f.category(slug="teh", name_id="Teh")
    )
    product.refresh_from_db()
    assert not product.is_published and product.status == "pending"


def test_renaming_a_shop_refreshes_its_products_search_text():
    product = f.product(category_=f.category(slug="kopi", name_id="Kopi"))
    services.shop_update(actor=f.owner_of(product.shop), shop=product.shop, name="Kopi Gayo Bersaudara")
    assert {p.pk for p in search(SearchParams(q="gayo")).items} == {product.pk}
