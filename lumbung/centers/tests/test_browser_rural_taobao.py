"""Browser: the whole Rural Taobao loop, through the real pages, with both providers as processes.

Wang Xiuying sells Lin'an hickory nuts from Bainiu village (白牛村, 临安区, Zhejiang) in yuan. Chen Li,
in Hangzhou's Xihu district, orders two jars for pickup at her own service centre and pays the
rupiah amount into a BCA virtual account: ``lumbung sandbox gateway`` runs as its own process and
sends the signed notification when "the bank" pays. Bainiu's agent takes the jars in at the counter
(weigh, check, accept), prints the label, batches the parcel for the carrier and closes the batch,
which books it with ``lumbung sandbox courier`` (Biteship, its own process). The carrier's courier
confirms the handover on his page. The courier sandbox moves the shipment along and posts signed
webhooks to the live server; Chen Li sees the parcel's journey on her order page. Xihu's agent
scans the parcel in, Chen Li gets a six-digit pickup code by SMS (the outbox), reads it at the
counter, and confirms receipt on her order page: the escrow is released. Wang's statement shows
her payout, Xihu's commission page and statement show its commission, the order's escrow is empty
and ``lumbung ledger verify`` is clean.

Nothing patches an adapter or the HTTP client: each sandbox is reached only through its base URL.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
import requests
from django.core.management import call_command

from lumbung.accounts.tests.factories import UserFactory
from lumbung.catalog.tests import factories as catalog
from lumbung.core.money import Money, format_money
from lumbung.core.sandbox import SandboxProcess, wait_for
from lumbung.ledger.models import LedgerAccount
from lumbung.ledger.verify import ledger_verify
from lumbung.logistics import conf as logistics_conf
from lumbung.logistics.models import Parcel, ParcelEvent, Shipment, TrackingEvent
from lumbung.logistics.tests.factories import CarrierFactory, courier_of
from lumbung.notify.models import OutboxMessage
from lumbung.orders.accounts import seller_payable_code
from lumbung.orders.models import Order
from lumbung.orders.tests.factories import cny_rate
from lumbung.payments.models import PaymentIntent, Status
from lumbung.regions.tests.factories import china_county
from lumbung.web.testing import browser_login

from .factories import agent_of, centre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATE = Decimal("2250.5")  # CNY → IDR, entered by staff before checkout
# The default fee rule the centres conftest seeds: 5 % platform fee, 3 % centre commission.
FEE, COMMISSION = Decimal("0.05"), Decimal("0.03")


# --- providers as processes ----------------------------------------------------------------------


@pytest.fixture
def courier_sandbox(live_server, settings):
    """The Biteship sandbox, stepped by hand (``step_seconds=0``); it posts webhooks to the live server."""
    with SandboxProcess(
        "courier",
        "--callback-url",
        f"{live_server.url}/logistics/biteship/webhook",
        "--secret",
        logistics_conf.SANDBOX_WEBHOOK_SECRET,
        "--set",
        "step_seconds=0",
    ) as process:
        settings.LUMBUNG_BITESHIP_BASE_URL = process.url
        settings.LUMBUNG_BITESHIP_API_KEY = logistics_conf.SANDBOX_API_KEY
        settings.LUMBUNG_BITESHIP_WEBHOOK_SECRET = logistics_conf.SANDBOX_WEBHOOK_SECRET
        yield process.url


# --- helpers -------------------------------------------------------------------------------------


def _click(page, selector: str) -> None:
    """Press a button or follow a link, and wait for the page the server answers with."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def _percent(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _balance(code: str) -> Decimal | None:
    account = LedgerAccount.objects.filter(code=code).first()
    return account.balance if account else None


def _yuan(amount: Decimal) -> str:
    return format_money(Money(amount, "CNY"))


def _status(parcel: Parcel) -> str:
    return Parcel.objects.get(pk=parcel.pk).status


