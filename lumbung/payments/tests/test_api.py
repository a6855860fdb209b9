"""The payments API: a permission matrix over every endpoint (anonymous, payer, another user, agent,
staff) that also proves a refusal changed nothing; and replay: each money POST sent three times
takes effect once (and, on PostgreSQL, three at once through a barrier)."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from lumbung.accounts.models import Membership, Role
from lumbung.accounts.tests.factories import OrganisationFactory
from lumbung.core.models import IdempotencyRecord
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.services import account_get_or_create
from lumbung.ledger.tests.factories import fund
from lumbung.payments import services
from lumbung.payments.accounts import payable_seller
from lumbung.payments.models import FxRate, Method, PaymentIntent, Payout, PayoutBatch, Refund

from .conftest import assert_ledger_balanced

ACTORS = ("anonymous", "payer", "other", "agent", "staff")


def build_api_world(world):
    """The payer owns a shop with money on its payable, a waiting cash payment and a paid one."""
    shop = OrganisationFactory(name="Toko Siti")
    Membership.objects.create(user=world.payer, organisation=shop, role=Role.OWNER)
    payable = account_get_or_create(code=payable_seller(shop.public_id), currency="IDR")
    fund(payable, 300000)
    world.shop = shop
    world.cash = world.intent(Method.CASH, world.due("cash1", 50000))
    qris_paid = world.intent(Method.QRIS, world.due("paid1", 80000))
    world.paid = services.intent_mark_paid(intent=qris_paid, source="test")
    world.qris = world.intent(Method.QRIS, world.due("qris1", 12000))
    world.due("new1", 30000)
    return world


@pytest.fixture
def api_world(world):
    return build_api_world(world)


def snapshot():
    return {
        "intents": sorted(PaymentIntent.objects.values_list("public_id", "status", "refunded_amount")),
        "entries": JournalEntry.objects.count(),
        "refunds": Refund.objects.count(),
        "payouts": sorted(Payout.objects.values_list("public_id", "status")),
        "batches": PayoutBatch.objects.count(),
        "rates": FxRate.objects.count(),
    }


def call(client, method, path, body=None, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, data=body or {}, content_type="application/json", **headers)


STAFF_ONLY = {"anonymous": 401, "payer": 403, "other": 403, "agent": 403, "staff": None}
# name -> (method, path(w), body(w), {actor: expected status; None = the success code})
MATRIX = {
    "create": (
        "post",
        lambda w: "/api/payments/intents",
        lambda w: {"method": "cash", "references": ["test:new1"]},
        {"anonymous": 401, "payer": 201, "other": 404, "agent": 404, "staff": 404},
    ),
    "detail": (
        "get",
        lambda w: f"/api/payments/intents/{w.cash.public_id}",
        None,
        {"anonymous": 401, "payer": 200, "other": 404, "agent": 404, "staff": 200},
    ),
    "qris": (
        "get",
        lambda w: f"/api/payments/intents/{w.qris.public_id}/qris",
        None,
        {"anonymous": 401, "payer": 200, "other": 404, "agent": 404, "staff": 200},
    ),
    "cancel": (
        "post",
        lambda w: f"/api/payments/intents/{w.qris.public_id}/cancel",
        None,
        {"anonymous": 401, "payer": 200, "other": 404, "agent": 404, "staff": 200},
    ),
    "cash": (
        "post",
        lambda w: f"/api/payments/intents/{w.cash.public_id}/cash",
        lambda w: {"centre": w.centre.public_id},
        {"anonymous": 401, "payer": 403, "other": 403, "agent": 200, "staff": 403},
    ),
    "refund": (
        "post",
        lambda w: f"/api/payments/intents/{w.paid.public_id}/refunds",
        lambda w: {
            "reference": "test:paid1",
            "amount": "30000",
            "currency": "IDR",
            "reason": "one pack broken",
            "debit_lines": [{"account": "escrow:order:paid1", "amount": "30000"}],
        },
        {**STAFF_ONLY, "staff": 201},
    ),
    "payout": (
        "post",
        lambda w: "/api/payments/payouts",
        lambda w: {
            "organisation": w.shop.public_id,
            "account": payable_seller(w.shop.public_id),
            "amount": "100000",
            "currency": "IDR",
            "bank_code": "014",
            "account_number": "1234567890",
            "account_name": "Siti",
        },
        {"anonymous": 401, "payer": 201, "other": 403, "agent": 403, "staff": 403},
    ),
    "fx_enter": (
        "post",
        lambda w: "/api/payments/fx-rates",
        lambda w: {"base": "USD", "quote": "IDR", "rate": "16000", "source": "BI JISDOR"},
        {**STAFF_ONLY, "staff": 201},
    ),
    "qris_settlement": (
        "post",
        lambda w: "/api/payments/qris-settlements",
        lambda w: {"csv": f"transaction_time,reference,amount,rrn\n2025-01-01,{w.qris.public_id},12000,R1\n"},
        {**STAFF_ONLY, "staff": 200},
    ),
}


def _client(world, actor):
    client = Client()
    if actor != "anonymous":
        client.force_login(getattr(world, actor))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(api_world, actor, name):
    method, path, body, expected = MATRIX[name]
    before = snapshot()
    response = call(
        _client(api_world, actor), method, path(api_world), body(api_world) if body else None, key="k-1"
    )
    assert response.status_code == expected[actor], response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "details"}
        assert snapshot() == before, "a refused request changed something"
    assert_ledger_balanced()


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_fx_rates_are_readable_by_anyone_and_missing_ones_are_a_clear_error(api_world, actor):
    client = _client(api_world, actor)
    missing = client.get("/api/payments/fx-rates/current?base=USD&quote=IDR")
    assert (missing.status_code, missing.json()["code"]) == (409, "fx_rate_missing")
    services.fx_rate_enter(base="USD", quote="IDR", rate="16000", source="BI", actor=api_world.staff)
    found = client.get("/api/payments/fx-rates/current?base=USD&quote=IDR")
    assert found.status_code == 200 and Decimal(found.json()["rate"]) == 16000


@pytest.mark.django_db
def test_staff_batch_and_bank_result_endpoints(api_world):
    payer, staff = _client(api_world, "payer"), _client(api_world, "staff")
    body = MATRIX["payout"][2](api_world)
    assert call(payer, "post", "/api/payments/payouts", body, key="p1").status_code == 201
    assert (
        call(payer, "post", "/api/payments/payout-batches", {"currency": "IDR"}, key="b").status_code == 403
    )
    batch = call(staff, "post", "/api/payments/payout-batches", {"currency": "IDR"}, key="b")
    assert batch.status_code == 201 and batch.json()["payouts"] == 1
    batch_id = batch.json()["public_id"]
    assert payer.get(f"/api/payments/payout-batches/{batch_id}/csv").status_code == 403
    csv = staff.get(f"/api/payments/payout-batches/{batch_id}/csv")
    assert csv["Content-Type"].startswith("text/csv")
    payout_id = Payout.objects.get().public_id
    assert payout_id in csv.content.decode()
    result = {"csv": f"reference,status,bank_reference,reason\n{payout_id},success,TRX9,\n"}
    done = call(staff, "post", f"/api/payments/payout-batches/{batch_id}/result", result, key="r")
    assert done.json() == {"paid": 1, "failed": 0, "unchanged": 0}


@pytest.mark.django_db
def test_a_money_post_without_an_idempotency_key_is_refused(api_world):
    response = call(
        _client(api_world, "agent"),
        "post",
        f"/api/payments/intents/{api_world.cash.public_id}/cash",
        {"centre": api_world.centre.public_id},
    )
    assert (response.status_code, response.json()["details"]) == (422, {"header": "Idempotency-Key"})
    assert PaymentIntent.objects.get(pk=api_world.cash.pk).status == "pending"


ALTERED = {
    "create": lambda w: {"method": "qris"},
    "refund": lambda w: {
        "amount": "20000",
        "debit_lines": [{"account": "escrow:order:paid1", "amount": "20000"}],
    },
    "payout": lambda w: {"amount": "90000"},
    "qris_settlement": lambda w: {"csv": "transaction_time,reference,amount,rrn\n"},
}
REPLAYED = ("create", "cash", "refund", "payout", "qris_settlement")


def _actor_for(name):
    return {"cash": "agent", "refund": "staff", "qris_settlement": "staff"}.get(name, "payer")


@pytest.mark.django_db
@pytest.mark.parametrize("name", REPLAYED)
def test_each_money_post_sent_three_times_takes_effect_once(api_world, name):
    method, path, body, expected = MATRIX[name]
    client = _client(api_world, _actor_for(name))
    before = snapshot()
    answers = [call(client, method, path(api_world), body(api_world), key="same-key") for _ in range(3)]
    assert {a.status_code for a in answers} == {expected[_actor_for(name)]}
    assert answers[0].json() == answers[1].json() == answers[2].json()
    after = snapshot()
    assert after["entries"] - before["entries"] == (0 if name == "create" else 1)
    assert len(after["intents"]) - len(before["intents"]) == (1 if name == "create" else 0)
    if name in ALTERED:  # the same key with another body is refused
        other = {**body(api_world), **ALTERED[name](api_world)}
        changed = call(client, method, path(api_world), other, key="same-key")
        assert changed.status_code == 409 and changed.json()["code"] == "idempotency_key_reused"
        assert snapshot() == after
    assert_ledger_balanced()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", REPLAYED)
def test_three_concurrent_copies_of_a_money_post_take_effect_once(world, name):
    assert connection.vendor == "postgresql"
    build_api_world(world)
    method, path, body, expected = MATRIX[name]
    actor = getattr(world, _actor_for(name))
    before = snapshot()
    barrier = threading.Barrier(3)
    results: list[int] = []
    key = str(uuid.uuid4())

    def send():
        from django.db import connections

        client = Client()
        client.force_login(actor)
        barrier.wait()
        try:
            results.append(call(client, method, path(world), body(world), key=key).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected[_actor_for(name)]] * 3
    after = snapshot()
    assert after["entries"] - before["entries"] == (0 if name == "create" else 1)
    assert len(after["intents"]) - len(before["intents"]) == (1 if name == "create" else 0)
    assert IdempotencyRecord.objects.filter(key=key).count() == 1
    assert_ledger_balanced()
