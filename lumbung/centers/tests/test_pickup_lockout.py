"""Pickup-code lockout: five wrong codes within the hour lock the parcel's code until the hour passes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from lumbung.centers.errors import PickupCodeLocked, PickupCodeWrong
from lumbung.centers.models import PickupCode
from lumbung.centers.services import pickup_hand_over

from .counter_world import world
from .test_last_mile import at_pickup, code_sent, events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _on_shelf():
    w = world()
    order, parcel = at_pickup(w)
    return w, order, parcel, code_sent(w.buyer.phone)


def _untouched(order, parcel):
    parcel.refresh_from_db()
    order.refresh_from_db()
    assert parcel.status == "ready_for_pickup" and order.status == "in_transit"
    assert PickupCode.objects.get(parcel=parcel).used_at is None


def test_five_wrong_codes_lock_the_parcel_for_the_hour_then_the_right_code_works():
    w, order, parcel, code = _on_shelf()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock, translation.override("en"):
        for _ in range(4):
            with pytest.raises(PickupCodeWrong):
                pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=_wrong(code))
            clock.shift(timedelta(minutes=1))
        # The fifth wrong code is still just wrong; it is the one that locks.
        with pytest.raises(PickupCodeWrong):
            pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=_wrong(code))

        # Locked: even the right code is refused, with the wait (the first wrong try was 4 minutes ago).
        with pytest.raises(PickupCodeLocked) as refused:
            pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=code)
        assert refused.value.status == 429
        assert refused.value.details["retry_after_minutes"] == 56
        assert "56 minutes" in str(refused.value.message)
        _untouched(order, parcel)

        clock.shift(timedelta(minutes=55))
        with pytest.raises(PickupCodeLocked) as still:
            pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=code)
        assert "1 minute." in str(still.value.message)
        _untouched(order, parcel)

        clock.shift(timedelta(minutes=1))  # an hour since the first wrong try
        with events():
            pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=code)
    parcel.refresh_from_db()
    order.refresh_from_db()
    assert parcel.status == "collected" and order.status == "delivered"


def test_wrong_codes_spread_over_more_than_an_hour_do_not_lock():
    w, _order, parcel, code = _on_shelf()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(6):
            with pytest.raises(PickupCodeWrong):
                pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=_wrong(code))
            clock.shift(timedelta(minutes=13))
        with events():
            pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=code)
    parcel.refresh_from_db()
    assert parcel.status == "collected"


def test_the_lockout_of_one_parcel_leaves_another_parcel_alone():
    w, _order, parcel, code = _on_shelf()
    for _ in range(5):
        with pytest.raises(PickupCodeWrong):
            pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=_wrong(code))
    with pytest.raises(PickupCodeLocked):
        pickup_hand_over(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel, code=code)
    _other_order, other = at_pickup(w)
    with events():
        pickup_hand_over(
            agent=w.buyer_agent, centre=w.buyer_centre, parcel=other, code=code_sent(w.buyer.phone)
        )
    other.refresh_from_db()
    assert other.status == "collected"


def test_the_parcel_desk_shows_the_lockout_and_the_wait_and_hands_nothing_over(client):
    w, order, parcel, code = _on_shelf()
    client.force_login(w.buyer_agent)
    path = f"/centres/{w.buyer_centre.public_id}/parcels/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for i in range(5):
            page = client.post(
                path, {"q": parcel.code, "action": "hand_over", "code": _wrong(code), "form_key": f"fk-w{i}"}
            )
            assert page.status_code == 200 and "That pickup code is not right" in page.content.decode()
        page = client.post(path, {"q": parcel.code, "action": "hand_over", "code": code, "form_key": "fk-r"})
        body = page.content.decode()
        assert page.status_code == 200
        assert "Too many wrong codes for this parcel. Try again in 60 minutes." in body
        _untouched(order, parcel)

        clock.shift(timedelta(minutes=60))
        page = client.post(path, {"q": parcel.code, "action": "hand_over", "code": code, "form_key": "fk-r2"})
    assert page.status_code == 302
    parcel.refresh_from_db()
    order.refresh_from_db()
    assert parcel.status == "collected" and order.status == "delivered"


def test_the_api_answers_429_with_the_wait_while_locked(client):
    w, order, parcel, code = _on_shelf()
    client.force_login(w.buyer_agent)
    path = f"/api/centers/{w.buyer_centre.public_id}/parcels/{parcel.code}/collect"

    def collect(value, key):
        return client.post(path, {"code": value}, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)

    for i in range(5):
        assert collect(_wrong(code), f"k-w{i}").json()["code"] == "pickup_code_invalid"
    locked = collect(code, "k-r")
    assert locked.status_code == 429
    assert locked.json()["code"] == "pickup_code_locked"
    assert locked.json()["details"]["retry_after_minutes"] == 60
    _untouched(order, parcel)
