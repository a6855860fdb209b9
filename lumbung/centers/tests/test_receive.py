"""Taking cash at the counter through the real payments service (``payments.cash_receive``)."""

from decimal import Decimal

import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.core.ids import new_public_id
from lumbung.core.money import Money
from lumbung.ledger.models import JournalEntry

from .factories import agent_of, centre, drawer, platform_admin

pytestmark = pytest.mark.django_db


def idr(amount) -> Money:
    return Money(Decimal(amount), "IDR")


def cash_intent(amount=45000, method="cash"):
    from lumbung.payments.services import Allocation, intent_create

    order = new_public_id()
    return intent_create(
        payer=UserFactory(name="Bu Sumi"),
        allocations=[Allocation(f"order:{order}", f"escrow:order:{order}", idr(amount))],
        method=method,
    )


@pytest.fixture
def world():
    row = centre(name="Pusat Layanan Desa Uji")
    return {
        "row": row,
        "anonymous": None,
        "agent": agent_of(row),
        "other_agent": agent_of(centre()),
        "staff": UserFactory(is_staff=True),
        "platform_admin": platform_admin(),
    }


def _path(world):
    return f"/centres/{world['row'].public_id}/receive/"


def test_the_agent_finds_the_payment_by_its_number_and_sees_the_amount(client, world):
    intent = cash_intent()
    client.force_login(world["agent"])
    page = client.get(_path(world), {"q": f"  {intent.public_id.upper()} "}).content.decode()
    assert "Rp45.000" in page
    assert "Bu Sumi" in page
    assert 'name="form_key"' in page


def test_an_unknown_code_says_so(client, world):
    client.force_login(world["agent"])
    page = client.get(_path(world), {"q": "ZZZZ9999"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No order or payment has this code." in page
    assert 'name="form_key"' not in page


def test_taking_cash_fills_the_drawer_once_even_when_submitted_twice(client, world):
    intent = cash_intent(45000)
    client.force_login(world["agent"])
    form = {"intent": intent.public_id, "form_key": "counter-key-1"}
    first = client.post(_path(world), form)
    entries = JournalEntry.objects.count()
    second = client.post(_path(world), form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == f"/centres/{world['row'].public_id}/cash-up/"
    assert JournalEntry.objects.count() == entries
    assert drawer(world["row"]) == idr(45000)
    intent.refresh_from_db()
    assert intent.status == "paid"
    cash_up = client.get(first["Location"]).content.decode()
    assert 'id="to-deposit">Rp45.000<' in cash_up


def test_a_payment_not_in_cash_is_not_taken(client, world):
    intent = cash_intent(method="qris")
    client.force_login(world["agent"])
    page = client.get(_path(world), {"q": intent.public_id}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not set to cash" in page
    response = client.post(_path(world), {"intent": intent.public_id, "form_key": "k"})
    assert response.status_code == 200
    assert drawer(world["row"]) == idr(0)
    intent.refresh_from_db()
    assert intent.status == "pending"


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("other_agent", 403), ("staff", 403), ("platform_admin", 403)]
)
def test_only_this_centres_agent_takes_cash_here(client, world, who, status):
    intent = cash_intent()
    if world[who] is not None:
        client.force_login(world[who])
    response = client.post(_path(world), {"intent": intent.public_id, "form_key": "k"})
    assert response.status_code == status
    intent.refresh_from_db()
    assert intent.status == "pending"
    assert drawer(world["row"]) == idr(0)


def test_the_agent_takes_cash_for_an_order_by_the_code_the_villager_reads_aloud(client, world):
    from lumbung.orders.tests import factories as orders

    shopper = orders.buyer(name="Pak Darto")
    _shop, variant = orders.shop_with_variant(price="30000")
    placed = orders.checkout(shopper, (variant, 2), method="cash")
    order = placed.orders[0]
    client.force_login(world["agent"])
    page = client.get(_path(world), {"q": order.code.lower()}).content.decode()
    assert order.code in page
    assert "Pak Darto" in page
    intent = intent_by_order(order)
    assert str(intent.total) in page
    client.post(_path(world), {"intent": intent.public_id, "form_key": "order-key"})
    intent.refresh_from_db()
    assert intent.status == "paid"
    assert drawer(world["row"]) == intent.total


def intent_by_order(order):
    from lumbung.payments.models import PaymentIntent

    return PaymentIntent.objects.get(public_id=order.payment_intent)
