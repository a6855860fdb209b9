from __future__ import annotations

import pytest

from .factories import china_county, sigi_tree, village

pytestmark = pytest.mark.django_db


def test_no_parent_lists_indonesian_provinces(client):
    sigi_tree()
    china_county()
    body = client.get("/api/regions").json()
    assert [a["code"] for a in body] == ["72"]
    assert body[0]["zone_label"] == "WITA"
    assert body[0]["parent_code"] is None


def test_country_cn_lists_chinese_provinces(client):
    sigi_tree()
    china_county()
    assert [a["name"] for a in client.get("/api/regions", {"country": "CN"}).json()] == ["浙江省"]


def test_children_of_a_parent(client):
    tree = sigi_tree()
    body = client.get("/api/regions", {"parent": "72.10.01"}).json()
    assert [a["code"] for a in body] == [tree["bora"].code, tree["village"].code]
    assert body[1]["postal_codes"] == ["94367"]
    assert body[1]["parent_code"] == "72.10.01"
    assert body[1]["is_final"] is True


def test_search_with_level_filter_and_limit(client):
    sigi_tree()
    namesake = village(province="62", province_name="Kalimantan Tengah", name="Sigi")
    body = client.get("/api/regions", {"q": "sigi"}).json()
    assert [a["code"] for a in body][:2] == ["72.10", namesake.code]
    assert [a["code"] for a in client.get("/api/regions", {"q": "sigi", "level": 4}).json()] == [
        namesake.code
    ]
    assert len(client.get("/api/regions", {"q": "sigi", "limit": 1}).json()) == 1
    assert client.get("/api/regions", {"q": "sigi", "limit": 500}).status_code == 422


def test_search_finds_chinese_counties(client):
    china_county()
    body = client.get("/api/regions", {"q": "临安"}).json()
    assert [(a["code"], a["parent_code"], a["zone_label"]) for a in body] == [
        ("CN-330112", "CN-330100", "CST")
    ]


def test_detail_has_ancestors_province_first(client):
    sigi_tree()
    body = client.get("/api/regions/72.10.01.2001").json()
    assert body["name"] == "Sidondo II"
    assert body["timezone"] == "Asia/Makassar"
    assert [a["code"] for a in body["ancestors"]] == ["72", "72.10", "72.10.01"]
    assert body["parent_code"] == "72.10.01"


def test_unknown_code_is_404_in_the_core_error_shape(client):
    response = client.get("/api/regions/99.99", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "No area has the code 99.99.",
        "details": {"code": "99.99"},
    }
    assert client.get("/api/regions", {"parent": "99.99"}).status_code == 404


def test_openapi_describes_the_area_schemas(client):
    spec = client.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"RegionOut", "RegionDetailOut", "RegionRef"} <= set(schemas)
    assert schemas["RegionOut"]["properties"]["country"]["enum"] == ["ID", "CN"]
    params = {p["name"] for p in spec["paths"]["/api/regions"]["get"]["parameters"]}
    assert params == {"parent", "q", "level", "country", "limit"}
