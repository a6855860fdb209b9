"""The last mile: arrival at the pickup centre, the pickup code, hand-over, door delivery, returns."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone
from PIL import Image

from lumbung.centers.errors import OtherCentre, PickupCodeExpired, PickupCodeUsed, PickupCodeWrong
from lumbung.centers.models import DeliveryProof, PickupCode
from lumbung.centers.services import (
    door_deliver,
    door_delivery_start,
    drop_off_intake,
    parcel_arrive,
    pickup_hand_over,
    uncollected_return,
)
from lumbung.core.errors import ValidationFailed
from lumbung.logistics.services import parcel_set_status
from lumbung.orders.services import order_complete
from lumbung.orders.tests.factories import balance

from .counter_world import outbox, paid_order, world

pytestmark = pytest.mark.django_db


def events():
    return TestCase.captureOnCommitCallbacks(execute=True)


def dropped(w, **kwargs):
    order = paid_order(w, **kwargs)
    with events():
        drop = drop_off_intake(
            agent=w.seller_agent,
            centre=w.seller_centre,
            order=order,
            weight_grams=order.weight_grams,
            items_counted=2,
            count_ok=True,
            condition_ok=True,
            standards_ok=True,
            accept=True,
        )
    return order, drop.parcel


def carried(parcel):
    """The carrier takes it along (as tracking would), each step's event delivered."""
    for to in ("batched", "handed_to_carrier", "in_transit"):
        with events():
            parcel = parcel_set_status(parcel=parcel, to=to, source="carrier")
    return parcel


def code_sent(phone) -> str:
    body = outbox(phone, "pickup_code")[-1].body
    return re.search(r"\b(\d{6})\b", body).group(1)


def at_pickup(w, **kwargs):
    order, parcel = dropped(w, **kwargs)
    parcel = carried(parcel)
    order.refresh_from_db()
    assert order.status == "in_transit"  # followed the parcel's events
    with events():
        parcel = parcel_arrive(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel)
    assert parcel.status == "ready_for_pickup"
    return order, parcel


def test_a_parcel_on_the_shelf_sends_the_buyer_a_six_digit_code_stored_hashed():
    w = world()
    _order, parcel = at_pickup(w)
    code = code_sent(w.buyer.phone)
    row = PickupCode.objects.get(parcel=parcel)
    assert code not in row.code_hash and row.used_at is None
    assert row.expires_at > timezone.now() + timedelta(days=6)


def test_the_buyers_code_hands_the_parcel_over_and_delivers_the_order_once():
    w = world()
    order, parcel = at_pickup(w)
    code = code_sent(w.buyer.phone)
    with pytest.raises(PickupCodeWrong):
        pickup_hand_over(
            agent=w.buyer_agent,
            centre=w.buyer_centre,
            parcel=parcel,
            code="000000" if code != "000000" else "111111",
        )
    parcel.refresh_from_db()
    assert parcel.status == "ready_for_pickup"

    with events():
        pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=code)
    parcel.refresh_from_db()
    order.refresh_from_db()
    assert parcel.status == "collected" and order.status == "delivered"

    with pytest.raises(PickupCodeUsed):
        pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=code)
    # Orders' completion then releases the escrow, with the pickup centre's commission.
    order_complete(order=order, actor=w.buyer)
    assert balance(f"commission:agent:{w.buyer_centre.public_id}") != 0


def test_an_expired_code_is_refused_and_nothing_changes():
    w = world()
    order, parcel = at_pickup(w)
    code = code_sent(w.buyer.phone)
    with time_machine.travel(timezone.now() + timedelta(days=8)), pytest.raises(PickupCodeExpired):
        pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=code)
    parcel.refresh_from_db()
    order.refresh_from_db()
    assert parcel.status == "ready_for_pickup" and order.status == "in_transit"
    assert PickupCode.objects.get(parcel=parcel).used_at is None


def test_another_centre_cannot_hand_over_or_receive_the_parcel():
    w = world()
    _order, parcel = at_pickup(w)
    code = code_sent(w.buyer.phone)
    with pytest.raises(OtherCentre):
        pickup_hand_over(agent=w.other_agent, centre=w.other_centre, parcel=parcel, code=code)
    parcel.refresh_from_db()
    assert parcel.status == "ready_for_pickup"
    assert PickupCode.objects.get(parcel=parcel).used_at is None


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 160, 90)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize("proof", ["code", "photo", "signature"])
def test_door_delivery_by_the_centre_needs_a_proof(proof):
    w = world()
    order, parcel = dropped(w, method="door")
    parcel = carried(parcel)
    with events():
        parcel = door_delivery_start(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel)
    assert parcel.status == "out_for_delivery"
    with pytest.raises(ValidationFailed):
        door_deliver(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel)
    kwargs = {
        "code": {"code": code_sent(w.buyer.phone)},
        "photo": {"photo": _photo()},
        "signature": {"signature_name": "Siti Aminah"},
    }[proof]
    proof_row = door_deliver(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, **kwargs)
    order.refresh_from_db()
    parcel.refresh_from_db()
    assert parcel.status == "delivered" and order.status == "delivered"
    assert proof_row.kind == proof
    if proof == "photo":
        webp = bytes(DeliveryProof.objects.get(pk=proof_row.pk).photo_webp)
        assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP" and len(webp) < 60_000
        assert max(Image.open(io.BytesIO(webp)).size) <= 640


def test_a_parcel_not_collected_in_time_goes_back_and_the_buyer_gets_the_goods_price_back():
    w = world()
    order, parcel = at_pickup(w)
    escrow = f"escrow:order:{order.public_id}"
    held = balance(escrow)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert uncollected_return() == 1
        assert uncollected_return() == 0
    parcel.refresh_from_db()
    order.refresh_from_db()
    assert parcel.status == "returning"
    assert order.refunded == order.subtotal
    assert balance(escrow) == held - order.subtotal == order.shipping  # only the shipping stays held
    assert outbox(w.buyer.phone, "pickup_returned_buyer")
    assert outbox(w.seller.phone, "pickup_returned_seller")
