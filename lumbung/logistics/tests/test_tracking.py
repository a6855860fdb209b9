"""Carrier tracking: every event stored once; replayed, duplicated and out-of-order webhooks take
effect once and never move a parcel backwards."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumbung.logistics import conf
from lumbung.logistics.models import Parcel, ParcelEvent, Shipment, TrackingEvent
from lumbung.logistics.selectors import parcel_events, parcel_public_tracking
from lumbung.logistics.services import (
    batch_add_parcels,
    batch_close,
    batch_create,
    batch_hand_over,
    tracking_record,
)
from lumbung.logistics.status import PARCEL_RANK, RETRY_EDGE

from .factories import CarrierFactory, centre_org, courier_of

pytestmark = pytest.mark.django_db
URL = "/logistics/biteship/webhook"
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

NORMAL = ["confirmed", "allocated", "picking_up", "picked", "dropping_off", "delivered"]
FAILED = [
    "confirmed",
    "allocated",
    "picking_up",
    "picked",
    "dropping_off",
    "on_hold",
    "return_in_transit",
    "returned",
]
LOST = ["confirmed", "allocated", "picking_up", "picked", "on_hold", "disposed"]


@pytest.fixture
def shipped(make_parcel, agent, centre):
    """``shipped(destination_centre=None)`` → a parcel handed to a Biteship carrier with a booked shipment."""

    def make(destination_centre=None):
        carrier = CarrierFactory(adapter="biteship", courier_code="jne")
        parcel = make_parcel(destination_centre=destination_centre)
        batch = batch_create(origin_centre=centre, carrier=carrier, actor=agent)
        batch_add_parcels(batch=batch, parcels=[parcel], actor=agent)
        batch_close(batch=batch, actor=agent, book_shipments=False)
        batch_hand_over(batch=batch, courier=courier_of(carrier))
        n = Shipment.objects.count() + 1
        return Shipment.objects.create(
            parcel=parcel,
            carrier=carrier,
            state="booked",
            carrier_order_id=f"order{n}",
            tracking_id=f"trk{n}",
            waybill_id=f"WYB{n}",
        )

    return make


def webhook(shipment, status, minute, **extra):
    return {
        "event": "order.status",
        "order_id": shipment.carrier_order_id,
        "courier_tracking_id": shipment.tracking_id,
        "courier_waybill_id": shipment.waybill_id,
        "courier_company": "jne",
        "courier_type": "reg",
        "status": status,
        "updated_at": (T0 + timedelta(minutes=minute)).isoformat(),
        **extra,
    }


def post(client, payload, secret=None):
    return client.post(
        URL,
        data=json.dumps(payload),
        content_type="application/json",
        headers={
            conf.DEFAULT_WEBHOOK_HEADER: secret if secret is not None else conf.biteship_webhook_secret()
        },
    )


def status_of(shipment) -> str:
    return Parcel.objects.get(pk=shipment.parcel_id).status


def test_the_normal_journey_through_webhooks(client, shipped):
    shipment = shipped()
    outcomes = [post(client, webhook(shipment, s, i)).json()["outcome"] for i, s in enumerate(NORMAL)]
    assert outcomes == ["recorded"] * len(NORMAL)
    assert status_of(shipment) == "delivered"
    path = list(
        ParcelEvent.objects.filter(parcel_id=shipment.parcel_id)
        .order_by("pk")
        .values_list("to_status", flat=True)
    )
    assert path[-3:] == ["in_transit", "out_for_delivery", "delivered"]
    assert TrackingEvent.objects.filter(shipment=shipment).count() == len(NORMAL)


def test_the_public_history_follows_the_moves_whatever_the_carriers_clock(client, shipped):
    """The carrier's clock says 2025 (T0), ours says now: the steps still read in the order they happened."""
    shipment = shipped(destination_centre=centre_org(name="Pusat Layanan Bora"))
    for i, status in enumerate(NORMAL):
        post(client, webhook(shipment, status, i))
    parcel = Parcel.objects.get(pk=shipment.parcel_id)
    expected = [
        "created",
        "accepted_at_centre",
        "batched",
        "handed_to_carrier",
        "in_transit",
        "at_destination_hub",
    ]
    assert [step.status for step in parcel_public_tracking(parcel.code).steps] == expected
    assert [event.to_status for event in parcel_events(parcel)] == expected
    assert parcel_events(parcel).last().at == T0 + timedelta(minutes=5)  # the carrier's own time, kept


