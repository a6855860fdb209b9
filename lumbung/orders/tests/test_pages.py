"""Pages without JavaScript: cart (anonymous, merged at login), checkout with the village picker and a
double submit, the order's timeline in the buyer's zone, the seller's incoming orders, the review form."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lumbung.catalog.services import variant_update
from lumbung.catalog.tests.factories import owner_of
from lumbung.orders import services
from lumbung.orders.models import CartLine, Order, Review
from lumbung.orders.states import OrderStatus

from . import factories as f

pytestmark = pytest.mark.django_db


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_anonymous_cart_follows_the_visitor_into_their_account():
    _shop, variant = f.shop_with_variant(stock=5)
    client = Client()
    response = client.post(reverse("orders:cart_add"), {"variant": variant.public_id, "quantity": 2})
    assert response.status_code == 302
    assert "250" not in client.get(reverse("orders:cart")).content.decode()  # the page renders
    buyer = f.buyer()
    f.cart_with(buyer, (variant, 1))
    client.force_login(buyer)  # keeps the session, as a real login does
    page = client.get(reverse("orders:cart")).content.decode()
    assert CartLine.objects.get(cart__user=buyer).quantity == 3
    assert variant.product.name() in page


def test_quantity_above_stock_on_the_add_page_shows_the_error_and_adds_nothing():
    _shop, variant = f.shop_with_variant(stock=2)
    response = Client().post(reverse("orders:cart_add"), {"variant": variant.public_id, "quantity": 3})
    assert response.status_code == 422
    assert "2" in response.content.decode() and not CartLine.objects.exists()


def _checkout_data(buyer, key):
    village = buyer.village
    return {
        "form_key": key,
        "province": village.province_code,
        "regency": village.regency_code,
        "district": village.district_code,
        "village": village.code,
        "street": "Jl. Kenari 3",
        "postcode": "94111",
        "shipping_method": "door",
        "payment_method": "qris",
    }


def test_checkout_page_places_the_order_once_however_often_it_is_submitted():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    f.cart_with(buyer, (variant, 2))
    client = _logged_in(buyer)
    page = client.get(reverse("orders:checkout"))
    assert page.status_code == 200 and 'name="province"' in page.content.decode()
    data = _checkout_data(buyer, "form-key-1")
    first = client.post(reverse("orders:checkout"), data)
    order = Order.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("orders:detail", args=[order.public_id])
    f.cart_with(buyer, (variant, 1))  # something new in the cart must not be bought by the replay
    again = client.post(reverse("orders:checkout"), data)
    assert again["Location"] == first["Location"]
    assert Order.objects.count() == 1 and f.stock(variant) == 3


def test_checkout_page_shows_a_changed_price_and_charges_nothing_until_accepted():
    buyer = f.buyer()
    shop, variant = f.shop_with_variant(price="25000", stock=5)
    f.cart_with(buyer, (variant, 1))
    variant_update(actor=owner_of(shop), variant=variant, price="26000")
    client = _logged_in(buyer)
    response = client.post(reverse("orders:checkout"), _checkout_data(buyer, "k-a"))
    assert response.status_code == 422
    assert "Rp26.000" in response.content.decode() and "Rp25.000" in response.content.decode()
    assert not Order.objects.exists()
    client.post(reverse("orders:cart"), {"action": "confirm_prices"})
    assert client.post(reverse("orders:checkout"), _checkout_data(buyer, "k-b")).status_code == 302
    assert Order.objects.get().subtotal == 26000


def test_a_wrong_postcode_is_shown_on_the_form_and_nothing_is_saved():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    f.cart_with(buyer, (variant, 1))
    data = {**_checkout_data(buyer, "k-c"), "postcode": "10110"}
    response = _logged_in(buyer).post(reverse("orders:checkout"), data)
    assert response.status_code == 422 and "10110" in response.content.decode()
    assert not Order.objects.exists() and f.stock(variant) == 5


def test_a_buyer_in_china_checks_out_a_bainiu_shop_for_pickup_at_her_county_centre():
    """Rural Taobao within China: her county is offered and chosen, its centre listed, the order in yuan."""
    from lumbung.regions.tests.factories import china_county

    f.cny_rate()
    _shop, variant = f.shop_with_variant(price="45", currency="CNY", stock=5)  # Lin'an
    xihu = china_county(county=("330106", "西湖区"))
    buyer = f.buyer(village=xihu)
    centre = f.centre(xihu)
    f.cart_with(buyer, (variant, 2))
    client = _logged_in(buyer)
    page = client.get(reverse("orders:checkout")).content.decode()
    assert f'<option value="{xihu.code}" selected>' in page
    assert f'name="pickup_centre" value="{centre.organisation.public_id}"' in page
    data = {
        "form_key": "k-cn",
        "province": xihu.province_code,
        "regency": xihu.parent.code,
        "district": xihu.code,
        "street": "文三路 90 号",
        "shipping_method": "pickup",
        "pickup_centre": centre.organisation.public_id,
        "payment_method": "qris",
    }
    response = client.post(reverse("orders:checkout"), data)
    order = Order.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (order.village, order.pickup_centre, order.currency, order.total) == (xihu, centre, "CNY", 90)


def test_order_page_shows_where_the_parcel_is_step_by_step():
    from lumbung.logistics.services import Party, parcel_create, parcel_intake, parcel_set_status
    from lumbung.logistics.tests.factories import agent_of, centre_org

    buyer = f.buyer()
    _shop, variant = f.shop_with_variant()
    order = f.checkout(buyer, (variant, 1)).orders[0]
    f.pay(order)
    client = _logged_in(buyer)
    assert (
        'id="tracking"' not in client.get(reverse("orders:detail", args=[order.public_id])).content.decode()
    )
    counter = centre_org(village=order.shop.village)
    agent = agent_of(counter)
    parcel = parcel_create(
        origin_centre=counter,
        sender=Party(name=order.shop.name, phone="+6281234500001", village=order.shop.village, address="-"),
        recipient=Party(name=buyer.name, phone=buyer.phone, village=buyer.village, address=order.street),
        declared_weight_g=300,
        reference=order.escrow_reference,
        actor=agent,
    )
    parcel_intake(parcel=parcel, actor=agent, measured_weight_g=310)
    for to in ("batched", "handed_to_carrier", "in_transit"):
        parcel_set_status(parcel=parcel, to=to, source="carrier")
    page = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()
    statuses = re.findall(r'<li data-status="([a-z_]+)">', page)
    assert statuses == ["created", "accepted_at_centre", "batched", "handed_to_carrier", "in_transit"]
    assert f'href="/logistics/track/{parcel.code}"' in page


def test_order_page_shows_the_timeline_in_the_buyers_zone_and_strangers_get_404():
    buyer = f.buyer()  # a Central Sulawesi village: WITA
    _shop, variant = f.shop_with_variant()
    order = f.checkout(buyer, (variant, 1)).orders[0]
    f.pay(order)
    page = _logged_in(buyer).get(reverse("orders:detail", args=[order.public_id])).content.decode()
    assert "WITA" in page and order.code in page
    assert _logged_in(f.buyer()).get(reverse("orders:detail", args=[order.public_id])).status_code == 404


def test_the_seller_accepts_from_the_incoming_list_and_a_double_click_accepts_once():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant()
    order = f.checkout(buyer, (variant, 1)).orders[0]
    f.pay(order)
    seller = f.seller_of(order)
    client = _logged_in(seller)
    listing = client.get(reverse("orders:selling")).content.decode()
    assert order.code in listing
    url = reverse("orders:act", args=[order.public_id, "accept"])
    client.post(url, {"form_key": "accept-once"})
    client.post(url, {"form_key": "accept-once"})
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert order.events.filter(to_status=OrderStatus.ACCEPTED).count() == 1


def test_the_buyer_reviews_a_delivered_line_once_and_the_shop_rating_follows():
    buyer = f.buyer()
    shop, variant = f.shop_with_variant()
    order = f.checkout(buyer, (variant, 1)).orders[0]
    f.pay(order)
    seller = f.seller_of(order)
    services.order_accept(order=order, actor=seller)
    services.order_mark_delivered(order=order, actor=seller)
    line = order.lines.get()
    client = _logged_in(buyer)
    url = reverse("orders:review", args=[order.public_id, line.public_id])
    assert client.post(url, {"stars": "4", "text": "Gurih"}).status_code == 302
    second = client.post(url, {"stars": "1", "text": "again"})
    assert second.status_code == 422
    assert Review.objects.get().stars == 4
    shop.refresh_from_db()
    assert (shop.rating_avg, shop.rating_count) == (4, 1)
