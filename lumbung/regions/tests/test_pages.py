from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from lumbung.regions.models import Area

from .factories import china_county, sigi_tree

pytestmark = pytest.mark.django_db


def test_browse_lists_provinces_of_both_countries(client):
    sigi_tree()
    china_county()
    page = client.get("/regions/").content.decode()
    assert 'href="/regions/72/"' in page
    assert "Sulawesi Tengah" in page
    assert 'href="/regions/CN-330000/"' in page
    assert "WITA" in page and "CST" in page


def test_area_page_shows_code_postal_code_zone_and_children(client):
    tree = sigi_tree()
    page = client.get("/regions/72.10.01/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sigi Biromaru" in page
    assert "72.10.01" in page
    assert "94367" in page
    assert "WITA" in page
    assert f'href="/regions/{tree["village"].code}/"' in page
    assert 'href="/regions/72.10/"' in page  # breadcrumb up to the regency


def test_unknown_area_page_is_404(client):
    assert client.get("/regions/99.99/").status_code == 404


def test_admin_lists_and_searches_areas_but_cannot_change_them(client):
    sigi_tree()
    staff = get_user_model().objects.create_superuser("+6281200000001", "s3cret-pass")
    client.force_login(staff)
    listing = client.get("/admin/regions/area/", {"q": "Sidondo"})
    assert listing.status_code == 200
    assert "72.10.01.2001" in listing.content.decode()
    assert "72.10.01.2003" not in listing.content.decode()
    assert client.get("/admin/regions/area/", {"level__exact": "1"}).status_code == 200
    assert client.get("/admin/regions/area/add/").status_code == 403
    pk = Area.objects.get(code="72.10").pk
    response = client.post(f"/admin/regions/area/{pk}/change/", {"name": "Renamed"})
    assert response.status_code == 403
    assert Area.objects.get(code="72.10").name == "Kabupaten Sigi"
