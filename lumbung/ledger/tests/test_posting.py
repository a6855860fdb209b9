"""Posting entries: what is accepted moves balances; what is refused leaves no trace."""

from decimal import Decimal

import pytest
from django.db import transaction

from lumbung.core.errors import Conflict, NotFound, ValidationFailed
from lumbung.ledger import services
from lumbung.ledger.models import AccountType, JournalEntry, LedgerAccount, Posting
from lumbung.ledger.selectors import balance, balance_derived
from lumbung.ledger.services import AlreadyReversed, InsufficientFunds, Line, UnbalancedEntry, entry_post

from .factories import AccountFactory, fund, money

pytestmark = pytest.mark.django_db


def ledger_rows() -> tuple[int, int, dict[str, Decimal]]:
    return (
        JournalEntry.objects.count(),
        Posting.objects.count(),
        dict(LedgerAccount.objects.values_list("code", "balance")),
    )


@pytest.fixture
def gateway():
    return services.account_get_or_create(code="clearing:gateway:midtrans", currency="IDR", name="Midtrans")


@pytest.fixture
def escrow():
    return services.account_get_or_create(
        code="escrow:buyer:b1", currency="IDR", owner="user:b1", name="Escrow of buyer b1"
    )


@pytest.fixture
def payable():
    return services.account_get_or_create(
        code="payable:seller:s1", currency="IDR", owner="org:s1", name="Toko s1"
    )


@pytest.fixture
def fee():
    return services.account_get_or_create(code="revenue:platform_fee", currency="IDR", name="Platform fee")


def test_a_balanced_entry_posts_and_moves_every_balance(gateway, escrow):
    # A buyer pays Rp125.000 through the gateway: the gateway owes us (asset up, debit) and we hold
    # it for the buyer (escrow, a liability, up: credit).
    entry = entry_post(
        kind="payment.captured",
        reference="order:7k2m",
        memo="Payment for order 7K2M",
        lines=[Line("clearing:gateway:midtrans", money(125000)), Line(escrow, money(-125000))],
    )
    assert entry.public_id and entry.reference == "order:7k2m"
    assert sorted(p.amount for p in entry.postings.all()) == [Decimal(-125000), Decimal(125000)]
    assert balance(gateway) == money(125000)
    assert balance(escrow) == money(125000)
    assert balance_derived(gateway) == balance(gateway)
    assert balance_derived(escrow) == balance(escrow)


def test_an_entry_can_split_one_amount_over_several_accounts(gateway, escrow, payable, fee):
    fund(escrow, 100000)
    # Release escrow: 95% to the seller, 5% platform fee.
    entry_post(
        kind="escrow.released",
        reference="order:7k2m",
        lines=[Line(escrow, money(100000)), Line(payable, money(-95000)), Line(fee, money(-5000))],
    )
    assert balance(escrow) == money(0)
    assert balance(payable) == money(95000)
    assert balance(fee) == money(5000)


def test_an_unbalanced_entry_is_refused_and_nothing_is_written(gateway, escrow):
    before = ledger_rows()
    with pytest.raises(UnbalancedEntry) as exc:
        entry_post(
            kind="payment.captured",
            reference="order:1",
            lines=[Line(gateway, money(125000)), Line(escrow, money(-124999))],
        )
    assert exc.value.details == {"difference": {"IDR": "1"}}
    assert ledger_rows() == before


def test_one_line_is_not_an_entry(gateway):
    before = ledger_rows()
    with pytest.raises(ValidationFailed):
        entry_post(kind="x", reference="", lines=[Line(gateway, money(0))])
    assert ledger_rows() == before


def test_a_zero_line_is_refused(gateway, escrow):
    with pytest.raises(ValidationFailed):
        entry_post(
            kind="x",
            reference="",
            lines=[Line(gateway, money(10)), Line(escrow, money(-10)), Line(escrow, money(0))],
        )
    assert not JournalEntry.objects.exists()


def test_a_line_in_another_currency_than_its_account_is_refused(gateway, escrow):
    usd = services.account_get_or_create(code="clearing:gateway:paypal", currency="USD")
    before = ledger_rows()
    with pytest.raises(ValidationFailed) as exc:
        # Balanced per currency, but the escrow keeps rupiah, not dollars.
        entry_post(
            kind="x", reference="", lines=[Line(usd, money(10, "USD")), Line(escrow, money(-10, "USD"))]
        )
    assert exc.value.code == "currency_mismatch"
    assert "escrow:buyer:b1" in str(exc.value.message)
    assert ledger_rows() == before


