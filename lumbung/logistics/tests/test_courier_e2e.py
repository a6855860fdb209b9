"""End to end through a real ``lumbung sandbox courier`` process and a live server: nothing here
patches the adapter or the HTTP client. The adapter finds the sandbox only through
``LUMBUNG_BITESHIP_BASE_URL``; the sandbox calls our webhook over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from lumbung.core.money import Money
from lumbung.core.sandbox import SandboxProcess, wait_for
from lumbung.logistics import biteship, conf
from lumbung.logistics.models import Parcel, ParcelEvent, Shipment, TrackingEvent
from lumbung.logistics.services import (
    batch_add_parcels,
    batch_close,
    batch_create,
    batch_hand_over,
    carrier_quotes,
    shipments_book_pending,
    tracking_refresh,
)
from lumbung.regions.tests.factories import village

from .factories import CarrierFactory, courier_of

WEBHOOK = "/logistics/biteship/webhook"


class Sandbox:
    def __init__(self, url: str) -> None:
        self.url = url

    def control(self, path: str, **payload) -> dict:
        response = requests.post(f"{self.url}/_sandbox/{path}", json=payload, timeout=30)
        response.raise_for_status()
        return response.json()

    def orders(self) -> list[dict]:
        return requests.get(f"{self.url}/_sandbox/orders", timeout=5).json()["orders"]


@pytest.fixture
def courier_sandbox(live_server, settings):
    """Start ``lumbung sandbox courier`` with ``*args`` pointed at this live server's webhook."""
    processes = []

    def start(*args: str) -> Sandbox:
        process = SandboxProcess(
            "courier",
            "--callback-url",
            f"{live_server.url}{WEBHOOK}",
            "--secret",
            conf.SANDBOX_WEBHOOK_SECRET,
            *args,
        ).start()
        processes.append(process)
        settings.LUMBUNG_BITESHIP_BASE_URL = process.url
        settings.LUMBUNG_BITESHIP_API_KEY = conf.SANDBOX_API_KEY
        settings.LUMBUNG_BITESHIP_WEBHOOK_SECRET = conf.SANDBOX_WEBHOOK_SECRET
        return Sandbox(process.url)

    yield start
    for process in processes:
        process.stop()


@pytest.fixture
def handed_over(make_parcel, agent, centre):
    """Close a batch of ``parcels`` with a Biteship carrier (booking happens as the close commits)."""

    def run(parcels):
        carrier = CarrierFactory(adapter="biteship", courier_code="jne", courier_type="reg")
        batch = batch_create(origin_centre=centre, carrier=carrier, actor=agent)
        batch_add_parcels(batch=batch, parcels=parcels, actor=agent)
        batch_close(batch=batch, actor=agent)  # no transaction open: booking runs on commit, now
        batch_hand_over(batch=batch, courier=courier_of(carrier))
        return carrier

    return run


def status_of(parcel) -> str:
    return Parcel.objects.get(pk=parcel.pk).status


@pytest.mark.django_db(transaction=True)
def test_a_parcel_travels_step_by_step_and_replays_change_nothing(courier_sandbox, handed_over, make_parcel):
    sandbox = courier_sandbox("--set", "step_seconds=0")  # manual: we push each step
    parcel = make_parcel()
    handed_over([parcel])
    shipment = Shipment.objects.get(parcel=parcel)
    assert shipment.state == "booked" and shipment.waybill_id.startswith("WYB-JNE-")
    (order,) = sandbox.orders()
    assert order["id"] == shipment.carrier_order_id and order["reference_id"] == parcel.code
    assert status_of(parcel) == "handed_to_carrier"

    seen = []
    for _ in range(5):  # allocated, picking_up, picked, dropping_off, delivered
        step = sandbox.control(f"orders/{shipment.carrier_order_id}/advance")["step"]
        assert step["callback_status"] == 200
        seen.append(status_of(parcel))
    assert seen == ["handed_to_carrier", "handed_to_carrier", "in_transit", "out_for_delivery", "delivered"]

    parcel_events = ParcelEvent.objects.filter(parcel=parcel).count()
    tracking_events = TrackingEvent.objects.filter(shipment=shipment).count()
    replay = sandbox.control(f"orders/{shipment.carrier_order_id}/replay", order="reverse", times=2)
    assert set(replay["callback_statuses"]) == {200}
    assert status_of(parcel) == "delivered"
    assert ParcelEvent.objects.filter(parcel=parcel).count() == parcel_events
    # The replay also sent "confirmed", which no webhook had carried before: stored, late, ignored.
    assert tracking_events == 5
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 6
    confirmed = TrackingEvent.objects.get(shipment=shipment, carrier_status="confirmed")
    assert (confirmed.applied_status, confirmed.ignored_reason) == ("", "older_than_last_event")

    # Polling the tracking API finds the same events under the same ids: nothing new.
    assert tracking_refresh(shipment=Shipment.objects.get(pk=shipment.pk)) == 0
    assert status_of(parcel) == "delivered"


