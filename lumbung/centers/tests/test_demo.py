"""The demo hook makes a counter busy through services, once: a parcel in every state."""

from __future__ import annotations

import pytest
from django.db.models import Q

from lumbung.centers.demo import demo_counter
from lumbung.centers.models import AssistedAct, DeliveryProof, DropOff, PickupCode
from lumbung.logistics.models import Batch, Carrier, Parcel
from lumbung.logistics.status import ParcelStatus
from lumbung.logistics.tests.factories import CarrierFactory, courier_of

from .counter_world import world

pytestmark = pytest.mark.django_db


def test_demo_counter_fills_the_console_once_with_a_parcel_in_every_state(client):
    w = world()
    courier = courier_of(CarrierFactory(name="Kurir Desa Express"))
    # The seller's centre serves the shop's village; its buyer lives there too (pickup here).
    result = demo_counter(centre=w.seller_centre, agent=w.seller_agent, variants=[w.variant], courier=courier)
    assert result["created"]

    org = w.seller_centre.organisation
    here = Parcel.objects.filter(Q(origin_centre=org) | Q(destination_centre=org))
    assert set(here.values_list("status", flat=True)) == set(ParcelStatus.values)
    assert set(result["parcels"]) == set(ParcelStatus.values)
    for status, code in result["parcels"].items():
        assert here.get(code=code).status == status
    # Orders' parcels and villagers' own (no order behind them) share the counter.
    assert here.filter(reference="").count() == 10
    assert here.exclude(reference="").filter(destination_centre=org).count() == 5

    # The courier's carrier took one batch; the next one waits for him on his page.
    assert Carrier.objects.get().organisation == courier.memberships.get().organisation
    assert sorted(Batch.objects.values_list("status", flat=True)) == ["closed", "handed_over"]
    assert Batch.objects.get(status="handed_over").handed_over_to == courier

    # The shelf's code is waiting (and the door parcel's); the collected one was used.
    collected = Parcel.objects.get(code=result["parcels"]["collected"])
    assert PickupCode.objects.get(parcel=collected).used_at is not None
    assert PickupCode.objects.filter(
        used_at__isnull=True, parcel__code=result["parcels"]["ready_for_pickup"]
    ).exists()
    delivered = Parcel.objects.get(code=result["parcels"]["delivered"])
    proof = DeliveryProof.objects.get(parcel=delivered)
    assert proof.kind == "signature" and proof.signature_name == proof.order.buyer.name

    assert DropOff.objects.filter(outcome="rejected").count() == 1
    assert DropOff.objects.filter(outcome="accepted").count() == 5
    assert list(AssistedAct.objects.values_list("kind", flat=True).order_by("pk")) == ["order", "cash"]
    assert demo_counter(
        centre=w.seller_centre, agent=w.seller_agent, variants=[w.variant], courier=courier
    ) == {"created": False}

    client.force_login(w.seller_agent)
    page = client.get(f"/centres/{w.seller_centre.public_id}/counter/").content.decode()
    for status in ("accepted_at_centre", "ready_for_pickup", "out_for_delivery"):
        assert result["parcels"][status] in page
    assert result["pickup_waiting"] in page and result["waiting_for_courier"] in page
    batching = client.get(f"/logistics/centres/{org.public_id}/batching/").content.decode()
    assert all(batch.code in batching for batch in Batch.objects.all())
    client.force_login(courier)
    waiting = Batch.objects.get(status="closed")
    assert (
        f"/logistics/batches/{waiting.public_id}/handover"
        in client.get("/logistics/courier/").content.decode()
    )
