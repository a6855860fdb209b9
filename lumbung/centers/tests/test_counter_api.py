"""The counter API: permission matrix with nothing changed on refusal, Idempotency-Key replays."""

from __future__ import annotations

import pytest

from lumbung.accounts.models import AssistPurpose
from lumbung.accounts.services import acting_for_record_in_person, villager_register_without_phone
from lumbung.accounts.tests.factories import UserFactory
from lumbung.centers.models import AssistedAct, DropOff
from lumbung.logistics.models import Parcel
from lumbung.orders.models import Order

from .counter_world import paid_order, world

pytestmark = pytest.mark.django_db


def body(order, **extra):
    return {
        "order_code": order.code,
        "weight_grams": order.weight_grams,
        "items_counted": 2,
        "count_ok": True,
        "condition_ok": True,
        "standards_ok": True,
        **extra,
    }


def post(client, path, data, key="k-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, data, content_type="application/json", **headers)


@pytest.mark.parametrize("who", ["anonymous", "agent", "other_agent", "buyer", "other_buyer", "staff"])
def test_intake_api_matrix(client, who):
    w = world()
    order = paid_order(w)
    user = {
        "anonymous": None,
        "agent": w.seller_agent,
        "other_agent": w.other_agent,
        "buyer": w.buyer,
        "other_buyer": UserFactory(),
        "staff": UserFactory(is_staff=True),
    }[who]
    if user:
        client.force_login(user)
    response = post(client, f"/api/centers/{w.seller_centre.public_id}/intake", body(order))
    order.refresh_from_db()
    if who == "agent":
        assert response.status_code == 200, response.content
        assert response.json()["order_status"] == "handed_over" and response.json()["parcel_code"].startswith(
            "LBG-"
        )
        replay = post(client, f"/api/centers/{w.seller_centre.public_id}/intake", body(order))
        assert replay.json() == response.json()
        assert Parcel.objects.filter(reference=order.escrow_reference).count() == 1
    else:
        assert response.status_code == (401 if who == "anonymous" else 403)
        assert order.status == "paid" and not DropOff.objects.exists()


def test_intake_api_needs_a_key_and_flags_weight(client):
    w = world()
    order = paid_order(w)
    client.force_login(w.seller_agent)
    path = f"/api/centers/{w.seller_centre.public_id}/intake"
    assert post(client, path, body(order), key=None).status_code == 422
    far = post(client, path, body(order, weight_grams=order.weight_grams * 4), key="k-far")
    assert far.status_code == 422 and far.json()["code"] == "weight_far_off"
    order.refresh_from_db()
    assert order.status == "paid"
    ok = post(
        client, path, body(order, weight_grams=order.weight_grams * 4, weight_confirmed=True), key="k-far-2"
    )
    assert ok.status_code == 200 and ok.json()["weight_flagged"] is True


def test_another_centres_order_over_the_api(client):
    w = world()
    order = paid_order(w)
    client.force_login(w.other_agent)
    response = post(client, f"/api/centers/{w.other_centre.public_id}/intake", body(order))
    assert response.status_code == 403 and response.json()["code"] == "other_centre"
    order.refresh_from_db()
    assert order.status == "paid" and not DropOff.objects.exists()


def test_assisted_order_api_needs_consent_then_replays_once(client):
    w = world()
    client.force_login(w.buyer_agent)
    villager = villager_register_without_phone(
        agent=w.buyer_agent, centre=w.buyer_centre.organisation, name="Mbah Darmi", village=w.buyer.village
    )
    path = f"/api/centers/{w.buyer_centre.public_id}/assisted/orders"
    data = {"villager": villager.public_id, "variant": w.variant.public_id, "quantity": 1}
    refused = post(client, path, data, key="a-1")
    assert refused.status_code == 403 and refused.json()["code"] == "no_consent"
    assert not Order.objects.filter(buyer=villager).exists()
    acting_for_record_in_person(
        agent=w.buyer_agent,
        villager=villager,
        purpose=AssistPurpose.BUY,
        centre=w.buyer_centre.organisation,
        consent_note="KTP checked, thumbprint on slip #9",
    )
    first = post(client, path, data, key="a-2")
    again = post(client, path, data, key="a-2")
    assert first.status_code == 200 and again.json() == first.json()
    assert Order.objects.filter(buyer=villager).count() == 1 and AssistedAct.objects.count() == 1
    cash = post(
        client,
        f"/api/centers/{w.buyer_centre.public_id}/assisted/cash",
        {"villager": villager.public_id, "order_code": first.json()["order"]},
        key="c-1",
    )
    assert cash.status_code == 200 and cash.json()["kind"] == "cash"


@pytest.mark.parametrize("who", ["anonymous", "agent", "other_agent", "staff"])
def test_commission_api_matrix(client, who):
    w = world()
    user = {
        "anonymous": None,
        "agent": w.buyer_agent,
        "other_agent": w.other_agent,
        "staff": UserFactory(is_staff=True),
    }[who]
    if user:
        client.force_login(user)
    response = client.get(f"/api/centers/{w.buyer_centre.public_id}/commission")
    assert response.status_code == {"anonymous": 401, "agent": 200}.get(who, 403)
