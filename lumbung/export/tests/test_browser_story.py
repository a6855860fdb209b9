"""The seeds' story in a real browser: a Hong Kong buyer's RFQ for 2 t of moringa leaf powder CIF
Hong Kong, two BUMDes quote, one is accepted, 40 producers pledge and deliver (3 through the pages,
the rest through the API), the lot passes inspection, shipping is blocked until the quarantine
certificate and PEB are in, the goods ship, the balance is released, every producer sees their
payout, and the lot's QR code opens the provenance page."""

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
import segno
from django.test import Client
from django.utils import timezone
from PIL import Image

from lumbung.export.models import Contract, Delivery, ExportLot, Pool, ProducerPayout, Quote, Rfq
from lumbung.payments.services.fx import fx_rate_enter
from lumbung.web.testing import browser_login

from .factories import buyer, exporter, facilitator, inspector, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def api(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data, **headers):
    return client.post(url, data=json.dumps(data, default=str), content_type="application/json", **headers)


def png(tmp_path):
    path = tmp_path / "lot.png"
    Image.new("RGB", (60, 40), (80, 130, 60)).save(path)
    return str(path)


def quote_through_page(page, live_server, rfq, price):
    page.goto(f"{live_server.url}/export/rfqs/{rfq.public_id}/")
    page.fill("input[name=q-unit_price_1]", price)
    page.fill("input[name=q-moq]", "1")
    page.select_option("select[name=q-incoterm]", "CIF")
    page.fill("input[name=q-named_port]", "Hong Kong")
    page.fill("input[name=q-lead_time_days]", "30")
    page.fill("input[name=q-valid_until]", str(timezone.localdate() + timedelta(days=20)))
    page.fill("input[name=q-packaging]", "25 kg kraft bags with PE liner")
    page.locator("main form button", has_text="quote").last.click()
    page.wait_for_load_state()


