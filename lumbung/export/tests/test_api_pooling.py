import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lumbung.accounts.tests.factories import UserFactory
from lumbung.export.models import Delivery, PayoutRun, Pledge

from .factories import contract, fund_exporter, member

pytestmark = pytest.mark.django_db


def post(client, url, data, **headers):
    return client.post(url, data=json.dumps(data, default=str), content_type="application/json", **headers)


def test_pool_pledge_deliver_lot_and_payout_over_the_api(client):
    c, manager = contract(quantity="100", unit="kg")
    org = c.exporter.organisation
    client.force_login(manager)
    response = post(client, f"/api/export/contracts/{c.public_id}/pool", {"grade_prices": {"A": "40000"}})
    assert response.status_code == 201, response.content
    pool = response.json()["public_id"]
    ani, budi = member(org, name="Ani Lestari"), member(org, name="Budi")
    client.force_login(ani)
    assert post(client, f"/api/export/pools/{pool}/pledges", {"quantity_kg": "60"}).status_code == 201
    refused = post(client, f"/api/export/pools/{pool}/pledges", {"quantity_kg": "60"})
    assert refused.status_code == 409
    client.force_login(budi)
    over = post(client, f"/api/export/pools/{pool}/pledges", {"quantity_kg": "60"})
    assert over.status_code == 409 and over.json()["details"]["remaining_kg"] == "40.000"
    assert (
        post(client, f"/api/export/pools/{pool}/pledges", {"quantity_kg": "60", "cap": True}).status_code
        == 201
    )
    assert Pledge.objects.get(producer=budi).quantity_kg == 40
    # a producer may not weigh in deliveries
    harvested = str(timezone.localdate() - timedelta(days=2))
    body = {"producer": budi.public_id, "weight_kg": "40.5", "grade": "A", "harvested_on": harvested}
    assert post(client, f"/api/export/pools/{pool}/deliveries", body).status_code == 403
    client.force_login(manager)
    ids = []
    for who, weight in ((ani, "59.512"), (budi, "40.5")):
        body = {"producer": who.public_id, "weight_kg": weight, "grade": "A", "harvested_on": harvested}
        response = post(client, f"/api/export/pools/{pool}/deliveries", body)
        assert response.status_code == 201, response.content
        ids.append(response.json()["public_id"])
    assert post(client, f"/api/export/pools/{pool}/close", {}).status_code == 200
    late = {"producer": ani.public_id, "weight_kg": "1", "grade": "A", "harvested_on": harvested}
    assert post(client, f"/api/export/pools/{pool}/deliveries", late).json()["code"] == "pool_closed"
    lot = post(
        client,
        f"/api/export/pools/{pool}/lots",
        {"deliveries": ids, "packages": 4, "gross_kg": "101", "marks": "X"},
    )
    assert lot.status_code == 201 and set(lot.json()["sub_lots"]) == set(ids)
    fund_exporter(c, 10_000_000)
    assert post(client, f"/api/export/pools/{pool}/payout", {}).status_code == 422  # no key
    first = post(client, f"/api/export/pools/{pool}/payout", {}, HTTP_IDEMPOTENCY_KEY="pay-1")
    again = post(client, f"/api/export/pools/{pool}/payout", {}, HTTP_IDEMPOTENCY_KEY="pay-1")
    other = post(client, f"/api/export/pools/{pool}/payout", {}, HTTP_IDEMPOTENCY_KEY="pay-2")
    assert first.status_code == 201 and again.json() == first.json()
    assert other.status_code == 409 and other.json()["code"] == "payout_done"
    assert PayoutRun.objects.count() == 1
    assert first.json()["amount"] == "4000480"  # (59.512 + 40.5) × 40,000
    client.force_login(ani)
    mine = client.get("/api/export/me/payouts").json()
    assert [row["amount"] for row in mine] == ["2380480.00"]
    seen = client.get(f"/api/export/pools/{pool}").json()
    assert {d["producer"] for d in seen["deliveries"]} == {ani.public_id}


def test_strangers_cannot_see_or_touch_a_pool(client):
    c, manager = contract(quantity="100", unit="kg")
    client.force_login(manager)
    pool = post(client, f"/api/export/contracts/{c.public_id}/pool", {"grade_prices": {"A": "40000"}}).json()
    client.force_login(UserFactory())
    assert client.get(f"/api/export/pools/{pool['public_id']}").status_code == 403
    assert (
        post(client, f"/api/export/pools/{pool['public_id']}/pledges", {"quantity_kg": "1"}).status_code
        == 403
    )
    assert not Pledge.objects.exists() and not Delivery.objects.exists()
