"""``/api/regions``: children of an area, search by name, and one area with its ancestors.

Read-only and public: these are open administrative data. Unknown codes answer 404 in the core error
shape ``{code, message, details}``.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from lumbung.regions import selectors
from lumbung.regions.models import Area, Country

# Schema names are global in the OpenAPI spec, hence "Region…" (accounts has its own AreaOut).
router = Router(tags=["regions"])


class RegionRef(Schema):
    code: str = Field(examples=["72.10"])
    name: str = Field(examples=["Kabupaten Sigi"])
    level: int = Field(
        ge=1,
        le=4,
        description="1 province, 2 regency or city (CN prefecture), 3 district (CN county), 4 village",
    )
    kind: str = Field(
        description="provinsi, kabupaten, kota, kecamatan, distrik, desa, kelurahan, desa_adat; 省, 市, 县, 区…"
    )


class RegionOut(RegionRef):
    country: Literal["ID", "CN"]
    parent_code: str | None
    province_code: str
    regency_code: str
    district_code: str
    postal_codes: list[str] = Field(
        description='Postal codes; a wide area may give one "lowest-highest" range'
    )
    timezone: str = Field(examples=["Asia/Makassar"])
    zone_label: str = Field(examples=["WITA"], description="WIB, WITA, WIT or CST")
    path: str = Field(
        examples=["Kabupaten Sigi, Sulawesi Tengah"], description="The area and its parents, nearest first"
    )
    is_final: bool = Field(
        description="True for an Indonesian village or a Chinese county: an address can stop here"
    )


class RegionDetailOut(RegionOut):
    ancestors: list[RegionRef] = Field(description="Province first")


class RegionListQuery(Schema):
    parent: str | None = Field(None, description="Code of the area whose children to list")
    q: str | None = Field(None, min_length=1, max_length=100, description="Search names (case-insensitive)")
    level: int | None = Field(None, ge=1, le=4)
    country: Literal["ID", "CN"] | None = Field(
        None, description="Whose provinces to list (default ID), or whose areas to search (default both)"
    )
    limit: int = Field(selectors.SEARCH_LIMIT, ge=1, le=100, description="Search results at most")


def _out(area: Area, parent_code: str | None) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "kind": area.kind,
        "country": area.country,
        "parent_code": parent_code,
        "province_code": area.province_code,
        "regency_code": area.regency_code,
        "district_code": area.district_code,
        "postal_codes": selectors.postal_codes_of(area),
        "timezone": area.timezone,
        "zone_label": selectors.zone_label(area.timezone),
        "path": area.path,
        "is_final": selectors.is_final(area),
    }


@router.get("", response=list[RegionOut], summary="List the areas inside a parent, or search them by name")
def list_areas(request: HttpRequest, filters: Query[RegionListQuery]):
    """No ``parent`` and no ``q``: the provinces of ``country``. ``parent``: its direct children.
    ``q``: names containing the text, exact matches first, larger areas before smaller ones (inside
    ``parent`` when both are given; at most ``limit``)."""
    parent = selectors.area_get(code=filters.parent) if filters.parent else None
    if filters.q:
        found = selectors.area_search(
            q=filters.q,
            level=filters.level,
            country=None if parent else filters.country,
            within=parent,
            limit=filters.limit,
        )
        parents = dict(
            Area.objects.filter(pk__in={a.parent_id for a in found if a.parent_id}).values_list("pk", "code")
        )
        return [_out(a, parents.get(a.parent_id)) for a in found]
    children = selectors.area_children(parent=parent, country=filters.country or Country.INDONESIA)
    if filters.level:
        children = children.filter(level=filters.level)
    return [_out(a, parent.code if parent else None) for a in children]


@router.get("/{code}", response=RegionDetailOut, summary="One area, with the areas that contain it")
def get_area(request: HttpRequest, code: str):
    area = selectors.area_get(code=code)
    ancestors = selectors.area_ancestors(area=area)
    out = _out(area, ancestors[-1].code if ancestors else None)
    out["ancestors"] = [{"code": a.code, "name": a.name, "level": a.level, "kind": a.kind} for a in ancestors]
    return out