def test_unknown_account_is_refused(gateway):
    with pytest.raises(NotFound):
        entry_post(
            kind="x", reference="", lines=[Line(gateway, money(10)), Line("escrow:nobody", money(-10))]
        )
    assert not JournalEntry.objects.exists()


def test_an_overdraft_of_a_non_negative_account_is_refused_and_nothing_is_written(escrow, payable, fee):
    fund(escrow, 50000)
    before = ledger_rows()
    with pytest.raises(InsufficientFunds) as exc:
        entry_post(
            kind="escrow.released",
            reference="order:2",
            lines=[Line(escrow, money(80000)), Line(payable, money(-76000)), Line(fee, money(-4000))],
        )
    # The message names the account, in words a person can act on.
    assert "Escrow of buyer b1" in str(exc.value.message)
    assert exc.value.details["account"] == "escrow:buyer:b1"
    assert ledger_rows() == before
    assert balance(escrow) == money(50000)


def test_an_overdraft_on_the_last_account_undoes_the_earlier_balance_updates(gateway):
    # The overdrawn account is updated last (highest pk): the updates before it must roll back too.
    receiver = AccountFactory(code="payable:seller:first", name="First")
    overdrawn = AccountFactory(code="payable:seller:last", name="Last")
    assert receiver.pk < overdrawn.pk
    fund(overdrawn, 10)
    before = ledger_rows()
    with pytest.raises(InsufficientFunds):
        entry_post(kind="x", reference="", lines=[Line(overdrawn, money(11)), Line(receiver, money(-11))])
    assert ledger_rows() == before


def test_clearing_accounts_may_go_negative(gateway, escrow):
    # A refund leaves through the gateway before the gateway has settled anything.
    fund(escrow, 1000)
    entry_post(
        kind="refund.sent",
        reference="order:3",
        lines=[Line(escrow, money(1000)), Line(gateway, money(-1000))],
    )
    assert balance(gateway) == money(-1000)


def test_a_refusal_inside_the_callers_transaction_leaves_the_callers_own_work(escrow, payable, fee):
    fund(escrow, 100)
    with transaction.atomic():
        entry_post(kind="a", reference="r", lines=[Line(escrow, money(60)), Line(payable, money(-60))])
        with pytest.raises(InsufficientFunds):
            entry_post(kind="b", reference="r", lines=[Line(escrow, money(60)), Line(fee, money(-60))])
    assert balance(escrow) == money(40)
    assert balance(payable) == money(60)
    assert balance(fee) == money(0)
    assert list(JournalEntry.objects.filter(reference="r").values_list("kind", flat=True)) == ["a"]


def test_the_callers_rollback_takes_the_entry_with_it(escrow, payable):
    fund(escrow, 100)
    before = ledger_rows()
    with pytest.raises(RuntimeError), transaction.atomic():
        entry_post(kind="a", reference="r", lines=[Line(escrow, money(60)), Line(payable, money(-60))])
        raise RuntimeError("the order failed after the money moved")
    assert ledger_rows() == before


def test_the_same_idempotency_key_returns_the_first_entry_and_moves_money_once(gateway, escrow):
    lines = [Line(gateway, money(5000)), Line(escrow, money(-5000))]
    first = entry_post(kind="payment.captured", reference="order:4", lines=lines, idempotency_key="pay-4")
    again = entry_post(kind="payment.captured", reference="order:4", lines=lines, idempotency_key="pay-4")
    assert again.pk == first.pk
    assert JournalEntry.objects.count() == 1
    assert balance(escrow) == money(5000)


def test_an_idempotency_key_reused_for_other_lines_is_refused(gateway, escrow):
    entry_post(
        kind="p",
        reference="o",
        lines=[Line(gateway, money(5000)), Line(escrow, money(-5000))],
        idempotency_key="k",
    )
    with pytest.raises(Conflict) as exc:
        entry_post(
            kind="p",
            reference="o",
            lines=[Line(gateway, money(6000)), Line(escrow, money(-6000))],
            idempotency_key="k",
        )
    assert exc.value.code == "idempotency_key_reused"
    assert balance(escrow) == money(5000)


