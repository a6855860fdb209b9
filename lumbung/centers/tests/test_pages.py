from decimal import Decimal

import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.centers.models import CashDeposit
from lumbung.core.money import Money

from .factories import agent_of, centre, drawer, platform_admin, take_cash

pytestmark = pytest.mark.django_db


def idr(amount) -> Money:
    return Money(Decimal(amount), "IDR")


@pytest.fixture
def world():
    row = centre(name="Pusat Layanan Desa Uji")
    take_cash(row, 90000)
    return {
        "row": row,
        "anonymous": None,
        "agent": agent_of(row, name="Sri Agen"),
        "other_agent": agent_of(centre()),
        "staff": UserFactory(is_staff=True),
        "platform_admin": platform_admin(),
    }


def _client(client, world, who):
    if world[who] is not None:
        client.force_login(world[who])
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("agent", 200), ("other_agent", 403), ("staff", 403), ("platform_admin", 200)],
)
@pytest.mark.parametrize("page", ["centre", "cash_up"])
def test_centre_pages_permission_matrix(client, world, who, status, page):
    path = {"centre": "/centres/{}/", "cash_up": "/centres/{}/cash-up/"}[page].format(world["row"].public_id)
    response = _client(client, world, who).get(path)
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login" in response["Location"]
    if status == 200:
        assert "Pusat Layanan Desa Uji" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("agent", 302), ("other_agent", 403), ("staff", 403), ("platform_admin", 403)],
)
def test_deposit_form_permission_matrix(client, world, who, status):
    path = f"/centres/{world['row'].public_id}/cash-up/"
    response = _client(client, world, who).post(
        path, {"amount": "50000", "bank_reference": "SLIP-7", "form_key": "fk-1"}
    )
    assert response.status_code == status
    if who == "agent":
        assert response["Location"] == path
        assert drawer(world["row"]) == idr(40000)
    else:
        assert drawer(world["row"]) == idr(90000)
        assert CashDeposit.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "agent", "other_agent", "staff"])
def test_receive_page_is_for_this_centres_agents_only(client, world, who):
    response = _client(client, world, who).get(f"/centres/{world['row'].public_id}/receive/")
    assert response.status_code == {"anonymous": 302, "agent": 200}.get(who, 403)


def test_my_centre_sends_the_agent_to_their_centre(client, world):
    client.force_login(world["agent"])
    response = client.get("/centres/")
    assert response.status_code == 302
    assert response["Location"] == f"/centres/{world['row'].public_id}/"


def test_my_centre_refuses_a_villager_and_lists_all_for_a_platform_admin(client, world):
    client.force_login(UserFactory())
    assert client.get("/centres/").status_code == 403
    client.force_login(world["platform_admin"])
    response = client.get("/centres/")
    assert response.status_code == 200
    assert "Pusat Layanan Desa Uji" in response.content.decode()


def test_centre_page_shows_villages_hours_in_its_zone_and_agents(client, world):
    client.force_login(world["agent"])
    html = client.get(f"/centres/{world['row'].public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert world["row"].organisation.village.name in html
    assert "08.00–16.00" in html
    assert "WIB" in html
    assert "Sri Agen" in html


def test_cash_up_page_shows_what_to_deposit_and_a_double_submit_deposits_once(client, world):
    client.force_login(world["agent"])
    path = f"/centres/{world['row'].public_id}/cash-up/"
    page = client.get(path).content.decode()
    assert 'id="to-deposit">Rp90.000<' in page
    form = {"amount": "90000", "bank_reference": "BRI 77", "form_key": "one-time"}
    first = client.post(path, form)
    second = client.post(path, form)
    assert first.status_code == second.status_code == 302
    assert CashDeposit.objects.count() == 1
    assert drawer(world["row"]) == idr(0)
    after = client.get(path).content.decode()
    assert 'id="to-deposit">Rp0<' in after
    assert "BRI 77" in after


def test_a_refused_deposit_shows_why_and_saves_nothing(client, world):
    client.force_login(world["agent"])
    path = f"/centres/{world['row'].public_id}/cash-up/"
    response = client.post(
        path, {"amount": "95000", "bank_reference": "X", "form_key": "k"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Not enough money" in response.content.decode()
    assert drawer(world["row"]) == idr(90000)
    assert CashDeposit.objects.count() == 0
    blank = client.post(path, {"amount": "", "bank_reference": "", "form_key": "k2"})
    assert blank.status_code == 200
    assert CashDeposit.objects.count() == 0