@pytest.mark.django_db(transaction=True)
def test_lost_and_failed_parcels_on_their_own_with_duplicate_webhooks(
    courier_sandbox, handed_over, make_parcel
):
    courier_sandbox("--set", "step_seconds=0.05", "--set", "duplicates=1")
    lost = make_parcel(contents="Kopi [lost]")
    failed = make_parcel(contents="Madu [failed]")
    fine = make_parcel(contents="Kacang mete")
    handed_over([lost, failed, fine])
    assert wait_for(lambda: status_of(lost) == "lost"), status_of(lost)
    assert wait_for(lambda: status_of(failed) == "returned"), status_of(failed)
    assert wait_for(lambda: status_of(fine) == "delivered"), status_of(fine)
    failed_path = list(
        ParcelEvent.objects.filter(parcel=failed).order_by("pk").values_list("to_status", flat=True)
    )
    assert failed_path[-4:] == ["out_for_delivery", "failed_delivery", "returning", "returned"]
    # Every webhook came twice; each event is stored once.
    for parcel, steps in ((lost, 5), (failed, 7), (fine, 5)):
        assert TrackingEvent.objects.filter(shipment__parcel=parcel).count() == steps


@pytest.mark.django_db(transaction=True)
def test_an_outage_leaves_the_booking_for_the_retry_job(courier_sandbox, handed_over, make_parcel):
    sandbox = courier_sandbox("--set", "step_seconds=0")
    sandbox.control("fail", count=1)
    parcel = make_parcel()
    handed_over([parcel])
    shipment = Shipment.objects.get(parcel=parcel)
    assert shipment.state == "pending" and "503" in shipment.last_error
    assert sandbox.orders() == []
    assert shipments_book_pending() == 1
    assert Shipment.objects.get(parcel=parcel).state == "booked"
    assert len(sandbox.orders()) == 1
    assert shipments_book_pending() == 0  # nothing left: never booked twice


@pytest.mark.django_db(transaction=True)
def test_carrier_quotes_come_from_the_rates_endpoint(courier_sandbox, settings):
    courier_sandbox("--set", "step_seconds=0")
    CarrierFactory(adapter="biteship", courier_code="jne", name="JNE")
    CarrierFactory(adapter="biteship", courier_code="anteraja", name="AnterAja")
    origin = village(province="72", regency="72.10")
    destination = village(province="35", province_name="Jawa Timur")
    quotes = carrier_quotes(origin=origin, destination=destination, weight_grams=1500)
    assert [q.price.amount for q in quotes] == sorted(q.price.amount for q in quotes)
    assert {(q.carrier.name, q.service_code) for q in quotes} == {
        ("JNE", "reg"),
        ("JNE", "yes"),
        ("AnterAja", "reg"),
    }
    assert all(q.price.currency == "IDR" and q.price.amount > 0 for q in quotes)
    # Volumetric weight counts: a light but bulky box costs more than its scale weight.
    bulky = carrier_quotes(
        origin=origin, destination=destination, weight_grams=1500, dimensions_cm=(60, 50, 40)
    )
    assert min(q.price.amount for q in bulky) > min(q.price.amount for q in quotes)
    # Cash on delivery: only couriers that collect cash are offered.
    cod = carrier_quotes(
        origin=origin, destination=destination, weight_grams=1500, cod_amount=Money(Decimal(100000), "IDR")
    )
    assert {q.carrier.name for q in cod} == {"JNE"}

    settings.LUMBUNG_BITESHIP_API_KEY = "biteship_live.wrong"
    with pytest.raises(biteship.CarrierRefused) as info:
        carrier_quotes(origin=origin, destination=destination, weight_grams=1500)
    assert info.value.details["http_status"] == 401
