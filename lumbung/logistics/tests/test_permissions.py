"""Permission matrix: every page and API operation of logistics, for each kind of visitor.
A refusal also proves nothing changed."""

from __future__ import annotations

import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.logistics.models import Batch, Parcel, ParcelEvent
from lumbung.logistics.services import batch_add_parcels, batch_close, batch_create

from .factories import CarrierFactory, agent_of, centre_org, courier_of

pytestmark = pytest.mark.django_db
WHO = ["anonymous", "agent", "other_agent", "courier", "other_courier", "admin"]


@pytest.fixture
def world(make_parcel, agent, centre, carrier, courier):
    parcel = make_parcel()
    waiting = make_parcel()
    batch = batch_create(origin_centre=centre, carrier=carrier, actor=agent)
    batch_add_parcels(batch=batch, parcels=[parcel], actor=agent)
    batch_close(batch=batch, actor=agent, book_shipments=False)
    people = {
        "anonymous": None,
        "agent": agent,
        "other_agent": agent_of(centre_org()),
        "courier": courier,
        "other_courier": courier_of(CarrierFactory()),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    return {"parcel": parcel, "waiting": waiting, "batch": batch, "centre": centre, "people": people}


def as_(client, world, who):
    user = world["people"][who]
    if user is not None:
        client.force_login(user)
    return client


def snapshot():
    return (
        list(Parcel.objects.order_by("pk").values_list("status", "batch_id")),
        list(Batch.objects.order_by("pk").values_list("status", "handed_over_to_id")),
        ParcelEvent.objects.count(),
    )


READS = {
    # name: (url builder, {who: status})
    "parcel page": (
        lambda w: f"/logistics/parcels/{w['parcel'].public_id}/",
        {
            "anonymous": 302,
            "agent": 200,
            "other_agent": 404,
            "courier": 200,
            "other_courier": 404,
            "admin": 200,
        },
    ),
    "parcel label": (
        lambda w: f"/logistics/parcels/{w['parcel'].public_id}/label.pdf",
        {
            "anonymous": 302,
            "agent": 200,
            "other_agent": 404,
            "courier": 403,
            "other_courier": 404,
            "admin": 200,
        },
    ),
    "batching page": (
        lambda w: f"/logistics/centres/{w['centre'].public_id}/batching/",
        {
            "anonymous": 302,
            "agent": 200,
            "other_agent": 403,
            "courier": 403,
            "other_courier": 403,
            "admin": 200,
        },
    ),
    "batch page": (
        lambda w: f"/logistics/batches/{w['batch'].public_id}/",
        {
            "anonymous": 302,
            "agent": 200,
            "other_agent": 404,
            "courier": 200,
            "other_courier": 404,
            "admin": 200,
        },
    ),
    "manifest": (
        lambda w: f"/logistics/batches/{w['batch'].public_id}/manifest.pdf",
        {
            "anonymous": 302,
            "agent": 200,
            "other_agent": 404,
            "courier": 200,
            "other_courier": 404,
            "admin": 200,
        },
    ),
    "batch labels": (
        lambda w: f"/logistics/batches/{w['batch'].public_id}/labels.pdf",
        {
            "anonymous": 302,
            "agent": 200,
            "other_agent": 404,
            "courier": 403,
            "other_courier": 404,
            "admin": 200,
        },
    ),
    "handover page": (
        lambda w: f"/logistics/batches/{w['batch'].public_id}/handover",
        {
            "anonymous": 302,
            "agent": 403,
            "other_agent": 404,
            "courier": 200,
            "other_courier": 404,
            "admin": 403,
        },
    ),
    "api parcel": (
        lambda w: f"/api/logistics/parcels/{w['parcel'].public_id}",
        {
            "anonymous": 401,
            "agent": 200,
            "other_agent": 404,
            "courier": 200,
            "other_courier": 404,
            "admin": 200,
        },
    ),
    "api batch": (
        lambda w: f"/api/logistics/batches/{w['batch'].public_id}",
        {
            "anonymous": 401,
            "agent": 200,
            "other_agent": 404,
            "courier": 200,
            "other_courier": 404,
            "admin": 200,
        },
    ),
    "api ready parcels": (
        lambda w: f"/api/logistics/centres/{w['centre'].public_id}/parcels/ready",
        {
            "anonymous": 401,
            "agent": 200,
            "other_agent": 403,
            "courier": 403,
            "other_courier": 403,
            "admin": 200,
        },
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", list(READS))
def test_reads(client, world, name, who):
    url, expected = READS[name]
    before = snapshot()
    response = as_(client, world, who).get(url(world))
    assert response.status_code == expected[who], (name, who)
    if response.status_code == 200 and name in ("parcel page", "api parcel"):
        assert world["parcel"].code in response.content.decode()
    assert snapshot() == before


WRITES = {
    "close via page": (
        lambda w: (f"/logistics/batches/{w['batch'].public_id}/", {"action": "reopen"}),
        {
            "anonymous": 302,
            "agent": 302,
            "other_agent": 404,
            "courier": 403,
            "other_courier": 404,
            "admin": 302,
        },
    ),
    "handover via page": (
        lambda w: (f"/logistics/batches/{w['batch'].public_id}/handover", {}),
        {
            "anonymous": 302,
            "agent": 403,
            "other_agent": 404,
            "courier": 200,
            "other_courier": 404,
            "admin": 403,
        },
    ),
    "batch from the counter": (
        lambda w: (
            f"/logistics/centres/{w['centre'].public_id}/batching/",
            {"carrier": w["batch"].carrier.public_id, "parcels": [w["waiting"].public_id]},
        ),
        {
            "anonymous": 302,
            "agent": 302,
            "other_agent": 403,
            "courier": 403,
            "other_courier": 403,
            "admin": 302,
        },
    ),
    "api handover": (
        lambda w: (f"/api/logistics/batches/{w['batch'].public_id}/handover", None),
        {
            "anonymous": 401,
            "agent": 403,
            "other_agent": 404,
            "courier": 200,
            "other_courier": 404,
            "admin": 403,
        },
    ),
    "api create batch": (
        lambda w: (
            "/api/logistics/batches",
            {
                "centre": w["centre"].public_id,
                "carrier": w["batch"].carrier.public_id,
                "parcels": [w["waiting"].public_id],
            },
        ),
        {
            "anonymous": 401,
            "agent": 201,
            "other_agent": 403,
            "courier": 403,
            "other_courier": 403,
            "admin": 201,
        },
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", list(WRITES))
def test_writes_change_things_only_for_those_allowed(client, world, name, who):
    build, expected = WRITES[name]
    url, data = build(world)
    before = snapshot()
    client = as_(client, world, who)
    if url.startswith("/api/"):
        response = client.post(url, data=data or {}, content_type="application/json")
    else:
        response = client.post(url, data=data)
    assert response.status_code == expected[who], (name, who, response.content[:300])
    if who == "anonymous" or response.status_code in (401, 403, 404):
        assert snapshot() == before
    else:
        assert snapshot() != before


def test_public_tracking_shows_no_personal_data(client, world):
    parcel = world["parcel"]
    page = client.get(f"/logistics/track/{parcel.code}")
    api = client.get(f"/api/logistics/track/{parcel.code}")
    assert page.status_code == api.status_code == 200
    for body in (page.content.decode(), api.content.decode()):
        assert parcel.code in body
        for secret in (
            parcel.recipient_name,
            parcel.recipient_phone,
            parcel.recipient_address,
            parcel.sender_name,
            parcel.sender_phone,
            parcel.recipient_village.name,
            parcel.reference,
        ):
            assert secret not in body, secret
        assert parcel.recipient_village.parent.parent.name in body  # the regency only
    assert api.json()["status"] == "batched"
    assert client.get("/logistics/track/LBG-NOPE123").status_code == 404
    assert client.get("/api/logistics/track/LBG-NOPE123").status_code == 404
