"""Browser: Rural Taobao at the counter, with JavaScript off (a cheap phone on a bad link).

An agent registers a villager who has no phone, records their consent in person, finds a product
in the catalogue and orders it for them (pickup at this centre, cash), prints the slip, takes the
cash; then the seller's agent takes in the goods of that paid order at the seller's centre and the
parcel is made.
"""

from __future__ import annotations

import pytest

from lumbung.centers.models import AssistedAct, DropOff
from lumbung.logistics.models import Parcel
from lumbung.orders.models import Order
from lumbung.web.testing import browser_login

from .counter_world import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_assisted_order_paid_in_cash_then_dropped_off_by_the_seller(live_server, new_page):
    w = world()
    base = live_server.url
    agent = new_page(javascript=False, locale="en-US")
    browser_login(agent, live_server, w.buyer_agent)

    # The counter console opens from the home page's link.
    agent.goto(f"{base}/centres/console/")
    assert w.buyer_centre.name in agent.locator("h1").inner_text()

    # A villager without a phone: register, then consent in person.
    agent.goto(f"{base}/centres/{w.buyer_centre.public_id}/assist/")
    agent.fill("input[name=n-name]", "Mbah Sumi")
    _submit(agent, "form:has(input[name=n-name]) button")
    assert agent.locator("h1").inner_text() == "Mbah Sumi"
    assert agent.locator("#consent-buy").inner_text() == "no"
    agent.select_option("select[name=c-purpose]", "buy")
    agent.fill("input[name=c-consent_note]", "KTP checked, thumbprint on slip #41")
    _submit(agent, "form:has(input[name=c-consent_note]) button")
    assert agent.locator("#consent-buy").inner_text() == "yes"

    # Find the product and order it for her: pickup here, cash.
    agent.fill("input[name=q]", w.variant.product.name())
    _submit(agent, "form:has(input[name=q]) button")
    agent.fill("form:has(input[value=order]) input[name=quantity]", "2")
    _submit(agent, "form:has(input[value=order]) button")
    assert "Mbah Sumi" in agent.locator("#slip-villager").inner_text()
    order = Order.objects.get(buyer__name="Mbah Sumi")
    assert order.code in agent.locator("#slip-summary").inner_text()
    assert order.assisted_by == w.buyer_agent and order.pickup_centre == w.buyer_centre
    assert order.status == "placed"

    # Back to her page: count the cash and take it.
    agent.goto(f"{base}/centres/{w.buyer_centre.public_id}/assist/{order.buyer.public_id}/")
    _submit(agent, "form:has(input[value=cash]) button")
    assert "Cash" in agent.locator("#slip-summary").inner_text()
    order.refresh_from_db()
    assert order.status == "paid"
    assert list(AssistedAct.objects.filter(order=order).values_list("kind", flat=True).order_by("pk")) == [
        "order",
        "cash",
    ]

    # The seller brings the goods to their own centre; its agent takes them in.
    seller_desk = new_page(javascript=False, locale="en-US")
    browser_login(seller_desk, live_server, w.seller_agent)
    seller_desk.goto(f"{base}/centres/{w.seller_centre.public_id}/intake/")
    seller_desk.fill("input[name=q]", order.code)
    _submit(seller_desk, "form[method=get] button")
    seller_desk.fill("input[name=weight_grams]", str(order.weight_grams + 20))
    for box in ("count_ok", "condition_ok", "standards_ok"):
        seller_desk.check(f"input[name={box}]")
    _submit(seller_desk, "button[value=accept]")
    order.refresh_from_db()
    parcel = Parcel.objects.get(reference=order.escrow_reference)
    assert order.status == "handed_over"
    assert parcel.status == "accepted_at_centre" and parcel.destination_centre == w.buyer_centre.organisation
    assert parcel.code in seller_desk.locator("body").inner_text()
    assert DropOff.objects.get(order=order).outcome == "accepted"