def test_the_moringa_story(live_server, new_page, tmp_path):
    oebelo, oebelo_manager = exporter(name="BUMDes Kelor Oebelo", capacity="5000")
    _sabu, sabu_manager = exporter(name="BUMDes Moringa Sabu", capacity="5000")
    hk = buyer(name="Chan Wing Kei")
    desk = facilitator()
    checker = inspector()
    page = new_page(locale="en-US")

    # 1. The buyer posts the RFQ.
    browser_login(page, live_server, hk)
    page.goto(live_server.url + "/export/rfqs/new/")
    page.fill("input[name=buyer_company]", "Harbour Wellness Trading Ltd")
    page.fill("input[name=product]", "Moringa leaf powder")
    page.select_option("select[name=hs_code]", "1212.99")
    page.fill("input[name=quantity]", "2")
    page.select_option("select[name=unit]", "t")
    page.fill("input[name=destination_country]", "HK")
    page.fill("input[name=destination_port]", "Hong Kong")
    page.select_option("select[name=incoterm]", "CIF")
    page.fill("input[name=target_date]", str(timezone.localdate() + timedelta(days=60)))
    page.select_option("select[name=currency]", "USD")
    page.fill("input[name=deadline]", (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%d %H:%M"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/export/rfqs/*/")
    rfq = Rfq.objects.get()
    assert rfq.invites.count() == 2

    # 2. Two BUMDes quote through the page.
    browser_login(page, live_server, oebelo_manager)
    quote_through_page(page, live_server, rfq, "5900")
    browser_login(page, live_server, sabu_manager)
    quote_through_page(page, live_server, rfq, "6300")
    assert Quote.objects.count() == 2
    quotes = page.locator("table").first  # the quotes; the quote form's price tiers follow
    assert quotes.locator("tbody tr").count() == 1  # Sabu sees only its own quote
    assert "Kelor Oebelo" not in quotes.inner_text()
    winner = Quote.objects.get(exporter=oebelo)

    # 3. The buyer compares side by side and accepts Oebelo's quote.
    browser_login(page, live_server, hk)
    page.goto(f"{live_server.url}/export/rfqs/{rfq.public_id}/")
    assert page.locator("table tbody tr").count() == 2
    page.locator(f"form[action$='/quotes/{winner.public_id}/accept/'] button").click()
    page.wait_for_url("**/export/contracts/*/")
    contract = Contract.objects.get()
    assert contract.total == Decimal("11800.00")
    assert "Phytosanitary certificate" in page.content() or "phytosanitary certificate" in page.content()

    # 4. The facilitator records the deposit; the BUMDes opens the pool.
    browser_login(page, live_server, desk)
    page.goto(f"{live_server.url}/export/contracts/{contract.public_id}/")
    page.fill("form[action$='/do/deposit/'] input[name=bank_reference]", "TT-HK-0001")
    page.locator("form[action$='/do/deposit/'] button").click()
    page.wait_for_load_state()
    browser_login(page, live_server, oebelo_manager)
    page.goto(f"{live_server.url}/export/contracts/{contract.public_id}/")
    page.fill("input[name=price_A]", "45000")
    page.fill("input[name=price_EXPORT_PREMIUM]", "52000")
    page.locator("form[action$='/do/pool/'] button").click()
    page.wait_for_url("**/export/pools/*/")
    pool = Pool.objects.get()

    # 5. 40 producers pledge 50 kg each: 3 through the page, 37 through the API.
    producers = [member(oebelo.organisation, name=f"Petani{i} Oebelo") for i in range(40)]
    for producer in producers[:3]:
        browser_login(page, live_server, producer)
        page.goto(f"{live_server.url}/export/pools/{pool.public_id}/")
        page.fill("input[name=p-quantity_kg]", "50")
        page.locator("main form button", has_text="Pledge").click()
        page.wait_for_load_state()
    for producer in producers[3:]:
        assert (
            post(
                api(producer), f"/api/export/pools/{pool.public_id}/pledges", {"quantity_kg": "50"}
            ).status_code
            == 201
        )
    late = post(
        api(member(oebelo.organisation)), f"/api/export/pools/{pool.public_id}/pledges", {"quantity_kg": "5"}
    )
    assert late.status_code == 409

    # 6. Deliveries weighed in: 3 through the page, 37 through the API.
    harvested = str(timezone.localdate() - timedelta(days=6))
    browser_login(page, live_server, oebelo_manager)
    for producer in producers[:3]:
        page.goto(f"{live_server.url}/export/pools/{pool.public_id}/")
        page.select_option("select[name=w-producer]", producer.public_id)
        page.fill("input[name=w-weight_kg]", "50.000")
        page.select_option("select[name=w-grade]", "A")
        page.fill("input[name=w-harvested_on]", harvested)
        page.locator("main form button", has_text="Record delivery").click()
        page.wait_for_load_state()
    manager_api = api(oebelo_manager)
    for producer in producers[3:]:
        body = {
            "producer": producer.public_id,
            "weight_kg": "50.000",
            "grade": "A",
            "harvested_on": harvested,
        }
        assert post(manager_api, f"/api/export/pools/{pool.public_id}/deliveries", body).status_code == 201
    assert Delivery.objects.count() == 40

    # 7. Close the pool and assemble the lot on the page.
    page.goto(f"{live_server.url}/export/pools/{pool.public_id}/")
    page.locator("button[name=close]").click()
    page.wait_for_load_state()
    page.fill("input[name=packages]", "80")
    page.fill("input[name=gross_kg]", "2012")
    page.fill("input[name=marks]", "KELOR OEBELO/HK/001")
    page.locator("form[action$='/lots/'] button").click()
    page.wait_for_load_state()
    lot = ExportLot.objects.get()
    assert lot.components.count() == 40

    # 8. The inspector passes the lot.
    browser_login(page, live_server, checker)
    page.goto(f"{live_server.url}/export/lots/{lot.public_id}/inspect/")
    page.check("input[name=passed]")
    page.fill("input[name=samples]", "8")
    page.fill("textarea[name=checklist]", "colour and smell\nno foreign matter\nbags sealed")
    page.fill("input[name=moisture_pct]", "6.9")
    page.set_input_files("input[name=photo]", png(tmp_path))
    page.locator("main form button").click()
    page.wait_for_url("**/export/pools/*/")
    lot.refresh_from_db()
    assert lot.status == "passed"

    # 9. Shipping is blocked until the phytosanitary certificate, insurance and PEB are in.
    browser_login(page, live_server, oebelo_manager)
    page.goto(f"{live_server.url}/export/contracts/{contract.public_id}/")
    page.fill("input[name=s-transport_document]", "BL-KUP-7781")
    page.locator("main form button", has_text="Ship").click()
    page.wait_for_load_state()
    assert "Documents missing" in page.content()
    contract.refresh_from_db()
    assert contract.status == "in_preparation"
    for kind, number, npe in (
        ("phytosanitary", "KT-2026-PH-0913", ""),
        ("insurance", "INS-HK-221", ""),
        ("peb", "PEB-040300-118", "NPE-040300-77"),
    ):
        page.goto(f"{live_server.url}/export/contracts/{contract.public_id}/")
        page.select_option("select[name=d-kind]", kind)
        page.fill("input[name=d-number]", number)
        page.fill("input[name=d-npe]", npe)
        page.locator("main form button", has_text="Save document").click()
        page.wait_for_load_state()
    page.fill("input[name=s-transport_document]", "BL-KUP-7781")
    page.locator("main form button", has_text="Ship").click()
    page.wait_for_load_state()
    contract.refresh_from_db()
    assert contract.status == "shipped"

    # 10. Arrival, balance, release at a recorded rate, payout.
    browser_login(page, live_server, hk)
    page.goto(f"{live_server.url}/export/contracts/{contract.public_id}/")
    page.locator("form[action$='/do/arrived/'] button").click()
    page.wait_for_load_state()
    fx_rate_enter(base="USD", quote="IDR", rate=Decimal("16250"), source="BI JISDOR", actor=desk)
    browser_login(page, live_server, desk)
    page.goto(f"{live_server.url}/export/contracts/{contract.public_id}/")
    page.fill("form[action$='/do/balance/'] input[name=bank_reference]", "TT-HK-0002")
    page.locator("form[action$='/do/balance/'] button").click()
    page.wait_for_load_state()
    page.locator("form[action$='/do/release/'] button").click()
    page.wait_for_load_state()
    contract.refresh_from_db()
    assert contract.status == "completed"
    paid = post(
        manager_api, f"/api/export/pools/{pool.public_id}/payout", {}, HTTP_IDEMPOTENCY_KEY="payout-1"
    )
    assert paid.status_code == 201
    assert ProducerPayout.objects.count() == 40

    # 11. Every producer sees their payout (three on the page, all through the API).
    for producer in producers:
        rows = api(producer).get("/api/export/me/payouts").json()
        assert [row["amount"] for row in rows] == ["2250000.00"]  # 50 kg × Rp45,000
    for producer in producers[:3]:
        browser_login(page, live_server, producer)
        page.goto(live_server.url + "/export/producer/")
        assert "2,250,000" in page.content() or "2.250.000" in page.content()

    # 12. The lot's QR code opens the provenance page.
    svg = page.request.get(f"{live_server.url}/export/p/{lot.public_id}/qr.svg").body()
    url = f"{live_server.url}/export/p/{lot.public_id}/"
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False)
    assert svg == out.getvalue()
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Oebelo" in page.content()
    assert "moisture_pct 6.9" in page.content()
