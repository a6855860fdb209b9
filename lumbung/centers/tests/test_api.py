import json
from decimal import Decimal

import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.centers.models import CashDeposit
from lumbung.core.money import Money
from lumbung.regions.tests.factories import village

from .factories import agent_of, bank, centre, drawer, platform_admin, take_cash

pytestmark = pytest.mark.django_db


def idr(amount) -> Money:
    return Money(Decimal(amount), "IDR")


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def test_centres_serving_a_village_are_public(client):
    here = village()
    a = centre(villages=[here], name="Pusat Layanan A")
    centre(villages=[village()], name="Pusat Lain")
    response = client.get("/api/centers", {"village": here.code})
    assert response.status_code == 200
    body = response.json()
    assert [c["public_id"] for c in body] == [a.public_id]
    assert here.code in [v["code"] for v in body[0]["villages_served"]]
    assert body[0]["zone_label"] == "WIB"
    assert body[0]["opening_hours"][0]["hours"] == "08.00–16.00"


def test_unknown_village_code_is_refused(client):
    response = client.get("/api/centers", {"village": "99.99"})
    assert response.status_code == 422
    assert response.json()["details"] == {"field": "village"}


def test_one_centre_is_public_but_a_closed_one_is_not_found(client):
    row = centre()
    assert client.get(f"/api/centers/{row.public_id}").json()["name"] == row.name
    row.is_active = False
    row.save(update_fields=["is_active"])
    response = client.get(f"/api/centers/{row.public_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _deposit(client, row, key="key-1", amount="40000", slip="BRI-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/centers/{row.public_id}/cash/deposits",
        data=json.dumps({"amount": amount, "bank_reference": slip}),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def world():
    row = centre()
    other = centre()
    take_cash(row, 100000)
    return {
        "row": row,
        "anonymous": None,
        "agent": agent_of(row),
        "other_agent": agent_of(other),
        "staff": UserFactory(is_staff=True),
        "platform_admin": platform_admin(),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("agent", 201),
        ("other_agent", 403),
        ("staff", 403),
        ("platform_admin", 403),
    ],
)
def test_deposit_permission_matrix(client, world, who, status):
    row = world["row"]
    response = _deposit(as_user(client, world[who]), row)
    assert response.status_code == status, response.content
    if status == 201:
        assert drawer(row) == idr(60000)
        assert bank() == idr(40000)
        assert response.json()["amount_display"] == "Rp40.000"
    else:
        assert drawer(row) == idr(100000)
        assert bank() == idr(0)
        assert CashDeposit.objects.count() == 0
        assert set(response.json()) == {"code", "message", "details"}


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("agent", 200), ("other_agent", 403), ("staff", 403), ("platform_admin", 200)],
)
def test_cash_up_permission_matrix(client, world, who, status):
    response = as_user(client, world[who]).get(f"/api/centers/{world['row'].public_id}/cash-up")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert Decimal(body["received"]) == Decimal(100000)
        assert Decimal(body["to_deposit"]) == Decimal(100000)
        assert body["to_deposit_display"] == "Rp100.000"
    else:
        assert "received" not in response.json()


def test_a_retried_deposit_takes_effect_once_and_replays_the_answer(client, world):
    client.force_login(world["agent"])
    first = _deposit(client, world["row"], key="retry-me")
    again = _deposit(client, world["row"], key="retry-me")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert CashDeposit.objects.count() == 1
    assert drawer(world["row"]) == idr(60000)
    changed = _deposit(client, world["row"], key="retry-me", amount="1000")
    assert changed.status_code == 409
    assert changed.json()["code"] == "idempotency_key_reused"
    assert drawer(world["row"]) == idr(60000)


def test_deposit_needs_an_idempotency_key(client, world):
    client.force_login(world["agent"])
    response = _deposit(client, world["row"], key=None)
    assert response.status_code == 422
    assert response.json()["details"] == {"header": "Idempotency-Key"}
    assert drawer(world["row"]) == idr(100000)


def test_depositing_more_than_the_drawer_is_refused_and_may_be_retried(client, world):
    client.force_login(world["agent"])
    too_much = _deposit(client, world["row"], key="k", amount="100001")
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "insufficient_funds"
    assert drawer(world["row"]) == idr(100000)
    assert _deposit(client, world["row"], key="k", amount="100000").status_code == 201
    assert drawer(world["row"]) == idr(0)
