from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from lumbung.centers import selectors, services
from lumbung.centers.models import CashDeposit
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.money import Money
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.services import InsufficientFunds
from lumbung.regions.tests.factories import village

from .factories import agent_of, bank, centre, drawer, platform_admin, take_cash

pytestmark = pytest.mark.django_db


def idr(amount) -> Money:
    return Money(Decimal(amount), "IDR")


def test_a_deposit_moves_money_from_the_drawer_to_the_bank():
    row = centre()
    agent = agent_of(row)
    take_cash(row, 150000)
    deposit = services.cash_deposit_record(
        agent=agent, centre=row, amount=idr(100000), bank_reference="BRI 0042917", idempotency_key="k1"
    )
    assert drawer(row) == idr(50000)
    assert bank() == idr(100000)
    postings = {p.account.code: p.amount for p in deposit.journal_entry.postings.select_related("account")}
    assert postings == {"bank:platform:main": Decimal(100000), row.cash_account_code: Decimal(-100000)}
    assert deposit.journal_entry.kind == "cash_deposit"
    assert deposit.bank_reference == "BRI 0042917"


def test_the_same_key_deposits_once():
    row = centre()
    agent = agent_of(row)
    take_cash(row, 80000)
    args = {
        "agent": agent,
        "centre": row,
        "amount": idr(80000),
        "bank_reference": "S-1",
        "idempotency_key": "same",
    }
    first = services.cash_deposit_record(**args)
    second = services.cash_deposit_record(**args)
    assert first == second
    assert CashDeposit.objects.count() == 1
    assert drawer(row) == idr(0)
    with pytest.raises(Conflict):
        services.cash_deposit_record(**{**args, "amount": idr(1000)})


def test_more_than_the_drawer_holds_is_refused_and_nothing_is_written():
    row = centre()
    agent = agent_of(row)
    take_cash(row, 20000)
    entries = JournalEntry.objects.count()
    with pytest.raises(InsufficientFunds):
        services.cash_deposit_record(
            agent=agent, centre=row, amount=idr(20001), bank_reference="S-2", idempotency_key="k2"
        )
    assert drawer(row) == idr(20000)
    assert CashDeposit.objects.count() == 0
    assert JournalEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("amount", "slip", "field"),
    [
        (idr(0), "S", "amount"),
        (idr(-5), "S", "amount"),
        (Money(Decimal(5), "USD"), "S", "amount"),
        (idr(5), "  ", "bank_reference"),
    ],
)
def test_bad_deposits_are_refused(amount, slip, field):
    row = centre()
    take_cash(row, 1000)
    with pytest.raises(ValidationFailed) as info:
        services.cash_deposit_record(
            agent=agent_of(row), centre=row, amount=amount, bank_reference=slip, idempotency_key="k"
        )
    assert info.value.details["field"] == field
    assert drawer(row) == idr(1000)


@pytest.mark.parametrize("who", ["stranger", "other_agent", "platform_admin"])
def test_only_this_centres_agent_deposits(who):
    from lumbung.accounts.tests.factories import UserFactory

    row = centre()
    take_cash(row, 5000)
    actor = {
        "stranger": UserFactory,
        "other_agent": lambda: agent_of(centre()),
        "platform_admin": platform_admin,
    }[who]()
    with pytest.raises(Forbidden):
        services.cash_deposit_record(
            agent=actor, centre=row, amount=idr(5000), bank_reference="S", idempotency_key="k"
        )
    assert drawer(row) == idr(5000)
    assert CashDeposit.objects.count() == 0


def test_cash_up_adds_up_against_the_ledger_in_the_centres_own_day():
    # A centre in Sulawesi keeps WITA (UTC+8): its day starts at 16:00 UTC the evening before.
    row = centre(village=village(province="72", province_name="Sulawesi Tengah"))
    assert row.timezone == "Asia/Makassar"
    agent = agent_of(row)
    with time_machine.travel(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False):  # 3 March, 17:00 WITA
        take_cash(row, 70000)
    with time_machine.travel(
        datetime(2025, 3, 3, 15, 59, tzinfo=UTC), tick=False
    ):  # 23:59 WITA, still 3 March
        take_cash(row, 5000)
    with time_machine.travel(datetime(2025, 3, 3, 16, 1, tzinfo=UTC), tick=False):  # 4 March, 00:01 WITA
        take_cash(row, 25000)
    with time_machine.travel(datetime(2025, 3, 4, 3, 0, tzinfo=UTC), tick=False):
        services.cash_deposit_record(
            agent=agent, centre=row, amount=idr(60000), bank_reference="S-9", idempotency_key="d1"
        )
        take_cash(row, 12500)
        cash = selectors.cash_up(centre=row)
    assert cash.day.isoformat() == "2025-03-04"
    assert cash.opening == idr(75000)
    assert cash.received == idr(37500)
    assert cash.deposited == idr(60000)
    assert cash.paid_out == idr(0)
    assert cash.closing == cash.to_deposit == drawer(row) == idr(52500)
    assert cash.balances
    assert [d.bank_reference for d in cash.deposits] == ["S-9"]
    assert len(cash.lines) == 3

    earlier = selectors.cash_up(centre=row, day=cash.day.replace(day=3))
    assert (earlier.opening, earlier.received, earlier.closing) == (idr(0), idr(75000), idr(75000))
    assert earlier.deposits == []


def test_cash_up_of_a_new_centre_is_all_zero():
    cash = selectors.cash_up(centre=centre())
    assert cash.opening == cash.received == cash.deposited == cash.to_deposit == idr(0)
    assert cash.lines == []


def test_cash_up_reads_past_a_full_statement_page():
    from lumbung.ledger.selectors import MAX_PAGE

    row = centre()
    with time_machine.travel(datetime(2025, 5, 1, 3, 0, tzinfo=UTC), tick=False):
        take_cash(row, 1000)
    with time_machine.travel(datetime(2025, 5, 2, 3, 0, tzinfo=UTC), tick=False):
        for _ in range(MAX_PAGE + 5):
            take_cash(row, 10)
        cash = selectors.cash_up(centre=row)
    assert cash.opening == idr(1000)
    assert cash.received == idr(10 * (MAX_PAGE + 5))
    assert cash.balances
