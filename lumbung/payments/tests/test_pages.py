"""Payment pages without JavaScript: choose a method (a double submit pays once), status with a meta
refresh, VA instructions, the QRIS code, and the staff payouts page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lokal import parse_qris

from lumbung.core.money import Money
from lumbung.ledger.services import account_get_or_create
from lumbung.ledger.tests.factories import fund
from lumbung.payments import services
from lumbung.payments.accounts import payable_seller
from lumbung.payments.models import Method, PaymentIntent, Payout, PayoutStatus

pytestmark = pytest.mark.django_db


def test_choosing_a_method_twice_with_the_same_form_key_makes_one_payment(client, world):
    ref = world.due("pg1", 45000)
    client.force_login(world.payer)
    page = client.get("/payments/pay/", {"ref": ref})
    assert page.status_code == 200 and "Rp45.000" in page.content.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', page.content.decode()).group(1)
    posts = [client.post("/payments/pay/", {"ref": ref, "method": "qris", "form_key": key}) for _ in range(2)]
    intent = PaymentIntent.objects.get()
    assert [p.status_code for p in posts] == [302, 302]
    assert {p["Location"] for p in posts} == {f"/payments/{intent.public_id}/"}


def test_choosing_without_a_method_shows_a_clear_error_and_saves_nothing(client, world):
    ref = world.due("pg2", 1000)
    client.force_login(world.payer)
    response = client.post("/payments/pay/", {"ref": ref, "method": "", "form_key": "k"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not PaymentIntent.objects.exists()


def test_someone_elses_reference_is_not_found(client, world):
    ref = world.due("pg3", 1000)
    client.force_login(world.other)
    assert client.get("/payments/pay/", {"ref": ref}).status_code == 404


def test_the_status_page_refreshes_while_waiting_and_stops_when_paid(client, world):
    intent = world.intent(Method.QRIS, world.due("pg4", 33000))
    client.force_login(world.payer)
    waiting = client.get(f"/payments/{intent.public_id}/").content.decode()
    assert 'http-equiv="refresh"' in waiting and "<script" not in waiting.split("</head>")[1].replace(
        'src="/static/web/htmx.min.js"', ""
    )
    services.intent_mark_paid(intent=intent, source="test")
    done = client.get(f"/payments/{intent.public_id}/").content.decode()
    assert 'http-equiv="refresh"' not in done


def test_the_qris_page_shows_a_code_for_the_exact_amount(client, world):
    intent = world.intent(Method.QRIS, world.due("pg5", 27500))
    client.force_login(world.payer)
    page = client.get(f"/payments/{intent.public_id}/qris/").content.decode()
    assert "<svg" in page and "Rp27.500" in page
    assert parse_qris(intent.qris_payload).amount == "27500"


def test_the_va_page_shows_the_number(client, world, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intent = world.intent(Method.GATEWAY_VA_BCA, world.due("pg6", 10000))
    intent.refresh_from_db()
    client.force_login(world.payer)
    page = client.get(f"/payments/{intent.public_id}/va/").content.decode()
    assert intent.va_number in page and "BCA" in page


@pytest.mark.parametrize("who", ["other", "agent", "anonymous"])
def test_other_people_cannot_see_or_cancel_a_payment(client, world, who):
    intent = world.intent(Method.QRIS, world.due("pg7", 1000))
    if who != "anonymous":
        client.force_login(getattr(world, who))
    for url in (f"/payments/{intent.public_id}/", f"/payments/{intent.public_id}/qris/"):
        assert client.get(url).status_code in (302, 404)
    assert client.post(f"/payments/{intent.public_id}/cancel/").status_code in (302, 404)
    assert PaymentIntent.objects.get(pk=intent.pk).status == "pending"


def test_staff_batch_payouts_and_upload_the_bank_result(client, world):
    from lumbung.accounts.tests.factories import OrganisationFactory

    shop = OrganisationFactory()
    fund(account_get_or_create(code=payable_seller(shop.public_id), currency="IDR"), 100000)
    payout = services.payout_request(
        owner_org=shop,
        account_code=payable_seller(shop.public_id),
        amount=Money(Decimal(100000), "IDR"),
        destination=services.Destination("014", "1234567890", "Siti"),
    )
    client.force_login(world.payer)
    assert client.get("/payments/staff/payouts/").status_code == 404
    client.force_login(world.staff)
    page = client.get("/payments/staff/payouts/").content.decode()
    assert payout.public_id in page
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    for _ in range(2):  # a double submit makes one batch
        assert (
            client.post("/payments/staff/payouts/", {"action": "batch", "form_key": key}).status_code == 302
        )
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.BATCHED
    batch = payout.batch
    csv = client.get(f"/payments/staff/payouts/{batch.public_id}.csv")
    assert payout.public_id in csv.content.decode()
    result = SimpleUploadedFile(
        "r.csv",
        f"reference,status,bank_reference,reason\n{payout.public_id},success,T1,\n".encode(),
        "text/csv",
    )
    done = client.post(
        "/payments/staff/payouts/",
        {"action": "result", "batch": batch.public_id, "form_key": "k2", "result": result},
    )
    assert done.status_code == 302
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.PAID
