"""Who sees which accounts, through the API and the pages: anonymous, owner, stranger, staff."""

import pytest
from django.urls import reverse

from lumbung.accounts.models import Membership, Organisation, Role
from lumbung.accounts.tests.factories import MembershipFactory, UserFactory
from lumbung.ledger import services
from lumbung.ledger.chart import owner_of_org, owner_of_user
from lumbung.ledger.models import LedgerAccount
from lumbung.ledger.services import Line, entry_post

from .factories import fund, money

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lumbung.ledger.tests.urls")]


@pytest.fixture
def world():
    owner = MembershipFactory(role=Role.OWNER)
    org = owner.organisation
    stranger = MembershipFactory(role=Role.OWNER)
    staff = UserFactory(is_staff=True)
    payable = services.account_get_or_create(
        code=f"payable:seller:{org.public_id}",
        currency="IDR",
        owner=owner_of_org(org.public_id),
        name=org.name,
    )
    escrow = services.account_get_or_create(
        code=f"escrow:buyer:{owner.user.public_id}", currency="IDR", owner=owner_of_user(owner.user.public_id)
    )
    theirs = services.account_get_or_create(
        code=f"payable:seller:{stranger.organisation.public_id}",
        currency="IDR",
        owner=owner_of_org(stranger.organisation.public_id),
    )
    fee = services.account_get_or_create(code="revenue:platform_fee", currency="IDR", name="Platform fee")
    fund(escrow, 150000, reference="topup:1")
    entry_post(
        kind="escrow.released",
        reference="order:7k2m",
        memo="Order 7K2M delivered",
        lines=[Line(escrow, money(150000)), Line(payable, money(-142500)), Line(fee, money(-7500))],
    )
    fund(theirs, 999)
    return {
        "owner": owner.user,
        "stranger": stranger.user,
        "staff": staff,
        "payable": payable,
        "escrow": escrow,
        "theirs": theirs,
        "fee": fee,
    }


def codes(response) -> set[str]:
    return {a["code"] for a in response.json()["accounts"]}


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


MINE = "/api/ledger/accounts/mine"


def statement_url(code: str) -> str:
    return f"/api/ledger/accounts/{code}/statement"


@pytest.mark.parametrize(
    ("who", "status", "expected"),
    [
        (None, 401, None),
        ("owner", 200, {"payable", "escrow"}),
        ("stranger", 200, {"theirs"}),
        ("staff", 200, "every account"),
    ],
)
def test_accounts_mine_matrix(client, world, who, status, expected):
    response = login(client, world.get(who)).get(MINE)
    assert response.status_code == status
    if expected == "every account":
        assert codes(response) == set(LedgerAccount.objects.values_list("code", flat=True))
    elif expected is not None:
        assert codes(response) == {world[name].code for name in expected}


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("owner", 200), ("stranger", 404), ("staff", 200)],
)
def test_statement_matrix(client, world, who, status):
    response = login(client, world.get(who)).get(statement_url(world["payable"].code))
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["account"]["balance"] == "142500"  # whole rupiah, as Money keeps IDR
        assert body["account"]["balance_display"] == "Rp142.500"
        [line] = body["lines"]
        assert line["reference"] == "order:7k2m"
        assert line["memo"] == "Order 7K2M delivered"
        assert line["change_display"] == "Rp142.500"
        assert line["balance_display"] == "Rp142.500"
    elif status == 404:
        # A refusal looks exactly like an account that does not exist: codes cannot be probed.
        missing = client.get(statement_url("payable:seller:doesnotexist"))
        assert (response.status_code, response.json()) == (missing.status_code, missing.json())


def test_platform_accounts_are_for_staff_only(client, world):
    assert login(client, world["owner"]).get(statement_url("revenue:platform_fee")).status_code == 404
    assert login(client, world["staff"]).get(statement_url("revenue:platform_fee")).status_code == 200


def test_a_platform_admin_role_counts_as_staff(client, world):
    admin = UserFactory()
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    assert login(client, admin).get(statement_url(world["theirs"].code)).status_code == 200


def test_a_member_producer_does_not_see_the_organisations_money(client, world):
    member = UserFactory()
    Membership.objects.create(user=member, organisation=_org_of(world), role=Role.MEMBER)
    response = login(client, member).get(MINE)
    assert world["payable"].code not in codes(response)
    assert client.get(statement_url(world["payable"].code)).status_code == 404


def test_a_centre_agent_sees_the_centres_money(client, world):
    agent = UserFactory()
    Membership.objects.create(user=agent, organisation=_org_of(world), role=Role.CENTRE_AGENT)
    assert world["payable"].code in codes(login(client, agent).get(MINE))


def test_statement_pages_through_the_api(client, world):
    for n in range(5):
        fund(world["payable"], 1, reference=f"extra:{n}")
    client.force_login(world["owner"])
    first = client.get(statement_url(world["payable"].code), {"limit": 4}).json()
    assert len(first["lines"]) == 4 and first["next_cursor"]
    second = client.get(
        statement_url(world["payable"].code), {"limit": 4, "cursor": first["next_cursor"]}
    ).json()
    assert [line["reference"] for line in second["lines"]] == ["extra:0", "order:7k2m"]
    assert second["next_cursor"] is None


def test_staff_page_through_every_account(client, world):
    client.force_login(world["staff"])
    seen, cursor = [], None
    while True:
        body = client.get(MINE, {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [a["code"] for a in body["accounts"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(LedgerAccount.objects.values_list("code", flat=True))


def _org_of(world):
    return Organisation.objects.get(public_id=world["payable"].owner.removeprefix("org:"))


# --- pages -------------------------------------------------------------------------------------------


def test_pages_ask_anonymous_visitors_to_log_in(client, world):
    for url in (reverse("ledger:accounts"), reverse("ledger:statement", args=[world["payable"].code])):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("stranger", 404), ("staff", 200)])
def test_statement_page_matrix(client, world, who, status):
    response = login(client, world[who]).get(reverse("ledger:statement", args=[world["payable"].code]))
    assert response.status_code == status


def test_statement_page_shows_each_line_in_the_viewers_zone_with_rupiah_and_running_balance(client, world):
    owner = world["owner"]
    owner.village = _org_of(world).village  # a Central Sulawesi village: WITA, UTC+8
    owner.save(update_fields=["village"])
    client.force_login(owner)
    response = client.get(reverse("ledger:statement", args=[world["payable"].code]))
    html = response.content.decode()
    assert "Order 7K2M delivered" in html
    assert "order:7k2m" in html
    assert "+Rp142.500" in html
    assert "WITA" in html
    assert "<script" not in html.split("<main", 1)[1]  # the page needs no JavaScript


def test_accounts_page_lists_only_my_accounts(client, world):
    client.force_login(world["owner"])
    html = client.get(reverse("ledger:accounts")).content.decode()
    assert world["payable"].code in html and world["escrow"].code in html
    assert world["theirs"].code not in html
    assert "revenue:platform_fee" not in html