def test_a_replayed_webhook_takes_effect_once(client, shipped):
    shipment = shipped()
    first = post(client, webhook(shipment, "picked", 1))
    events_after_first = ParcelEvent.objects.count()
    again = [post(client, webhook(shipment, "picked", 1)).json()["outcome"] for _ in range(3)]
    assert first.json()["outcome"] == "recorded" and again == ["duplicate"] * 3
    assert ParcelEvent.objects.count() == events_after_first
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1


def test_an_old_event_arriving_late_is_kept_but_changes_nothing(client, shipped):
    shipment = shipped()
    post(client, webhook(shipment, "delivered", 10))
    post(client, webhook(shipment, "dropping_off", 5))  # older, arrives after
    post(client, webhook(shipment, "picked", 2))
    assert status_of(shipment) == "delivered"
    late = TrackingEvent.objects.get(shipment=shipment, carrier_status="dropping_off")
    assert (late.applied_status, late.ignored_reason) == ("", "older_than_last_event")


def test_a_pickup_parcel_delivered_by_the_carrier_is_at_the_destination_centre(client, shipped):
    shipment = shipped(destination_centre=centre_org(name="Pusat Layanan Bora"))
    for i, status in enumerate(NORMAL):
        post(client, webhook(shipment, status, i))
    assert status_of(shipment) == "at_destination_hub"


@pytest.mark.parametrize(("journey", "final"), [(FAILED, "returned"), (LOST, "lost")])
def test_failed_delivery_and_lost_parcels(client, shipped, journey, final):
    shipment = shipped()
    seen = []
    for i, status in enumerate(journey):
        post(client, webhook(shipment, status, i))
        seen.append(status_of(shipment))
    assert seen[-1] == final
    if journey is FAILED:
        assert "failed_delivery" in seen and "returning" in seen


def test_refused_without_the_secret_and_unknown_shipments_change_nothing(client, shipped):
    shipment = shipped()
    assert post(client, webhook(shipment, "picked", 1), secret="wrong").status_code == 403
    assert post(client, webhook(shipment, "picked", 1), secret="").status_code == 403
    unknown = post(client, {**webhook(shipment, "delivered", 2), "order_id": "nobody"})
    assert unknown.status_code == 200 and unknown.json()["outcome"] == "unknown_shipment"
    assert (
        client.post(
            URL,
            data=b"{",
            content_type="application/json",
            headers={conf.DEFAULT_WEBHOOK_HEADER: conf.biteship_webhook_secret()},
        ).status_code
        == 400
    )
    assert status_of(shipment) == "handed_to_carrier"
    assert not TrackingEvent.objects.exists()


def test_waybill_and_price_updates(client, shipped):
    shipment = shipped()
    post(
        client,
        {"event": "order.waybill_id", "order_id": shipment.carrier_order_id, "courier_waybill_id": "JNE-9"},
    )
    post(client, {"event": "order.price", "order_id": shipment.carrier_order_id, "price": 23000})
    shipment.refresh_from_db()
    assert (shipment.waybill_id, shipment.price) == ("JNE-9", 23000)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    journey=st.sampled_from([NORMAL, FAILED, LOST]),
    data=st.data(),
)
def test_any_arrival_order_with_duplicates_ends_where_the_carrier_did_and_never_goes_back(
    shipped, journey, data
):
    shipment = shipped()
    chronological = list(enumerate(journey))
    arrivals = data.draw(
        st.permutations(chronological + data.draw(st.lists(st.sampled_from(chronological), max_size=6)))
    )
    ranks = []
    previous = status_of(shipment)
    for minute, status in arrivals:
        tracking_record(
            shipment=shipment,
            carrier_event_id=f"{shipment.carrier_order_id}:{status}:{minute}",
            carrier_status=status,
            occurred_at=T0 + timedelta(minutes=minute),
        )
        now = status_of(shipment)
        assert PARCEL_RANK[now] >= PARCEL_RANK[previous] or (previous, now) == RETRY_EDGE
        ranks.append(PARCEL_RANK[now])
        previous = now
    expected = {id(NORMAL): "delivered", id(FAILED): "returned", id(LOST): "lost"}[id(journey)]
    assert status_of(shipment) == expected
    assert TrackingEvent.objects.filter(shipment=shipment).count() == len(journey)
