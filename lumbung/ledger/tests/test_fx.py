"""Currency conversion through per-pair FX accounts at a given rate, with rounding booked openly."""

from decimal import Decimal

import pytest

from lumbung.core.errors import ValidationFailed
from lumbung.ledger import services
from lumbung.ledger.models import LedgerAccount
from lumbung.ledger.selectors import balance
from lumbung.ledger.services import Line, entry_post, fx_convert_lines
from lumbung.ledger.verify import ledger_verify

from .factories import fund, money

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_usd():
    return services.account_get_or_create(code="escrow:buyer:f1", currency="USD", owner="user:f1")


@pytest.fixture
def seller_idr():
    return services.account_get_or_create(code="payable:seller:f1", currency="IDR", owner="org:f1")


def per_currency_sum(lines) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.amount.currency] = totals.get(line.amount.currency, Decimal(0)) + line.amount.amount
    return totals


def test_a_conversion_books_the_pair_and_the_rounding_and_each_currency_sums_to_zero(buyer_usd, seller_idr):
    fund(buyer_usd, "100.00")
    # 61.37 USD at Rp16.257,5 per dollar = Rp997.722,775 → Rp997.723 (half-up to whole rupiah).
    conversion = fx_convert_lines(
        source=buyer_usd,
        target=seller_idr,
        amount=money("61.37", "USD"),
        rate=Decimal("16257.5"),
        rate_ref="bi:jisdor:2025-01-06",
    )
    assert conversion.target_amount == money(997723)
    # Rp997.723 is worth 61.370013... USD → 61.37: no rounding left in this case.
    assert per_currency_sum(conversion.lines) == {"USD": Decimal(0), "IDR": Decimal(0)}
    entry = entry_post(
        kind="fx.convert",
        reference="order:f1",
        lines=conversion.lines,
        metadata=conversion.metadata,
        memo="USD→IDR",
    )
    assert entry.metadata["fx"]["rate"] == "16257.5"
    assert entry.metadata["fx"]["rate_ref"] == "bi:jisdor:2025-01-06"
    assert balance(buyer_usd) == money("38.63", "USD")
    assert balance(seller_idr) == money(997723)
    # The escrow (a liability) is debited in dollars and the payable credited in rupiah; the pair's
    # accounts take the other side of each.
    assert LedgerAccount.objects.get(code="fx:IDR-USD:USD").balance == Decimal("-61.37")
    assert LedgerAccount.objects.get(code="fx:IDR-USD:IDR").balance == Decimal(997723)
    assert ledger_verify().ok


def test_what_rounding_costs_is_booked_to_the_rounding_account(seller_idr):
    source = services.account_get_or_create(code="clearing:gateway:idr", currency="IDR")
    target = services.account_get_or_create(code="clearing:gateway:usd", currency="USD")
    # Rp100.001 at 0.0000613 USD/Rp = 6.1300613 USD → 6.13 USD, which is worth exactly Rp100.000.
    conversion = fx_convert_lines(
        source=source, target=target, amount=money(100001), rate=Decimal("0.0000613"), rate_ref="test"
    )
    assert conversion.target_amount == money("6.13", "USD")
    assert conversion.rounding == money(1)
    by_code = {line.account.code: line.amount for line in conversion.lines}
    assert by_code == {
        "clearing:gateway:idr": money(-100001),
        "fx:IDR-USD:IDR": money(100000),
        "fx:rounding:IDR": money(1),
        "fx:IDR-USD:USD": money("-6.13", "USD"),
        "clearing:gateway:usd": money("6.13", "USD"),
    }
    entry_post(kind="fx.convert", reference="t", lines=conversion.lines, metadata=conversion.metadata)
    assert ledger_verify().ok


def test_the_reverse_direction_shares_the_same_pair_accounts(buyer_usd, seller_idr):
    fund(seller_idr, 1_000_000)
    conversion = fx_convert_lines(
        source=seller_idr, target=buyer_usd, amount=money(1_000_000), rate=Decimal("0.0000615"), rate_ref="t"
    )
    codes = {line.account.code for line in conversion.lines}
    assert {"fx:IDR-USD:IDR", "fx:IDR-USD:USD"} <= codes


@pytest.mark.parametrize("rate", [Decimal(0), Decimal(-1), Decimal("NaN"), 16000.5, 16000])
def test_bad_rates_are_refused(buyer_usd, seller_idr, rate):
    with pytest.raises(ValidationFailed):
        fx_convert_lines(source=buyer_usd, target=seller_idr, amount=money(1, "USD"), rate=rate, rate_ref="x")
    assert not LedgerAccount.objects.filter(code__startswith="fx:").exists()


def test_converting_within_one_currency_is_refused(seller_idr):
    other = services.account_get_or_create(code="payable:seller:f2", currency="IDR")
    with pytest.raises(ValidationFailed):
        fx_convert_lines(source=seller_idr, target=other, amount=money(1), rate=Decimal(1), rate_ref="x")


def test_the_amount_must_be_in_the_source_currency(buyer_usd, seller_idr):
    with pytest.raises(ValidationFailed):
        fx_convert_lines(
            source=buyer_usd, target=seller_idr, amount=money(1), rate=Decimal(16000), rate_ref="x"
        )


def test_conversion_lines_join_other_lines_in_one_entry(buyer_usd, seller_idr):
    """A buyer pays dollars; the seller is owed rupiah, less a rupiah fee: one entry, two currencies."""
    fee = services.account_get_or_create(code="revenue:platform_fee", currency="IDR")
    fund(buyer_usd, "10.00")
    conversion = fx_convert_lines(
        source=buyer_usd, target=seller_idr, amount=money("10.00", "USD"), rate=Decimal("16000"), rate_ref="t"
    )
    lines = [*conversion.lines, Line(seller_idr, money(8000)), Line(fee, money(-8000))]
    entry_post(kind="escrow.released", reference="order:f9", lines=lines)
    assert balance(seller_idr) == money(152000)
    assert balance(fee) == money(8000)
    assert ledger_verify().ok
