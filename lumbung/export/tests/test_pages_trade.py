import re
from datetime import timedelta

import pytest
from django.utils import timezone

from lumbung.accounts.tests.factories import UserFactory
from lumbung.export.models import Contract, Delivery, PayoutRun, Pledge, Quote, Rfq
from lumbung.export.services import pooling

from .factories import buyer, days, exporter, fund_exporter, member, pdf_upload

pytestmark = pytest.mark.django_db


def test_rfq_quote_accept_pool_and_payout_through_pages(client):
    ex, manager = exporter(name="BUMDes Kelor Oebelo")
    hk = buyer(name="Chan")
    client.force_login(hk)
    response = client.post(
        "/export/rfqs/new/",
        {
            "buyer_company": "HK Wellness",
            "product": "Moringa leaf powder",
            "hs_code": "1212.99",
            "quantity": "100",
            "unit": "kg",
            "destination_country": "HK",
            "destination_port": "Hong Kong",
            "incoterm": "CIF",
            "target_date": str(days(60)),
            "currency": "USD",
            "deadline": (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
            "max_quotes": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    rfq = Rfq.objects.get()
    client.force_login(manager)
    page = client.get(f"/export/rfqs/{rfq.public_id}/")
    assert "Moringa leaf powder" in page.content.decode()
    response = client.post(
        f"/export/rfqs/{rfq.public_id}/",
        {
            "q-unit_price_1": "6.40",
            "q-moq": "50",
            "q-incoterm": "CIF",
            "q-named_port": "Hong Kong",
            "q-lead_time_days": "30",
            "q-valid_until": str(days(20)),
            "q-deposit_percent": "30",
            "q-payment_terms": "30% deposit, 70% against documents",
            "q-packaging": "25 kg bags",
        },
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    client.force_login(UserFactory())
    assert client.get(f"/export/rfqs/{rfq.public_id}/").status_code == 403
    client.force_login(hk)
    assert "6.40" in client.get(f"/export/rfqs/{rfq.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post(f"/export/quotes/{quote.public_id}/accept/", {"tolerance_percent": "5"})
    contract = Contract.objects.get()
    assert response["Location"] == f"/export/contracts/{contract.public_id}/"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "phytosanitary certificate" in page and "Badan Karantina" in page
    assert client.get(f"/export/contracts/{contract.public_id}/contract.pdf").content.startswith(b"%PDF")
    # the BUMDes records a document with its file on the contract page
    client.force_login(manager)
    response = client.post(
        f"/export/contracts/{contract.public_id}/",
        {"d-kind": "phytosanitary", "d-number": "PH-77", "d-file": pdf_upload()},
    )
    assert response.status_code == 302
    assert contract.documents.get().number == "PH-77"
    # pool: a producer pledges on the page, the manager weighs in on the page
    pool = pooling.pool_open(actor=manager, contract=contract, grade_prices={"A": "40000"})
    ani = member(ex.organisation, name="Ani")
    client.force_login(ani)
    assert client.post(f"/export/pools/{pool.public_id}/", {"p-quantity_kg": "100"}).status_code == 302
    assert Pledge.objects.get().quantity_kg == 100
    refused = client.post(f"/export/pools/{pool.public_id}/", {"p-quantity_kg": "1"})
    assert refused.status_code == 200 and Pledge.objects.count() == 1
    client.force_login(manager)
    response = client.post(
        f"/export/pools/{pool.public_id}/",
        {
            "w-producer": ani.public_id,
            "w-weight_kg": "100.250",
            "w-grade": "A",
            "w-harvested_on": str(timezone.localdate() - timedelta(days=3)),
        },
    )
    assert response.status_code == 302
    assert Delivery.objects.get().weight_kg == pytest.approx(100.25)
    assert client.post(f"/export/pools/{pool.public_id}/", {"close": "1"}).status_code == 302
    fund_exporter(contract, 5_000_000)
    # The manager pays the producers from the pool page; a double submit pays once.
    pool_page = client.get(f"/export/pools/{pool.public_id}/").content.decode()
    form_key = re.search(r'name="form_key" value="([^"]+)"', pool_page).group(1)
    for _ in range(2):
        paid = client.post(f"/export/pools/{pool.public_id}/payout/", {"form_key": form_key})
        assert paid.status_code == 302
    assert PayoutRun.objects.filter(pool=pool).count() == 1
    client.force_login(ani)
    page = client.get("/export/producer/").content.decode()
    assert "4.010.000" in page or "4,010,000" in page
