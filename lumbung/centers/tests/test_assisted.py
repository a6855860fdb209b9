"""Assisted commerce: an agent acts for a villager only with their consent, and every act leaves a
receipt (a row, the audit log, an SMS when the villager has a phone)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import TestCase

from lumbung.accounts.models import AssistPurpose
from lumbung.accounts.services import (
    acting_for_record_in_person,
    villager_register_without_phone,
)
from lumbung.accounts.tests.factories import UserFactory
from lumbung.catalog.models import Product
from lumbung.catalog.tests import factories as catalog
from lumbung.centers.models import AssistedAct
from lumbung.centers.services import (
    assisted_cash_take,
    assisted_order_accept,
    assisted_order_place,
    assisted_product_list,
)
from lumbung.core.errors import Forbidden
from lumbung.core.models import AuditEntry
from lumbung.orders.models import Order

from .counter_world import outbox, paid_order, world

pytestmark = pytest.mark.django_db


def _no_phone_villager(w):
    return villager_register_without_phone(
        agent=w.buyer_agent, centre=w.buyer_centre.organisation, name="Mbah Sumi", village=w.buyer.village
    )


def _consent(w, villager, purpose=AssistPurpose.BUY, agent=None, centre=None):
    return acting_for_record_in_person(
        agent=agent or w.buyer_agent,
        villager=villager,
        purpose=purpose,
        centre=(centre or w.buyer_centre).organisation,
        consent_note="KTP checked, thumbprint on slip #12",
    )


def test_without_consent_the_agent_cannot_order_and_nothing_is_written():
    w = world()
    villager = _no_phone_villager(w)
    with pytest.raises(Forbidden):
        assisted_order_place(
            agent=w.buyer_agent,
            centre=w.buyer_centre,
            villager=villager,
            variant=w.variant,
            quantity=1,
            idempotency_key="a1",
        )
    assert not Order.objects.filter(buyer=villager).exists()
    assert not AssistedAct.objects.exists()


def test_consent_for_another_purpose_or_from_another_centre_does_not_count():
    w = world()
    villager = _no_phone_villager(w)
    _consent(w, villager, purpose=AssistPurpose.SELL)
    with pytest.raises(Forbidden):
        assisted_order_place(
            agent=w.buyer_agent,
            centre=w.buyer_centre,
            villager=villager,
            variant=w.variant,
            quantity=1,
            idempotency_key="a1",
        )
    assert not Order.objects.filter(buyer=villager).exists()


def test_assisted_order_for_a_villager_without_a_phone_picked_up_here_and_paid_in_cash():
    w = world()
    villager = _no_phone_villager(w)
    _consent(w, villager)
    act = assisted_order_place(
        agent=w.buyer_agent,
        centre=w.buyer_centre,
        villager=villager,
        variant=w.variant,
        quantity=2,
        idempotency_key="a1",
    )
    again = assisted_order_place(
        agent=w.buyer_agent,
        centre=w.buyer_centre,
        villager=villager,
        variant=w.variant,
        quantity=2,
        idempotency_key="a1",
    )
    assert again.pk == act.pk and Order.objects.filter(buyer=villager).count() == 1
    order = act.order
    assert order.assisted_by == w.buyer_agent and order.shipping_method == "pickup"
    assert order.pickup_centre == w.buyer_centre and order.commission_org == w.buyer_centre.organisation
    assert order.centre_commission > 0
    assert act.kind == "order" and act.money.amount == order.pay_total
    assert AuditEntry.objects.filter(
        action="centers.assisted_order", on_behalf_of=villager, actor=w.buyer_agent
    ).exists()
    assert not outbox(villager.phone)  # no phone: no SMS, the slip is the receipt

    with TestCase.captureOnCommitCallbacks(execute=True):
        cash = assisted_cash_take(
            agent=w.buyer_agent, centre=w.buyer_centre, villager=villager, order=order, idempotency_key="c1"
        )
    order.refresh_from_db()
    assert order.status == "paid" and cash.kind == "cash"
    assert cash.money.amount == order.pay_total


def test_a_villager_with_a_phone_gets_the_receipt_by_sms():
    w = world()
    villager = UserFactory(village=w.buyer.village)
    grant = _consent_by_code(w, villager)
    assert grant.consented_at
    act = assisted_order_place(
        agent=w.buyer_agent,
        centre=w.buyer_centre,
        villager=villager,
        variant=w.variant,
        quantity=1,
        idempotency_key="p1",
    )
    sms = outbox(villager.phone, "assisted_receipt")
    assert len(sms) == 1 and act.public_id in sms[0].body and act.order.code in sms[0].body


def _consent_by_code(w, villager):
    import re

    from lumbung.accounts.services import acting_for_confirm_code, acting_for_start

    grant = acting_for_start(
        agent=w.buyer_agent,
        villager_phone=villager.phone,
        purpose=AssistPurpose.BUY,
        centre=w.buyer_centre.organisation,
    )
    code = re.search(r"\b(\d{6})\b", outbox(villager.phone)[-1].body).group(1)
    return acting_for_confirm_code(agent=w.buyer_agent, grant=grant, code=code)


def test_accepting_an_order_for_a_seller_without_a_phone():
    w = world()
    order = paid_order(w)
    with pytest.raises(Forbidden):
        assisted_order_accept(
            agent=w.seller_agent, centre=w.seller_centre, villager=w.seller, order=order, idempotency_key="x"
        )
    order.refresh_from_db()
    assert order.status == "paid"
    w.seller.has_own_phone = False
    w.seller.save(update_fields=["has_own_phone"])
    _consent(w, w.seller, purpose=AssistPurpose.SELL, agent=w.seller_agent, centre=w.seller_centre)
    act = assisted_order_accept(
        agent=w.seller_agent, centre=w.seller_centre, villager=w.seller, order=order, idempotency_key="x"
    )
    order.refresh_from_db()
    assert order.status == "accepted" and act.kind == "accept"
    assert order.events.filter(to_status="accepted", actor=w.seller_agent, source="centre").exists()


def test_listing_a_product_for_a_villagers_shop_goes_to_the_quality_gate():
    w = world()
    w.seller.has_own_phone = False
    w.seller.save(update_fields=["has_own_phone"])
    _consent(w, w.seller, purpose=AssistPurpose.SELL, agent=w.seller_agent, centre=w.seller_centre)
    act = assisted_product_list(
        agent=w.seller_agent,
        centre=w.seller_centre,
        villager=w.seller,
        shop=w.shop,
        category=catalog.category(),
        name="Keripik singkong pedas",
        price=Decimal("15000"),
        stock=12,
        weight_grams=250,
        idempotency_key="l1",
    )
    product = Product.objects.get(public_id=act.reference.split(":")[1])
    assert product.shop == w.shop and act.kind == "listing"
    assert product.variants.get().stock == 12
    # Someone else's shop: catalog refuses, nothing listed.
    other_shop = catalog.shop()
    before = Product.objects.count()
    with pytest.raises(Forbidden):
        assisted_product_list(
            agent=w.seller_agent,
            centre=w.seller_centre,
            villager=w.seller,
            shop=other_shop,
            category=catalog.category(),
            name="Bukan milik",
            price=Decimal("1000"),
            stock=1,
            weight_grams=100,
            idempotency_key="l2",
        )
    assert Product.objects.count() == before
