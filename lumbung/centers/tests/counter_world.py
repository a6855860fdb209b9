"""A small world for counter tests: a seller's centre, a buyer's pickup centre, their agents, and
paid orders made through the real checkout and payment services (static QRIS: no gateway call)."""

from __future__ import annotations

from dataclasses import dataclass

from lumbung.accounts.models import Membership, Role
from lumbung.accounts.tests.factories import UserFactory
from lumbung.notify.models import OutboxMessage
from lumbung.orders import services as order_services
from lumbung.orders.models import Order
from lumbung.orders.tests import factories as of
from lumbung.regions.tests.factories import village

from .factories import agent_of, centre


@dataclass
class World:
    seller_centre: object
    seller_agent: object
    buyer_centre: object
    buyer_agent: object
    other_centre: object
    other_agent: object
    shop: object
    variant: object
    seller: object
    buyer: object


def world(*, weight: int = 500, price: str = "25000", stock: int = 20) -> World:
    shop, variant = of.shop_with_variant(price=price, weight=weight, stock=stock)
    seller_centre = centre(village=shop.village, name="Pusat Layanan Wonorejo")
    buyer_home = village(province="35", province_name="Jawa Timur", regency="35.73")
    buyer = UserFactory(village=buyer_home)
    buyer_centre = centre(village=buyer_home, name="Pusat Layanan Tlogomas")
    other_centre = centre(name="Pusat Layanan Lain")
    seller = Membership.objects.filter(organisation=shop.organisation, role=Role.OWNER).first().user
    return World(
        seller_centre=seller_centre,
        seller_agent=agent_of(seller_centre),
        buyer_centre=buyer_centre,
        buyer_agent=agent_of(buyer_centre),
        other_centre=other_centre,
        other_agent=agent_of(other_centre),
        shop=shop,
        variant=variant,
        seller=seller,
        buyer=buyer,
    )


def place(
    w: World, *, quantity: int = 2, method: str = "pickup", buyer=None, key: str | None = None
) -> Order:
    buyer = buyer or w.buyer
    cart = of.cart_with(buyer, (w.variant, quantity))
    result = order_services.checkout_place(
        actor=buyer,
        buyer=buyer,
        cart=cart,
        address=of.address(buyer),
        shipping_method=method,
        payment_method="qris",
        idempotency_key=key or f"k-{buyer.pk}-{Order.objects.count()}",
        pickup_centre=w.buyer_centre if method == "pickup" else None,
    )
    return result.orders[0]


def paid_order(w: World, **kwargs) -> Order:
    order = place(w, **kwargs)
    of.pay(order)
    order.refresh_from_db()
    assert order.status == "paid"
    return order


def outbox(phone: str, template: str | None = None) -> list[OutboxMessage]:
    qs = OutboxMessage.objects.filter(to=phone)
    if template:
        qs = qs.filter(template=template)
    return list(qs.order_by("pk"))
