import json

import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.export.models import Exporter, Verification

from .factories import NPWP, bumdes, exporter, facilitator

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data=json.dumps(data, default=str), content_type="application/json")


def payload(org, **overrides):
    data = {
        "organisation": org.public_id,
        "nib": "9120301234567",
        "npwp": NPWP,
        "monthly_capacity_kg": "2000",
        "languages": ["id", "zh"],
        "products": [{"hs_code": "1211.90", "name": "Daun kelor kering", "monthly_capacity_kg": "800"}],
    }
    data.update(overrides)
    return data


def test_hs_codes_are_public_in_the_callers_language(client):
    body = client.get("/api/export/hs-codes", HTTP_ACCEPT_LANGUAGE="en").json()
    crab = next(row for row in body if row["code"] == "0306.33")
    assert crab["description_zh"] == "活、鲜或冷的蟹"


def test_manager_registers_over_the_api(client):
    org, manager = bumdes()
    client.force_login(manager)
    response = post(client, "/api/export/exporters", payload(org))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered"
    assert body["products"][0]["hs_code"] == "1211.90"
    assert client.get(f"/api/export/exporters/{body['public_id']}").json()["nib"] == "9120301234567"


@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_others_cannot_register_and_nothing_changes(client, who):
    org, _ = bumdes()
    if who == "stranger":
        client.force_login(UserFactory())
    response = post(client, "/api/export/exporters", payload(org))
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert not Exporter.objects.exists()


def test_a_bad_npwp_is_a_clear_field_error(client):
    org, manager = bumdes()
    client.force_login(manager)
    response = post(client, "/api/export/exporters", payload(org, npwp="123"))
    assert response.status_code == 422
    assert response.json()["details"] == {"field": "npwp"}
    assert "NPWP" in response.json()["message"]


def test_only_a_facilitator_verifies_over_the_api(client):
    row, manager = exporter(verified=False)
    client.force_login(manager)
    data = {"documents_checked": ["nib", "npwp", "deed"], "visited_on": None, "facility_ok": False}
    assert post(client, f"/api/export/exporters/{row.public_id}/verifications", data).status_code == 403
    assert not Verification.objects.exists()
    client.force_login(facilitator())
    response = post(client, f"/api/export/exporters/{row.public_id}/verifications", data)
    assert response.status_code == 201
    assert response.json()["score"] == 30 + 10 + 10 + 10
    assert response.json()["status"] == "not_ready"


def test_unverified_exporters_are_hidden_from_buyers(client):
    hidden, _ = exporter(verified=False, name="BUMDes Belum")
    exporter(name="BUMDes Siap")
    client.force_login(UserFactory())
    names = [row["name"] for row in client.get("/api/export/exporters").json()]
    assert names == ["BUMDes Siap"]
    assert hidden.public_id not in json.dumps(names)
