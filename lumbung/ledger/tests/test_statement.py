"""Statements: newest first, a running balance that ends at today's balance, pages that never split an entry."""

from decimal import Decimal

import pytest

from lumbung.core.errors import NotFound
from lumbung.ledger import services
from lumbung.ledger.selectors import accounts_of_owner, statement
from lumbung.ledger.services import Line, entry_post

from .factories import fund, money

pytestmark = pytest.mark.django_db


@pytest.fixture
def payable():
    return services.account_get_or_create(code="payable:seller:st", currency="IDR", owner="org:st")


@pytest.fixture
def bank():
    return services.account_get_or_create(code="bank:platform:st", currency="IDR")


def test_running_balance_walks_back_from_the_current_balance(payable, bank):
    fund(payable, 1000, reference="sale:1")
    fund(payable, 250, reference="sale:2")
    entry_post(
        kind="payout",
        reference="payout:1",
        memo="Payout",
        lines=[Line(payable, money(600)), Line(bank, money(-600))],
    )
    page = statement(account=payable)
    assert [(line.reference, line.change, line.balance_after) for line in page.lines] == [
        ("payout:1", money(-600), money(650)),
        ("sale:2", money(250), money(1250)),
        ("sale:1", money(1000), money(1000)),
    ]
    assert page.lines[0].memo == "Payout"
    assert page.next_cursor is None


def test_pages_continue_where_the_last_one_stopped(payable):
    for n in range(1, 8):
        fund(payable, n, reference=f"sale:{n}")
    seen = []
    cursor = None
    while True:
        page = statement(account=payable, cursor=cursor, limit=3)
        seen += [(line.reference, line.balance_after.amount) for line in page.lines]
        cursor = page.next_cursor
        if cursor is None:
            break
    # 1+2+...+7 = 28; newest first, each line's balance is the total up to it.
    assert seen == [(f"sale:{n}", Decimal(n * (n + 1) // 2)) for n in range(7, 0, -1)]


def test_a_page_never_splits_an_entry(payable, bank):
    fund(payable, 100, reference="sale:1")
    # One entry touching the payable twice: both lines stay on one page.
    entry_post(
        kind="fees",
        reference="fees:1",
        lines=[Line(payable, money(10)), Line(payable, money(5)), Line(bank, money(-15))],
    )
    first = statement(account=payable, limit=1)
    assert [line.reference for line in first.lines] == ["fees:1", "fees:1"]
    assert [line.balance_after for line in first.lines] == [money(85), money(90)]
    second = statement(account=payable, cursor=first.next_cursor, limit=1)
    assert [line.reference for line in second.lines] == ["sale:1"]
    assert second.next_cursor is None


def test_an_owner_statement_keeps_a_running_balance_per_account(payable):
    usd = services.account_get_or_create(code="payable:seller:st-usd", currency="USD", owner="org:st")
    fund(payable, 500)
    fund(usd, "2.50")
    fund(payable, 100)
    page = statement(owner="org:st")
    assert [(line.account_code, line.balance_after) for line in page.lines] == [
        ("payable:seller:st", money(600)),
        ("payable:seller:st-usd", money("2.50", "USD")),
        ("payable:seller:st", money(500)),
    ]
    assert {a.code for a in accounts_of_owner("org:st")} == {"payable:seller:st", "payable:seller:st-usd"}


def test_an_unknown_cursor_is_not_found(payable):
    with pytest.raises(NotFound):
        statement(account=payable, cursor="nosuchentry0000")


def test_the_statement_costs_the_same_few_queries_however_long_the_history(
    payable, django_assert_max_num_queries
):
    for n in range(30):
        fund(payable, n + 1)
    with django_assert_max_num_queries(3):
        page = statement(account=payable, limit=10)
    assert len(page.lines) == 10
