"""The pages without JavaScript: open a case from an order, answer, refuse, decide from the queue,
double submits acting once, refusals shown with nothing saved, strangers getting 404."""

import pytest
from django.test import Client

from lumbung.aftersales.models import Case, CaseEvent
from lumbung.orders.models import Order
from lumbung.orders.tests import factories as of
from lumbung.payments.models import Refund

from . import factories as f

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_buyer_opens_a_case_from_the_order_page_once_even_when_submitting_twice():
    w = f.delivered_order(items=2)
    client = client_for(w.buyer)
    url = f"/aftersales/open/{w.order.public_id}/"
    page = client.get(url)
    assert page.status_code == 200 and w.order.code in page.content.decode()
    key = page.context["form"].initial["form_key"]
    line = w.order.lines.first()
    data = {"form_key": key, "kind": "return", "reason": "Kacang basi", "lines": [line.public_id]}
    first = client.post(url, {**data, "photo_1": f.jpeg_with_gps()})
    second = client.post(url, {**data, "photo_1": f.jpeg_with_gps()})
    case = Case.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/aftersales/case/{case.public_id}/"
    detail = client.get(first["Location"]).content.decode()
    assert case.code in detail and "Kacang basi" in detail and str(line) in detail
    assert f"/aftersales/case/{case.public_id}/photo/" in detail
    assert client.get("/aftersales/").content.decode().count(case.code) == 1


def test_bad_input_shows_a_clear_error_and_saves_nothing():
    w = f.delivered_order()
    client = client_for(w.buyer)
    url = f"/aftersales/open/{w.order.public_id}/"
    key = client.get(url).context["form"].initial["form_key"]
    response = client.post(url, {"form_key": key, "kind": "complaint", "reason": "ok"})
    assert response.status_code == 422 and "errorlist" in response.content.decode()
    from io import BytesIO

    fake = BytesIO(b"%PDF-1.4 bukan foto")
    fake.name = "bukti.jpg"
    response = client.post(
        url, {"form_key": key, "kind": "complaint", "reason": "Rusak berat", "photo_1": fake}
    )
    assert response.status_code == 422
    assert not Case.objects.exists() and not Order.objects.get(pk=w.order.pk).on_hold


def test_a_stranger_and_the_seller_cannot_use_the_buyers_open_page():
    w = f.delivered_order()
    for user in (of.buyer(), w.seller):
        assert client_for(user).get(f"/aftersales/open/{w.order.public_id}/").status_code == 404


def test_seller_answers_buyer_refuses_agent_decides_from_the_queue():
    w = f.delivered_order()
    case = f.open_case(w)
    seller = client_for(w.seller)
    assert case.code in seller.get("/aftersales/selling/").content.decode()
    page = seller.get(f"/aftersales/case/{case.public_id}/")
    assert "Your answer" in page.content.decode() or 'name="remedy"' in page.content.decode()
    key = page.context["form"].initial["form_key"]
    seller.post(
        f"/aftersales/case/{case.public_id}/do/answer/",
        {"form_key": f"{key}-answer", "remedy": "reject", "message": "Sudah sesuai pesanan"},
    )
    buyer = client_for(w.buyer)
    key = buyer.get(f"/aftersales/case/{case.public_id}/").context["form"].initial["form_key"]
    buyer.post(
        f"/aftersales/case/{case.public_id}/do/refuse/",
        {"form_key": f"{key}-refuse", "message": "Lihat fotonya"},
    )
    agent = client_for(w.agent)
    queue = agent.get("/aftersales/queue/").content.decode()
    assert case.code in queue
    assert (
        client_for(f.delivered_order().agent).get("/aftersales/queue/").content.decode().count(case.code) == 0
    )
    key = agent.get(f"/aftersales/case/{case.public_id}/").context["form"].initial["form_key"]
    data = {"form_key": f"{key}-decide", "remedy": "refund", "amount": "12000", "message": "Setengah busuk"}
    for _ in range(2):
        response = agent.post(f"/aftersales/case/{case.public_id}/do/decide/", data)
        assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "resolved" and case.outcome_amount == 12000
    assert Refund.objects.count() == 1
    timeline = buyer.get(f"/aftersales/case/{case.public_id}/").content.decode()
    assert "Setengah busuk" in timeline and "Lihat fotonya" in timeline
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == [
        "opened",
        "offered",
        "refused",
        "refunded",
        "decided",
    ]


def test_a_refused_act_shows_the_message_and_changes_nothing():
    w = f.delivered_order()
    case = f.open_case(w)
    seller = client_for(w.seller)
    key = seller.get(f"/aftersales/case/{case.public_id}/").context["form"].initial["form_key"]
    response = seller.post(
        f"/aftersales/case/{case.public_id}/do/answer/",
        {"form_key": f"{key}-answer", "remedy": "refund", "amount": str(w.order.total + 5)},
        follow=True,
    )
    assert str(w.order.refundable_money) in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open" and not case.offer


def test_strangers_get_404_on_case_pages_and_photos():
    w = f.delivered_order()
    case = f.open_case(w, photos=[f.jpeg_with_gps()])
    photo = case.photos.get()
    stranger = client_for(of.buyer())
    assert stranger.get(f"/aftersales/case/{case.public_id}/").status_code == 404
    assert stranger.get(f"/aftersales/case/{case.public_id}/photo/{photo.public_id}/").status_code == 404
    assert (
        stranger.post(f"/aftersales/case/{case.public_id}/do/withdraw/", {"form_key": "x"}).status_code == 404
    )
    assert Case.objects.get(pk=case.pk).status == "open"
    owner = client_for(w.buyer).get(f"/aftersales/case/{case.public_id}/photo/{photo.public_id}/")
    assert owner.status_code == 200 and owner["Content-Type"] == "image/webp"
