"""Builders for after-sales tests: a paid, delivered order picked up at a centre (so the centre earns
commission and mediates), its seller, an agent of that centre, strangers, photos with EXIF."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

from PIL import Image

from lumbung.accounts.models import Membership, Role
from lumbung.aftersales import services
from lumbung.orders import services as order_services
from lumbung.orders.models import Order
from lumbung.orders.tests import factories as of

_seq = itertools.count(1)


@dataclass
class World:
    order: Order
    buyer: object
    seller: object
    centre: object
    agent: object


def agent_of(centre):
    from lumbung.accounts.tests.factories import UserFactory

    user = UserFactory()
    Membership.objects.create(user=user, organisation=centre.organisation, role=Role.CENTRE_AGENT)
    return user


def delivered_order(*, price="100000", quantity=1, items=1, pickup=True, complete=False) -> World:
    """A paid order picked up at (or delivered by) a centre serving the buyer's village, delivered."""
    buyer = of.buyer()
    centre = of.centre(buyer.village)
    lines = []
    shop = None
    for _ in range(items):
        if shop is None:
            shop, variant = of.shop_with_variant(price=price, stock=50)
        else:
            from lumbung.catalog.tests import factories as catalog

            n = next(_seq)
            product = catalog.product(
                shop_=shop,
                variants=[
                    {"sku": f"AS-{n}", "label": "1 kg", "price": price, "stock": 50, "weight_grams": 500}
                ],
            )
            variant = product.variants.get()
        lines.append((variant, quantity))
    cart = of.cart_with(buyer, *lines)
    order = order_services.checkout_place(
        actor=buyer,
        buyer=buyer,
        cart=cart,
        address=of.address(buyer),
        shipping_method="pickup" if pickup else "door",
        pickup_centre=centre if pickup else None,
        payment_method="qris",
        idempotency_key=f"as-{next(_seq)}",
    ).orders[0]
    of.pay(order)
    seller = of.seller_of(order)
    order_services.order_accept(order=order, actor=seller)
    order_services.order_mark_delivered(order=order, actor=seller)
    if complete:
        order_services.order_complete(order=order, actor=buyer)
    order.refresh_from_db()
    return World(order=order, buyer=buyer, seller=seller, centre=centre, agent=agent_of(centre))


def open_case(world: World, *, kind="complaint", reason="Kacangnya basi dan berjamur", **kwargs):
    return services.case_open(actor=world.buyer, order=world.order, kind=kind, reason=reason, **kwargs)


def jpeg_with_gps(size=(1600, 1200)) -> io.BytesIO:
    """A camera-like JPEG carrying EXIF with a GPS block and a camera serial."""
    image = Image.new("RGB", size, (200, 120, 40))
    for x in range(0, size[0], 40):
        for y in range(0, size[1], 40):
            image.putpixel((x, y), (x % 255, y % 255, 90))
    exif = Image.Exif()
    exif[0x010F] = "KameraDesa"  # Make
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (7.0, 15.0, 30.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    buffer.seek(0)
    buffer.name = "bukti.jpg"
    return buffer


def other_seller():
    shop, _variant = of.shop_with_variant()
    return Membership.objects.filter(organisation=shop.organisation, role=Role.OWNER).first().user
