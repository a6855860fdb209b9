"""Drop-off intake: weigh, check, accept (parcel, order handed over, seller told) or reject."""

from __future__ import annotations

import pytest

from lumbung.centers.errors import NotAtCounter, OtherCentre, WeightFarOff
from lumbung.centers.models import DropOff
from lumbung.centers.services import drop_off_intake, weight_far_off
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.logistics.models import Parcel
from lumbung.orders.models import Order

from .counter_world import outbox, paid_order, place, world

pytestmark = pytest.mark.django_db


def _intake(w, order, **kwargs):
    args = {
        "agent": w.seller_agent,
        "centre": w.seller_centre,
        "order": order,
        "weight_grams": order.weight_grams + 40,
        "items_counted": 2,
        "count_ok": True,
        "condition_ok": True,
        "standards_ok": True,
        "accept": True,
    }
    args.update(kwargs)
    return drop_off_intake(**args)


def _nothing_changed(order, status="paid"):
    order.refresh_from_db()
    assert order.status == status
    assert not Parcel.objects.filter(reference=order.escrow_reference).exists()


@pytest.mark.parametrize(
    ("declared", "measured", "far"),
    [
        (1000, 1190, False),
        (1000, 1201, True),
        (1000, 790, True),
        (500, 610, True),
        (500, 600, False),
        (5000, 5300, True),
    ],
)
def test_weight_far_off_is_over_200_g_or_over_20_percent(declared, measured, far):
    assert weight_far_off(declared_g=declared, measured_g=measured) is far


def test_accepting_a_paid_order_accepts_it_for_the_seller_makes_the_parcel_and_hands_it_over():
    w = world(weight=500)
    order = paid_order(w, quantity=2)  # declared 1000 g, pickup at the buyer's centre
    drop = _intake(w, order, weight_grams=1040)

    order.refresh_from_db()
    assert order.status == "handed_over"
    steps = list(order.events.values_list("to_status", "source"))
    assert ("accepted", "centre") in steps and ("handed_over", "centre") in steps
    parcel = drop.parcel
    assert parcel.status == "accepted_at_centre"
    assert parcel.reference == f"order:{order.public_id}"
    assert parcel.origin_centre == w.seller_centre.organisation
    assert parcel.destination_centre == w.buyer_centre.organisation
    assert parcel.delivery_method == "pickup"
    assert parcel.sender_village == w.shop.village and parcel.recipient_village == order.village
    assert (parcel.declared_weight_g, parcel.measured_weight_g) == (1000, 1040)
    assert not drop.weight_flagged
    sms = outbox(w.seller.phone, "drop_off_accepted")
    assert len(sms) == 1 and parcel.code in sms[0].body and order.code in sms[0].body


def test_a_far_off_weight_is_refused_until_the_agent_confirms_it():
    w = world(weight=500)
    order = paid_order(w, quantity=2)
    with pytest.raises(WeightFarOff) as refused:
        _intake(w, order, weight_grams=1500)
    assert refused.value.details["declared_g"] == 1000
    _nothing_changed(order)
    assert not DropOff.objects.exists()

    drop = _intake(w, order, weight_grams=1500, weight_confirmed=True)
    assert drop.weight_flagged and drop.parcel.measured_weight_g == 1500


def test_rejecting_tells_the_seller_what_to_fix_in_their_language_and_changes_nothing_else():
    w = world()
    w.seller.language = "en"
    w.seller.save(update_fields=["language"])
    order = paid_order(w)
    drop = _intake(w, order, accept=False, standards_ok=False, reason="No PIRT number printed on the packs")
    assert drop.outcome == "rejected" and drop.parcel is None
    _nothing_changed(order)
    sms = outbox(w.seller.phone, "drop_off_rejected")
    assert len(sms) == 1 and sms[0].language == "en" and "No PIRT number" in sms[0].body


def test_rejecting_needs_a_reason_and_accepting_needs_every_check():
    w = world()
    order = paid_order(w)
    with pytest.raises(ValidationFailed):
        _intake(w, order, accept=False, reason="  ")
    with pytest.raises(ValidationFailed) as refused:
        _intake(w, order, condition_ok=False)
    assert refused.value.code == "checklist_incomplete"
    _nothing_changed(order)
    assert not DropOff.objects.exists()


def test_another_centres_order_is_refused_with_nothing_changed():
    w = world()
    order = paid_order(w)
    with pytest.raises(OtherCentre):
        _intake(w, order, agent=w.other_agent, centre=w.other_centre)
    with pytest.raises(Forbidden):  # an agent of another centre at this centre's counter
        _intake(w, order, agent=w.other_agent)
    _nothing_changed(order)
    assert not DropOff.objects.exists()


def test_unpaid_or_already_taken_in_orders_are_refused():
    w = world()
    unpaid = place(w)
    with pytest.raises(NotAtCounter):
        _intake(w, unpaid)
    _nothing_changed(unpaid, status="placed")
    order = paid_order(w)
    _intake(w, order)
    with pytest.raises((Conflict, NotAtCounter)):
        _intake(w, order)
    assert Parcel.objects.filter(reference=order.escrow_reference).count() == 1
    assert Order.objects.get(pk=order.pk).status == "handed_over"


def test_door_orders_go_to_a_centre_serving_the_buyer_for_the_last_mile():
    w = world()
    order = paid_order(w, method="door")
    parcel = _intake(w, order).parcel
    assert parcel.delivery_method == "door"
    assert parcel.destination_centre == w.buyer_centre.organisation
