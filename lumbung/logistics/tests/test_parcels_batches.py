from __future__ import annotations

import pytest

from lumbung.core import events
from lumbung.core.errors import DomainError, Forbidden, ValidationFailed
from lumbung.logistics.models import Batch, BatchStatus, Parcel, ParcelEvent
from lumbung.logistics.services import (
    PARCEL_STATUS_CHANGED,
    IllegalBatchMove,
    Party,
    batch_add_parcels,
    batch_close,
    batch_create,
    batch_hand_over,
    batch_remove_parcel,
    batch_reopen,
    parcel_collect,
    parcel_create,
    parcel_intake,
    parcel_ready_for_pickup,
    parcel_receive_at_centre,
)
from lumbung.regions.tests.factories import village

from .factories import CarrierFactory, agent_of, centre_org, courier_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    received = []

    def handler(**payload):
        received.append(payload)

    events.on(PARCEL_STATUS_CHANGED)(handler)
    yield received
    events._handlers[PARCEL_STATUS_CHANGED].remove(handler)


def test_intake_weighs_and_accepts_and_higher_apps_hear_of_it(
    make_parcel, agent, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        parcel = make_parcel(reference="order:ABC")
    assert (parcel.status, parcel.measured_weight_g, parcel.weight_g) == ("accepted_at_centre", 1620, 1620)
    assert parcel.code.startswith("LBG-") and len(parcel.code) == 11
    assert [(h["reference"], h["previous"], h["status"]) for h in heard] == [
        ("order:ABC", "", "created"),
        ("order:ABC", "created", "accepted_at_centre"),
    ]
    event = ParcelEvent.objects.filter(parcel=parcel).last()
    assert (event.from_status, event.to_status, event.actor, event.source) == (
        "created",
        "accepted_at_centre",
        agent,
        "centre",
    )


def test_a_refused_drop_off_needs_a_reason_and_then_ends_there(make_parcel, agent):
    parcel = make_parcel(accepted=False)
    with pytest.raises(ValidationFailed):
        parcel_intake(parcel=parcel, actor=agent, measured_weight_g=900, accept=False)
    assert Parcel.objects.get(pk=parcel.pk).status == "created"
    parcel = parcel_intake(parcel=parcel, actor=agent, measured_weight_g=900, accept=False, reason="Bocor")
    assert parcel.status == "refused"
    with pytest.raises(DomainError):
        parcel_intake(parcel=parcel, actor=agent, measured_weight_g=900)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"declared_weight_g": 0}, "declared_weight_g"),
        ({"declared_weight_g": 2_000_000}, "declared_weight_g"),
        ({"dimensions_cm": (10, 0, 5)}, "dimensions_cm"),
        ({"delivery_method": "pickup"}, "destination_centre"),
        ({"service_level": "teleport"}, "service_level"),
    ],
)
def test_bad_parcels_are_refused_and_nothing_is_saved(centre, agent, changes, field):
    args = {
        "origin_centre": centre,
        "sender": Party(name="Sari", phone="", village=centre.village),
        "recipient": Party(name="Budi", phone="+628120000", village=village()),
        "declared_weight_g": 1000,
        "actor": agent,
        **changes,
    }
    with pytest.raises(ValidationFailed) as info:
        parcel_create(**args)
    assert info.value.details["field"] == field
    assert Parcel.objects.count() == 0


def test_an_agent_of_another_centre_cannot_take_in_or_batch_our_parcels(make_parcel, carrier):
    parcel = make_parcel(accepted=False)
    stranger = agent_of(centre_org())
    with pytest.raises(Forbidden):
        parcel_intake(parcel=parcel, actor=stranger, measured_weight_g=1000)
    with pytest.raises(Forbidden):
        batch_create(origin_centre=parcel.origin_centre, carrier=carrier, actor=stranger)
    assert Parcel.objects.get(pk=parcel.pk).status == "created"
    assert Batch.objects.count() == 0


def test_batch_from_counter_to_courier(make_parcel, agent, carrier, courier):
    first, second = make_parcel(), make_parcel()
    batch = batch_create(origin_centre=first.origin_centre, carrier=carrier, actor=agent)
    batch_add_parcels(batch=batch, parcels=[first, second], actor=agent)
    assert set(Parcel.objects.values_list("status", flat=True)) == {"batched"}
    batch_remove_parcel(batch=batch, parcel=second, actor=agent)
    assert Parcel.objects.get(pk=second.pk).status == "accepted_at_centre"

    with pytest.raises(IllegalBatchMove):
        batch_hand_over(batch=batch, courier=courier)  # still open
    batch = batch_close(batch=batch, actor=agent)
    batch = batch_reopen(batch=batch, actor=agent)
    batch = batch_close(batch=batch, actor=agent)

    result = batch_hand_over(batch=batch, courier=courier)
    assert not result.already_done and "1" in result.message
    assert Parcel.objects.get(pk=first.pk).status == "handed_to_carrier"
    assert Parcel.objects.get(pk=second.pk).status == "accepted_at_centre"
    events_before = ParcelEvent.objects.count()

    again = batch_hand_over(batch=batch, courier=courier)
    assert again.already_done
    assert "already handed over" in again.message.lower() or batch.code in again.message
    assert ParcelEvent.objects.count() == events_before
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.HANDED_OVER


def test_only_the_carriers_courier_confirms_a_handover(make_parcel, agent, carrier, centre):
    parcel = make_parcel()
    batch = batch_create(origin_centre=centre, carrier=carrier, actor=agent)
    batch_add_parcels(batch=batch, parcels=[parcel], actor=agent)
    batch_close(batch=batch, actor=agent)
    other_courier = courier_of(CarrierFactory())
    for person in (agent, other_courier):
        with pytest.raises(Forbidden):
            batch_hand_over(batch=batch, courier=person)
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.CLOSED
    assert Parcel.objects.get(pk=parcel.pk).status == "batched"


def test_a_batch_takes_only_accepted_parcels_of_its_centre_and_hub(make_parcel, agent, carrier, centre):
    waiting = make_parcel(accepted=False)
    theirs_centre = centre_org()
    theirs = make_parcel()
    Parcel.objects.filter(pk=theirs.pk).update(origin_centre=theirs_centre)
    elsewhere = make_parcel(recipient_village=village(province="51", province_name="Bali"))
    hub = village(province="35", province_name="Jawa Timur").parent.parent.parent  # the province
    batch = batch_create(origin_centre=centre, carrier=carrier, actor=agent, destination_area=hub)
    for parcel in (waiting, theirs, elsewhere):
        with pytest.raises(ValidationFailed):
            batch_add_parcels(batch=batch, parcels=[parcel], actor=agent)
    assert not Parcel.objects.filter(batch=batch).exists()
    with pytest.raises(ValidationFailed):
        batch_close(batch=batch, actor=agent)  # empty


def test_pickup_at_the_destination_centre(make_parcel, agent):
    bora = centre_org(name="Pusat Layanan Bora")
    bora_agent = agent_of(bora)
    parcel = make_parcel(destination_centre=bora)
    for status in ("batched", "handed_to_carrier", "in_transit"):
        from lumbung.logistics.services import parcel_set_status

        parcel_set_status(parcel=parcel, to=status, source="test")
    with pytest.raises(Forbidden):
        parcel_receive_at_centre(parcel=parcel, actor=agent_of(centre_org()))
    parcel_receive_at_centre(parcel=parcel, actor=bora_agent)
    parcel_ready_for_pickup(parcel=parcel, actor=bora_agent)
    parcel_collect(parcel=parcel, actor=bora_agent)
    assert Parcel.objects.get(pk=parcel.pk).status == "collected"
