"""Counter pages: what each person sees, and refusals that change nothing (no JavaScript needed)."""

from __future__ import annotations

import re

import pytest
from django.test import TestCase

from lumbung.accounts.models import AssistPurpose
from lumbung.accounts.services import acting_for_record_in_person, villager_register_without_phone
from lumbung.accounts.tests.factories import UserFactory
from lumbung.centers.models import AssistedAct, DropOff, PickupCode
from lumbung.centers.services import drop_off_intake, parcel_arrive
from lumbung.logistics.models import Parcel
from lumbung.logistics.services import parcel_set_status
from lumbung.orders.models import Order

from .counter_world import outbox, paid_order, world
from .factories import platform_admin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """Read the pages in English (the source strings), whatever the catalogs hold."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


PEOPLE = ["anonymous", "agent", "other_agent", "buyer", "other_buyer", "staff"]


@pytest.fixture
def w():
    w = world()
    w.people = {
        "anonymous": None,
        "agent": w.seller_agent,
        "other_agent": w.other_agent,
        "buyer": w.buyer,
        "other_buyer": UserFactory(),
        "staff": UserFactory(is_staff=True),
        "admin": platform_admin(),
    }
    return w


def as_(client, w, who):
    if w.people[who] is not None:
        client.force_login(w.people[who])
    return client


def events():
    return TestCase.captureOnCommitCallbacks(execute=True)


GET_PAGES = ["counter", "intake", "parcels", "assist", "commission"]


def _path(w, page):
    c = w.seller_centre.public_id
    return {
        "counter": f"/centres/{c}/counter/",
        "intake": f"/centres/{c}/intake/",
        "parcels": f"/centres/{c}/parcels/",
        "assist": f"/centres/{c}/assist/",
        "commission": f"/centres/{c}/commission/",
    }[page]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("page", GET_PAGES)
def test_counter_pages_permission_matrix(client, w, who, page):
    response = as_(client, w, who).get(_path(w, page))
    expected = {"anonymous": 302, "agent": 200}.get(who, 403)
    assert response.status_code == expected
    if expected == 200:
        assert w.seller_centre.name in response.content.decode()


def test_console_link_goes_to_my_centres_counter(client, w):
    response = as_(client, w, "agent").get("/centres/console/")
    assert response.status_code == 302 and response["Location"] == _path(w, "counter")
    assert as_(client, w, "buyer").get("/centres/console/").status_code == 403


@pytest.mark.parametrize("who", PEOPLE)
def test_intake_post_matrix_changes_nothing_on_refusal(client, w, who):
    order = paid_order(w)
    data = {
        "order": order.public_id,
        "weight_grams": order.weight_grams,
        "items_counted": 2,
        "count_ok": "on",
        "condition_ok": "on",
        "standards_ok": "on",
        "form_key": f"fk-{who}",
        "decision": "accept",
    }
    response = as_(client, w, who).post(_path(w, "intake"), data)
    order.refresh_from_db()
    if who == "agent":
        assert response.status_code == 302
        assert order.status == "handed_over" and DropOff.objects.filter(order=order).count() == 1
        # The same form sent again (double tap) acts once.
        again = client.post(_path(w, "intake"), data)
        assert (
            again.status_code == 302 and Parcel.objects.filter(reference=order.escrow_reference).count() == 1
        )
    else:
        assert response.status_code == (302 if who == "anonymous" else 403)
        assert order.status == "paid" and not DropOff.objects.exists()


def test_intake_page_flags_a_far_off_weight_and_finds_by_code(client, w):
    order = paid_order(w)
    as_(client, w, "agent")
    found = client.get(_path(w, "intake"), {"q": order.code.lower()})
    assert order.code in found.content.decode() and 'name="weight_grams"' in found.content.decode()
    data = {
        "order": order.public_id,
        "weight_grams": order.weight_grams * 3,
        "items_counted": 2,
        "count_ok": "on",
        "condition_ok": "on",
        "standards_ok": "on",
        "form_key": "fk-far",
        "decision": "accept",
    }
    response = client.post(_path(w, "intake"), data)
    assert response.status_code == 200 and "declares" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "paid"
    response = client.post(_path(w, "intake"), {**data, "form_key": "fk-far-2", "weight_confirmed": "on"})
    assert response.status_code == 302
    assert DropOff.objects.get(order=order).weight_flagged


def test_another_centres_order_is_refused_on_the_page(client, w):
    order = paid_order(w)
    client.force_login(w.other_agent)
    response = client.get(f"/centres/{w.other_centre.public_id}/intake/", {"q": order.code})
    assert "another service centre" in response.content.decode()
    data = {
        "order": order.public_id,
        "weight_grams": order.weight_grams,
        "items_counted": 2,
        "count_ok": "on",
        "condition_ok": "on",
        "standards_ok": "on",
        "form_key": "fk-o",
        "decision": "accept",
    }
    response = client.post(f"/centres/{w.other_centre.public_id}/intake/", data)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "paid" and not DropOff.objects.exists()


def _on_shelf(w):
    order = paid_order(w)
    with events():
        parcel = drop_off_intake(
            agent=w.seller_agent,
            centre=w.seller_centre,
            order=order,
            weight_grams=order.weight_grams,
            items_counted=2,
            count_ok=True,
            condition_ok=True,
            standards_ok=True,
            accept=True,
        ).parcel
    for to in ("batched", "handed_to_carrier", "in_transit"):
        with events():
            parcel = parcel_set_status(parcel=parcel, to=to, source="carrier")
    with events():
        parcel_arrive(agent=w.buyer_agent, centre=w.buyer_centre, parcel=parcel)
    code = re.search(r"\b(\d{6})\b", outbox(w.buyer.phone, "pickup_code")[-1].body).group(1)
    return order, parcel, code


@pytest.mark.parametrize("who", ["seller_agent", "other_agent", "buyer_agent"])
def test_hand_over_page_only_at_the_pickup_centre_with_the_right_code(client, w, who):
    order, parcel, code = _on_shelf(w)
    agent = getattr(w, who)
    centre = {"seller_agent": w.seller_centre, "other_agent": w.other_centre, "buyer_agent": w.buyer_centre}[
        who
    ]
    client.force_login(agent)
    path = f"/centres/{centre.public_id}/parcels/"
    response = client.post(path, {"q": parcel.code, "action": "hand_over", "code": code, "form_key": "fk-h"})
    parcel.refresh_from_db()
    order.refresh_from_db()
    if who == "buyer_agent":
        assert response.status_code == 302
        assert parcel.status == "collected" and order.status == "delivered"
        reused = client.post(
            path, {"q": parcel.code, "action": "hand_over", "code": code, "form_key": "fk-h2"}
        )
        assert reused.status_code == 200
    else:
        assert response.status_code == 200 and "Nothing was changed" in response.content.decode()
        assert parcel.status == "ready_for_pickup" and order.status == "in_transit"
        assert PickupCode.objects.get(parcel=parcel).used_at is None


def test_buyer_sees_only_their_own_pickups(client, w):
    order, parcel, _code = _on_shelf(w)
    mine = as_(client, w, "buyer").get("/centres/pickups/mine/").content.decode()
    assert order.code in mine and parcel.code in mine
    client.logout()
    theirs = as_(client, w, "other_buyer").get("/centres/pickups/mine/").content.decode()
    assert order.code not in theirs
    assert as_(client, w, "anonymous").get("/centres/pickups/mine/").status_code in (200, 302)


def test_assisting_without_consent_is_refused_on_the_page_and_nothing_changes(client, w):
    client.force_login(w.buyer_agent)
    villager = villager_register_without_phone(
        agent=w.buyer_agent, centre=w.buyer_centre.organisation, name="Mbah Karto", village=w.buyer.village
    )
    path = f"/centres/{w.buyer_centre.public_id}/assist/{villager.public_id}/"
    page = client.get(path, {"q": "x"}).content.decode()
    assert "Record consent" in page
    response = client.post(
        path, {"action": "order", "variant": w.variant.public_id, "quantity": 1, "form_key": "fk-a"}
    )
    assert response.status_code == 200 and "consent" in response.content.decode()
    assert not Order.objects.filter(buyer=villager).exists() and not AssistedAct.objects.exists()
    # With consent recorded in person, the same act goes through and prints a slip.
    acting_for_record_in_person(
        agent=w.buyer_agent,
        villager=villager,
        purpose=AssistPurpose.BUY,
        centre=w.buyer_centre.organisation,
        consent_note="KTP checked, thumbprint on slip #7",
    )
    response = client.post(
        path, {"action": "order", "variant": w.variant.public_id, "quantity": 1, "form_key": "fk-b"}
    )
    assert response.status_code == 302
    slip = client.get(response["Location"]).content.decode()
    assert "Mbah Karto" in slip and "@media print" in slip
    # Another centre's agent cannot open the villager's page at this centre.
    client.force_login(w.other_agent)
    assert client.get(path).status_code == 403
