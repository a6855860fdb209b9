"""The demo hook makes a counter busy through services, once."""

from __future__ import annotations

import pytest

from lumbung.centers.demo import demo_counter
from lumbung.centers.models import AssistedAct, DropOff, PickupCode
from lumbung.logistics.models import Parcel

from .counter_world import world

pytestmark = pytest.mark.django_db


def test_demo_counter_fills_the_console_once(client):
    w = world()
    # The seller's centre serves the shop's village; its buyer lives there too (pickup here).
    result = demo_counter(centre=w.seller_centre, agent=w.seller_agent, variants=[w.variant])
    assert result["created"]
    statuses = set(Parcel.objects.values_list("status", flat=True))
    assert {"accepted_at_centre", "ready_for_pickup"} <= statuses
    assert PickupCode.objects.filter(used_at__isnull=True).count() == 1
    assert DropOff.objects.filter(outcome="rejected").count() == 1
    assert list(AssistedAct.objects.values_list("kind", flat=True).order_by("pk")) == ["order", "cash"]
    assert demo_counter(centre=w.seller_centre, agent=w.seller_agent, variants=[w.variant]) == {
        "created": False
    }
    client.force_login(w.seller_agent)
    page = client.get(f"/centres/{w.seller_centre.public_id}/counter/").content.decode()
    assert result["pickup_waiting"] in page and result["waiting_for_courier"] in page
