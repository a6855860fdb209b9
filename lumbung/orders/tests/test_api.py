"""The orders API: a permission matrix over every order endpoint (status AND nothing changed on a
refusal), checkout through HTTP, and every money POST replayed — in a row and at the same moment."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from lumbung.ledger.models import JournalEntry
from lumbung.orders import services
from lumbung.orders.models import Order, OrderEvent, Review
from lumbung.orders.states import OrderStatus
from lumbung.payments.models import Refund

from . import factories as f

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client, url, body=None, key=None):
    return client.post(
        url, body or {}, content_type="application/json", headers={"Idempotency-Key": key or uuid.uuid4().hex}
    )


def _order_at(status):
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    order = f.checkout(buyer, (variant, 1)).orders[0]
    if status != OrderStatus.PLACED:
        f.pay(order)
    seller = f.seller_of(order)
    if status in (OrderStatus.ACCEPTED, OrderStatus.DELIVERED):
        services.order_accept(order=order, actor=seller)
    if status == OrderStatus.DELIVERED:
        services.order_mark_delivered(order=order, actor=seller)
    order.refresh_from_db()
    return order


def _people(order):
    other_shop, _v = f.shop_with_variant()
    return {
        "anonymous": None,
        "buyer": order.buyer,
        "other_buyer": f.buyer(),
        "seller": f.seller_of(order),
        "other_seller": f.seller_of(Order(shop=other_shop)),
        "staff": f.staff(),
    }


def snapshot(order):
    order = Order.objects.get(pk=order.pk)
    return (
        order.status,
        order.refunded,
        OrderEvent.objects.filter(order=order).count(),
        JournalEntry.objects.count(),
        Review.objects.count(),
        Refund.objects.count(),
    )


NOT_VISIBLE = {"anonymous": 401, "other_buyer": 404, "other_seller": 404}
# endpoint -> (order status it needs, method, path suffix, body, {role: expected status})
MATRIX = {
    "detail": ("paid", "get", "", None, {"buyer": 200, "seller": 200, "staff": 200}),
    "accept": ("paid", "post", "/accept", None, {"buyer": 403, "seller": 200, "staff": 403}),
    "hand_over": ("accepted", "post", "/hand-over", None, {"buyer": 403, "seller": 200, "staff": 403}),
    "deliver": ("accepted", "post", "/deliver", None, {"buyer": 403, "seller": 200, "staff": 200}),
    "cancel": ("paid", "post", "/cancel", {"reason": "r"}, {"buyer": 200, "seller": 200, "staff": 200}),
    "confirm": ("delivered", "post", "/confirm", None, {"buyer": 200, "seller": 403, "staff": 403}),
    "refund": (
        "delivered",
        "post",
        "/refund",
        {"amount": "1000", "currency": "IDR", "reason": "torn bag"},
        {"buyer": 403, "seller": 403, "staff": 200},
    ),
    "review": (
        "delivered",
        "post",
        "/lines/{line}/review",
        {"stars": 5, "text": "enak"},
        {"buyer": 201, "seller": 403, "staff": 403},
    ),
}
CASES = [
    (name, role)
    for name in MATRIX
    for role in ("anonymous", "buyer", "other_buyer", "seller", "other_seller", "staff")
]


@pytest.mark.parametrize(("endpoint", "role"), CASES)
def test_permission_matrix(endpoint, role):
    status, method, suffix, body, allowed = MATRIX[endpoint]
    order = _order_at(status)
    who = _people(order)[role]
    expected = {**NOT_VISIBLE, **allowed}[role]
    url = f"/api/orders/{order.public_id}" + suffix.replace("{line}", order.lines.get().public_id)
    before = snapshot(order)
    client = client_for(who)
    response = client.get(url) if method == "get" else post(client, url, body)
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["code"]
        assert snapshot(order) == before
    elif method == "post":
        assert snapshot(order) != before


def test_checkout_over_http_then_the_buyer_lists_it_and_the_seller_sees_it_incoming():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    client = client_for(buyer)
    assert (
        post(client, "/api/orders/cart/lines", {"variant": variant.public_id, "quantity": 2}).status_code
        == 200
    )
    cart = client.get("/api/orders/cart").json()
    assert cart["item_count"] == 2
    body = {
        "village": buyer.village.code,
        "street": "Jl. Mawar 1",
        "postcode": "94111",
        "payment_method": "qris",
    }
    response = post(client, "/api/orders/checkout", body)
    assert response.status_code == 201, response.content
    order_id = response.json()["orders"][0]["public_id"]
    assert response.json()["orders"][0]["platform_fee"] is None  # the buyer does not see the seller's fee
    assert [o["public_id"] for o in client.get("/api/orders/").json()["items"]] == [order_id]
    seller_view = (
        client_for(f.seller_of(Order.objects.get(public_id=order_id))).get("/api/orders/selling").json()
    )
    assert seller_view["items"][0]["platform_fee"] is not None


def test_quantity_zero_over_http_is_a_422_with_the_field():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    response = post(
        client_for(buyer), "/api/orders/cart/lines", {"variant": variant.public_id, "quantity": 0}
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "quantity"


def test_checkout_without_an_idempotency_key_is_refused():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    client = client_for(buyer)
    post(client, "/api/orders/cart/lines", {"variant": variant.public_id, "quantity": 1})
    body = {
        "village": buyer.village.code,
        "street": "Jl. Mawar 1",
        "postcode": "94111",
        "payment_method": "qris",
    }
    response = client.post("/api/orders/checkout", body, content_type="application/json")
    assert response.status_code == 422 and response.json()["details"]["header"] == "Idempotency-Key"
    assert not Order.objects.exists()


def _money_posts(order):
    """(who, path, body) for each money POST, each valid once for an order in the right state."""
    return {
        "cancel": (order.buyer, f"/api/orders/{order.public_id}/cancel", {"reason": "r"}),
        "confirm": (order.buyer, f"/api/orders/{order.public_id}/confirm", None),
        "refund": (
            f.staff(),
            f"/api/orders/{order.public_id}/refund",
            {"amount": "1000", "currency": "IDR", "reason": "x"},
        ),
    }


@pytest.mark.parametrize(
    ("action", "status"), [("cancel", "paid"), ("confirm", "delivered"), ("refund", "delivered")]
)
def test_a_money_post_sent_three_times_takes_effect_once(action, status):
    order = _order_at(status)
    who, url, body = _money_posts(order)[action]
    client = client_for(who)
    key = uuid.uuid4().hex
    answers = [post(client, url, body, key=key) for _ in range(3)]
    assert {a.status_code for a in answers} == {200}
    assert answers[0].json() == answers[1].json() == answers[2].json()
    order.refresh_from_db()
    assert order.events.count() == len(set(order.events.values_list("to_status", "reason")))
    if action == "refund":
        assert Refund.objects.count() == 1 and order.refunded == 1000


def test_checkout_sent_three_times_places_the_orders_once():
    buyer = f.buyer()
    _shop, variant = f.shop_with_variant(stock=5)
    client = client_for(buyer)
    post(client, "/api/orders/cart/lines", {"variant": variant.public_id, "quantity": 2})
    body = {
        "village": buyer.village.code,
        "street": "Jl. Mawar 1",
        "postcode": "94111",
        "payment_method": "qris",
    }
    answers = [post(client, "/api/orders/checkout", body, key="same-key") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.json()["checkout_group"] for a in answers}) == 1
    assert Order.objects.count() == 1 and f.stock(variant) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["checkout", "cancel", "confirm", "refund"])
def test_a_money_post_sent_three_times_at_once_takes_effect_once(action):
    if action == "checkout":
        buyer = f.buyer()
        _shop, variant = f.shop_with_variant(stock=5)
        post(client_for(buyer), "/api/orders/cart/lines", {"variant": variant.public_id, "quantity": 2})
        body = {
            "village": buyer.village.code,
            "street": "Jl. Mawar 1",
            "postcode": "94111",
            "payment_method": "qris",
        }
        who, url = buyer, "/api/orders/checkout"
    else:
        order = _order_at("paid" if action == "cancel" else "delivered")
        who, url, body = _money_posts(order)[action]
    key = uuid.uuid4().hex
    barrier = threading.Barrier(3)
    answers = []

    def send():
        try:
            client = client_for(who)
            barrier.wait()
            answers.append(post(client, url, body, key=key))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({a.status_code for a in answers}) == 1 and answers[0].status_code in (200, 201)
    assert len({a.content for a in answers}) == 1
    if action == "checkout":
        assert Order.objects.count() == 1 and f.stock(variant) == 3
    elif action == "refund":
        assert Refund.objects.count() == 1
    else:
        order.refresh_from_db()
        target = OrderStatus.CANCELLED if action == "cancel" else OrderStatus.COMPLETED
        assert order.events.filter(to_status=target).count() == 1
        assert JournalEntry.objects.filter(kind__in=["order.escrow_release", "payments.refund"]).count() == 1