# --- the loop ------------------------------------------------------------------------------------
def test_a_bainiu_order_travels_from_the_village_counter_to_a_pickup_centre_and_everyone_is_paid(
    live_server, midtrans_sandbox, courier_sandbox, new_page
):
    base = live_server.url
    cny_rate(str(RATE))

    # Bainiu: Wang Xiuying's nut shop, and the village's service centre that serves Lin'an.
    linan = china_county()  # 临安区, Hangzhou: Bainiu is a village in it, kept as the shop's text
    wang = UserFactory(
        phone="+8613805712001", name="王秀英 (Wang Xiuying)", language="zh-hans", village=linan
    )
    shop = catalog.shop(owner=wang, name="王家山核桃", village=linan, village_text="白牛村 (Bainiu)")
    nuts = catalog.product(
        shop_=shop,
        name_zh="临安手剥山核桃",
        name_en="Lin'an hand-shelled hickory nuts",
        variants=[{"sku": "WJ-250", "label": "250 g", "price": "45", "stock": 120, "weight_grams": 300}],
    )
    jar = nuts.variants.get()
    assert shop.currency == "CNY"
    bainiu = centre(village=linan, name="白牛村农村淘宝服务站")
    bainiu_agent = agent_of(bainiu, name="Bainiu agent")
    # Chen Li lives in Xihu district; its centre is her pickup point and earns the commission.
    xihu_area = china_county(county=("330106", "西湖区"))
    chen = UserFactory(phone="+8613900571003", name="陈丽 (Chen Li)", language="en", village=xihu_area)
    xihu = centre(village=xihu_area, name="西湖区农村淘宝服务站")
    xihu_agent = agent_of(xihu, name="Xihu agent")
    carrier = CarrierFactory(adapter="biteship", courier_code="jne", courier_type="reg", name="JNE")
    courier = courier_of(carrier, user__name="Kurir JNE")

    # 1. Chen Li orders two jars for pickup at Xihu and pays the rupiah amount by BCA VA.
    phone = new_page(locale="en-US")
    browser_login(phone, live_server, chen)
    phone.goto(f"{base}/p/{nuts.public_id}/")
    phone.select_option("form.buy select[name=variant]", jar.public_id)
    phone.fill("form.buy input[name=quantity]", "2")
    _click(phone, "form.buy button")
    phone.goto(f"{base}/orders/checkout/")
    assert phone.locator("select[name=district]").input_value() == xihu_area.code
    phone.fill("input[name=street]", "文三路 90 号")
    phone.check("input[name=shipping_method][value=pickup]")
    phone.check(f"input[name=pickup_centre][value='{xihu.public_id}']")
    phone.check("input[name=payment_method][value=gateway_va_bca]")
    _click(phone, "main form:has(input[name=street]) button:not([name])")
    order = Order.objects.get(buyer=chen)
    assert phone.url == f"{base}/orders/{order.public_id}/", phone.locator("main").inner_text()[:500]
    goods = Decimal(90)  # 2 × ¥45; within China the seller's shipping is in the price
    assert (order.currency, order.subtotal, order.shipping, order.total) == ("CNY", goods, 0, goods)
    assert (order.pay_currency, order.pay_total) == ("IDR", (goods * RATE).quantize(Decimal(1)))
    assert order.pickup_centre == xihu and order.commission_org == xihu.organisation
    _click(phone, f"main a[href='/payments/{order.payment_intent}/']")
    intent = PaymentIntent.objects.get(public_id=order.payment_intent)
    assert intent.va_number and intent.va_number in phone.locator("main").inner_text()
    answer = requests.post(
        f"{midtrans_sandbox}/_sandbox/pay", json={"order_id": intent.public_id}, timeout=30
    ).json()
    assert 200 in answer["callbackStatuses"], answer
    assert wait_for(lambda: PaymentIntent.objects.get(pk=intent.pk).status == Status.PAID)
    assert wait_for(lambda: Order.objects.get(pk=order.pk).status == "paid")

    # 2. Wang brings the jars to Bainiu's counter; the agent finds the order, weighs, checks, accepts.
    desk = new_page(locale="en-US")
    browser_login(desk, live_server, bainiu_agent)
    desk.goto(f"{base}/centres/console/")
    desk.fill("#scan", order.code)
    _click(desk, "button[formaction$='/intake/']")
    desk.fill("input[name=weight_grams]", str(order.weight_grams + 25))
    for box in ("count_ok", "condition_ok", "standards_ok"):
        desk.check(f"input[name={box}]")
    _click(desk, "button[value=accept]")
    parcel = Parcel.objects.get(reference=order.escrow_reference)
    order.refresh_from_db()
    assert order.status == "handed_over" and parcel.status == "accepted_at_centre"
    assert (parcel.origin_centre, parcel.destination_centre) == (bainiu.organisation, xihu.organisation)
    assert parcel.code in desk.locator("#to-courier + ul").inner_text()
    assert OutboxMessage.objects.filter(to=wang.phone, template="drop_off_accepted").count() == 1
    # The label: from the console to the parcel's page, then its A6 PDF.
    _click(desk, f"#to-courier + ul a[href='/logistics/parcels/{parcel.public_id}/']")
    label = desk.request.get(base + desk.locator("a[href$='label.pdf?size=a6']").get_attribute("href"))
    assert label.status == 200 and label.headers["content-type"] == "application/pdf"
    assert label.body().startswith(b"%PDF-")

    # 3. A batch for the carrier, closed (booked with the courier sandbox), handed to the courier.
    desk.goto(f"{base}/centres/{bainiu.public_id}/counter/")
    _click(desk, f"a[href='/logistics/centres/{bainiu.public_id}/batching/']")
    desk.select_option("select[name=carrier]", carrier.public_id)
    desk.check(f"input[name=parcels][value='{parcel.public_id}']")
    _click(desk, "main form[method=post] button[type=submit]")
    _click(desk, "form:has(input[value=close]) button")
    shipment = Shipment.objects.get(parcel=parcel)
    assert shipment.state == "booked" and shipment.waybill_id.startswith("WYB-JNE-")
    (booked,) = requests.get(f"{courier_sandbox}/_sandbox/orders", timeout=5).json()["orders"]
    assert booked["id"] == shipment.carrier_order_id and booked["reference_id"] == parcel.code
    parcel.refresh_from_db()
    assert parcel.status == "batched" and parcel.batch.status == "closed"

    van = new_page(locale="en-US")
    browser_login(van, live_server, courier)
    van.goto(f"{base}/logistics/courier/")
    _click(van, f"a[href='/logistics/batches/{parcel.batch.public_id}/handover']")
    assert parcel.code in van.locator("main").inner_text()
    _click(van, "main form[method=post] button")
    assert _status(parcel) == "handed_to_carrier"
    assert Order.objects.get(pk=order.pk).status == "in_transit"

    # 4. The carrier moves it along: each step is a signed webhook from the sandbox process.
    seen = []
    for _ in range(5):  # allocated, picking_up, picked, dropping_off, delivered (to the centre)
        step = requests.post(
            f"{courier_sandbox}/_sandbox/orders/{shipment.carrier_order_id}/advance", timeout=30
        ).json()["step"]
        assert step["callback_status"] == 200, step
        seen.append(_status(parcel))
    assert seen == [
        "handed_to_carrier",
        "handed_to_carrier",
        "in_transit",
        "in_transit",  # "dropping off" means nothing for a parcel the centre hands out
        "at_destination_hub",
    ]
    phone.goto(f"{base}/orders/{order.public_id}/")
    journey = phone.locator("#tracking li").evaluate_all("items => items.map(i => i.dataset.status)")
    assert journey == [
        "created",
        "accepted_at_centre",
        "batched",
        "handed_to_carrier",
        "in_transit",
        "at_destination_hub",
    ]
    tracking = phone.locator("#tracking").inner_text()
    assert parcel.code in tracking and shipment.waybill_id in tracking
    # Five signed webhooks, each stored once; the two that move a parcel moved it.
    events = TrackingEvent.objects.filter(shipment=shipment, source="webhook").order_by("occurred_at")
    assert [e.carrier_status for e in events] == [
        "allocated",
        "picking_up",
        "picked",
        "dropping_off",
        "delivered",
    ]
    assert [e.applied_status for e in events if e.applied_status] == ["in_transit", "at_destination_hub"]

    # 5. Xihu's agent scans it in: on the shelf, and Chen Li gets her pickup code.
    pickup = new_page(locale="en-US")
    browser_login(pickup, live_server, xihu_agent)
    pickup.goto(f"{base}/centres/{xihu.public_id}/counter/")
    _click(pickup, f"#incoming + ul a:text-is('{parcel.code}')")
    _click(pickup, "button[value=arrive]")
    assert _status(parcel) == "ready_for_pickup"
    assert pickup.locator("#parcel-status").inner_text() == "Ready for pickup"
    sms = OutboxMessage.objects.filter(to=chen.phone, template="pickup_code").order_by("-pk").first()
    assert sms is not None and order.code in sms.body
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    pickup.fill("input[name=code]", code)
    _click(pickup, "form:has(input[value=hand_over]) button")
    assert _status(parcel) == "collected"
    assert Order.objects.get(pk=order.pk).status == "delivered"

    # 6. Chen Li confirms receipt: completion releases the escrow.
    phone.goto(f"{base}/orders/{order.public_id}/")
    _click(phone, f"form[action='/orders/{order.public_id}/do/confirm/'] button")
    order.refresh_from_db()
    assert order.status == "completed"
    assert phone.locator("main .badge").first.inner_text() == "completed"
    journey = phone.locator("#tracking li").evaluate_all("items => items.map(i => i.dataset.status)")
    assert journey[-3:] == ["at_destination_hub", "ready_for_pickup", "collected"]

    # 7. The money, as each person sees it.
    fee, commission = _percent(goods, FEE), _percent(goods, COMMISSION)
    earned = goods - fee - commission
    assert (order.released_seller, order.released_fee, order.released_commission) == (earned, fee, commission)
    seller_page = new_page(locale="en-US")
    browser_login(seller_page, live_server, wang)
    seller_page.goto(f"{base}/ledger/")
    _click(seller_page, f"main a[href='/ledger/{seller_payable_code(shop.organisation.public_id)}/']")
    statement = seller_page.locator("main").inner_text()
    assert f"+{_yuan(earned)}" in statement and order.escrow_reference in statement

    pickup.goto(f"{base}/centres/{xihu.public_id}/commission/")
    assert pickup.locator("#commission-balance").inner_text() == _yuan(commission)
    assert _yuan(commission) in pickup.locator("table").inner_text()
    pickup.goto(f"{base}/ledger/")
    commission_code = f"commission:agent:CNY:{xihu.public_id}"
    _click(pickup, f"main a[href='/ledger/{commission_code}/']")
    agent_statement = pickup.locator("main").inner_text()
    assert f"+{_yuan(commission)}" in agent_statement and order.escrow_reference in agent_statement

    assert _balance(f"escrow:order:{order.public_id}") == 0
    assert _balance(f"escrow:order:{order.public_id}:IDR") == 0
    report = ledger_verify()
    assert report.ok, report
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    assert "ledger verified" in out.getvalue()
    # Both currencies were booked (rupiah paid, yuan released) and each trial balance is nil (to the
    # verifier's half-cent: SQLite sums decimals as floats).
    assert set(report.trial_balance) == {"IDR", "CNY"} and not report.unbalanced_currencies
    assert ParcelEvent.objects.filter(parcel=parcel, to_status="collected").count() == 1