def test_reversal_restores_balances_and_points_at_the_original(escrow, payable, fee):
    fund(escrow, 100000)
    original = entry_post(
        kind="escrow.released",
        reference="order:5",
        lines=[Line(escrow, money(100000)), Line(payable, money(-95000)), Line(fee, money(-5000))],
    )
    reversal = services.entry_reverse(original, reason="Released by mistake")
    assert reversal.reverses == original
    assert reversal.reference == "order:5"
    assert reversal.memo == "Released by mistake"
    assert original.reversed_by == reversal
    assert balance(escrow) == money(100000)
    assert balance(payable) == money(0)
    assert balance(fee) == money(0)
    # The history keeps both: the statement shows the mistake and its correction.
    assert Posting.objects.filter(account=payable).count() == 2


def test_an_entry_cannot_be_reversed_twice(escrow, payable):
    fund(escrow, 100)
    original = entry_post(
        kind="x", reference="", lines=[Line(escrow, money(100)), Line(payable, money(-100))]
    )
    services.entry_reverse(original, reason="first")
    before = ledger_rows()
    with pytest.raises(AlreadyReversed):
        services.entry_reverse(JournalEntry.objects.get(pk=original.pk), reason="second")
    assert ledger_rows() == before


def test_a_stale_copy_cannot_sneak_a_second_reversal_past_the_check(escrow, payable):
    fund(escrow, 100)
    original = entry_post(
        kind="x", reference="", lines=[Line(escrow, money(100)), Line(payable, money(-100))]
    )
    services.entry_reverse(original, reason="first")
    # The unique reverses column is the last word even when the Python check is skipped.
    before = ledger_rows()
    with pytest.raises(AlreadyReversed):
        services._post(
            kind="reversal",
            reference="",
            lines=[Line(escrow, money(-100)), Line(payable, money(100))],
            memo="again",
            idempotency_key=None,
            created_by=None,
            metadata=None,
            reverses=original,
        )
    assert ledger_rows() == before


def test_a_reversal_is_itself_not_reversible(escrow, payable):
    fund(escrow, 100)
    original = entry_post(
        kind="x", reference="", lines=[Line(escrow, money(100)), Line(payable, money(-100))]
    )
    reversal = services.entry_reverse(original, reason="oops")
    with pytest.raises(Conflict):
        services.entry_reverse(reversal, reason="undo the undo")


def test_a_reversal_that_would_overdraw_is_refused(escrow, payable, gateway):
    fund(escrow, 100)
    original = entry_post(
        kind="x", reference="", lines=[Line(escrow, money(100)), Line(payable, money(-100))]
    )
    # The seller was paid out meanwhile: the payable is empty, so the release cannot be undone.
    entry_post(kind="payout", reference="", lines=[Line(payable, money(100)), Line(gateway, money(-100))])
    before = ledger_rows()
    with pytest.raises(InsufficientFunds):
        services.entry_reverse(original, reason="too late")
    assert ledger_rows() == before


def test_account_get_or_create_is_stable_and_refuses_a_different_meaning():
    first = services.account_get_or_create(code="cash:centre:c1", currency="IDR", owner="org:c1")
    assert first.type == AccountType.ASSET and first.allow_negative is False
    assert services.account_get_or_create(code="cash:centre:c1", currency="IDR").pk == first.pk
    with pytest.raises(Conflict):
        services.account_get_or_create(code="cash:centre:c1", currency="USD")
    with pytest.raises(ValidationFailed):
        services.account_get_or_create(code="cash:centre:c2", currency="IDR", type=AccountType.LIABILITY)
    with pytest.raises(ValidationFailed):
        services.account_get_or_create(code="mystery:x", currency="IDR")
    odd = services.account_get_or_create(code="mystery:x", currency="IDR", type=AccountType.EXPENSE)
    assert odd.allow_negative is False


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        ("escrow:buyer:x", False),
        ("payable:seller:x", False),
        ("cash:centre:x", False),
        ("revenue:platform_fee", False),
        ("clearing:gateway:midtrans", True),
        ("fx:IDR-USD:USD", True),
        ("fx:rounding:IDR", True),
        ("equity:opening:IDR", True),
    ],
)
def test_the_chart_decides_which_accounts_may_go_negative(code, allowed):
    currency = "USD" if code.endswith("USD") else "IDR"
    assert services.account_get_or_create(code=code, currency=currency).allow_negative is allowed


def test_floats_never_reach_the_ledger(gateway, escrow):
    with pytest.raises(TypeError):
        entry_post(kind="x", reference="", lines=[Line(gateway, 10.5), Line(escrow, -10.5)])  # type: ignore[arg-type]
    assert not JournalEntry.objects.exists()
