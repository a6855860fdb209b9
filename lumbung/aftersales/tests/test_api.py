"""The after-sales API: a permission matrix over every endpoint × (anonymous, buyer, another buyer,
seller, another seller, agent of the centre, agent of another centre, staff) asserting the status
AND that nothing changed on refusal; opening over multipart with photos; money POSTs replayed once."""

import uuid

import pytest
from django.test import Client

from lumbung.aftersales import services
from lumbung.aftersales.models import Case, CaseEvent, CasePhoto
from lumbung.aftersales.states import Remedy
from lumbung.ledger.models import JournalEntry
from lumbung.orders.models import Order
from lumbung.orders.tests import factories as of
from lumbung.payments.models import Refund

from . import factories as f

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "buyer", "other_buyer", "seller", "other_seller", "agent", "other_agent", "staff")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client, url, body=None, key=None):
    return client.post(
        url, body or {}, content_type="application/json", headers={"Idempotency-Key": key or uuid.uuid4().hex}
    )


def case_at(stage: str):
    """A case that is open, offered (a refund), or escalated to the centre."""
    w = f.delivered_order()
    case = f.open_case(w)
    if stage in ("offered", "escalated"):
        services.case_answer(actor=w.seller, case=case, remedy=Remedy.REFUND, amount="20000", message="Maaf")
    if stage == "escalated":
        services.case_refuse(actor=w.buyer, case=case, message="Kurang")
    case.refresh_from_db()
    return w, case


def people(w):
    other = f.delivered_order()
    return {
        "anonymous": None,
        "buyer": w.buyer,
        "other_buyer": other.buyer,
        "seller": w.seller,
        "other_seller": other.seller,
        "agent": w.agent,
        "other_agent": other.agent,
        "staff": of.staff(),
    }


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    order = Order.objects.get(pk=case.order_id)
    return (
        case.status,
        case.outcome,
        case.offer,
        CaseEvent.objects.filter(case=case).count(),
        order.refunded,
        order.on_hold,
        JournalEntry.objects.count(),
        Refund.objects.count(),
    )


HIDDEN = {"anonymous": 401, "other_buyer": 404, "other_seller": 404, "other_agent": 404}
# endpoint -> (case stage, method, suffix, body, {role: status}); unlisted visible roles get 403
MATRIX = {
    "detail_open": ("open", "get", "", None, {"buyer": 200, "seller": 200, "agent": 404, "staff": 200}),
    "detail_escalated": (
        "escalated",
        "get",
        "",
        None,
        {"buyer": 200, "seller": 200, "agent": 200, "staff": 200},
    ),
    "answer": (
        "open",
        "post",
        "/answer",
        {"remedy": "reject", "message": "Barang sudah sesuai"},
        {"buyer": 403, "seller": 200, "agent": 404, "staff": 403},
    ),
    "accept": ("offered", "post", "/accept", {}, {"buyer": 200, "seller": 403, "agent": 404, "staff": 403}),
    "refuse": (
        "offered",
        "post",
        "/refuse",
        {"message": "Tidak cukup"},
        {"buyer": 200, "seller": 403, "agent": 404, "staff": 403},
    ),
    "withdraw": ("open", "post", "/withdraw", {}, {"buyer": 200, "seller": 403, "agent": 404, "staff": 403}),
    "comment": (
        "escalated",
        "post",
        "/comment",
        {"message": "Ada foto tambahan"},
        {"buyer": 200, "seller": 200, "agent": 200, "staff": 200},
    ),
    "decide": (
        "escalated",
        "post",
        "/decide",
        {"remedy": "refund", "amount": "15000", "message": "Setengah rusak"},
        {"buyer": 403, "seller": 403, "agent": 200, "staff": 200},
    ),
    "refer": (
        "escalated",
        "post",
        "/refer",
        {"message": "Perlu staf"},
        {"buyer": 403, "seller": 403, "agent": 200, "staff": 200},
    ),
}


@pytest.mark.parametrize(("endpoint", "role"), [(e, r) for e in MATRIX for r in ROLES])
def test_permission_matrix(endpoint, role):
    stage, method, suffix, body, allowed = MATRIX[endpoint]
    w, case = case_at(stage)
    who = people(w)[role]
    expected = {**HIDDEN, **allowed}[role]
    before = snapshot(case)
    client = client_for(who)
    url = f"/api/aftersales/cases/{case.public_id}{suffix}"
    response = client.get(url) if method == "get" else post(client, url, body)
    assert response.status_code == expected, (endpoint, role, response.content[:300])
    if expected >= 400:
        assert snapshot(case) == before
        assert set(response.json()) == {"code", "message", "details"}
    elif method == "post":
        assert snapshot(case) != before


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_each_person_only_their_cases(role):
    w, case = case_at("escalated")
    _w2, other_case = case_at("open")
    who = people(w)[role]
    client = client_for(who)
    seen = set()
    for path in ("", "/selling", "/queue"):
        response = client.get(f"/api/aftersales/cases{path}")
        if who is None:
            assert response.status_code == 401
            continue
        seen |= {item["id"] for item in response.json()["items"]}
    expected = {
        "buyer": {case.public_id},
        "seller": {case.public_id},
        "agent": {case.public_id},
        "staff": {case.public_id},
    }.get(role, set())
    assert seen == expected
    assert other_case.public_id not in seen or role == "staff"


def test_open_over_multipart_with_photos_and_a_key_opens_once():
    w = f.delivered_order()
    client = client_for(w.buyer)
    line = w.order.lines.get()
    key = uuid.uuid4().hex

    def send():
        return client.post(
            "/api/aftersales/cases",
            {
                "order": w.order.public_id,
                "kind": "return",
                "reason": "Kemasan sobek, isinya tumpah",
                "lines": [line.public_id],
                "photos": [f.jpeg_with_gps()],
            },
            headers={"Idempotency-Key": key},
        )

    first, second = send(), send()
    assert first.status_code == 201, first.content
    assert second.status_code == 201 and second.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1 and CasePhoto.objects.count() == 1
    body = first.json()
    assert body["lines"] == [line.public_id] and body["status"] == "open"
    photo = client.get(body["photos"][0])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/webp"
    assert client_for(f.delivered_order().buyer).get(body["photos"][0]).status_code == 404
    # Without a key, a second open is refused: one active case per order.
    again = client.post(
        "/api/aftersales/cases", {"order": w.order.public_id, "kind": "complaint", "reason": "Sekali lagi"}
    )
    assert again.status_code == 409 and again.json()["code"] == "case_already_open"


def test_a_stranger_cannot_open_a_case_on_someone_elses_order():
    w = f.delivered_order()
    response = client_for(of.buyer()).post(
        "/api/aftersales/cases",
        {"order": w.order.public_id, "kind": "complaint", "reason": "Bukan punya saya"},
    )
    assert response.status_code == 404
    assert not Case.objects.exists()


@pytest.mark.parametrize("endpoint", ["accept", "decide"])
def test_money_posts_replayed_take_effect_once(endpoint):
    w, case = case_at("offered" if endpoint == "accept" else "escalated")
    actor = w.buyer if endpoint == "accept" else w.agent
    body = {} if endpoint == "accept" else {"remedy": "refund", "amount": "15000", "message": "Setengah"}
    client, key = client_for(actor), uuid.uuid4().hex
    answers = [
        post(client, f"/api/aftersales/cases/{case.public_id}/{endpoint}", body, key) for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.content for a in answers}) == 1
    assert Refund.objects.count() == 1
    assert Order.objects.get(pk=w.order.pk).refunded in (20000, 15000)
    # A new key on a closed case is refused, and still nothing more moves.
    late = post(client, f"/api/aftersales/cases/{case.public_id}/{endpoint}", body)
    assert late.status_code in (403, 409) and Refund.objects.count() == 1


def test_money_posts_need_a_key():
    w, case = case_at("offered")
    response = client_for(w.buyer).post(
        f"/api/aftersales/cases/{case.public_id}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert Case.objects.get(pk=case.pk).status == "offered"
