from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbung.core.money import CurrencyMismatch, Money, format_money


def test_rupiah_is_whole_and_formatted_the_indonesian_way():
    assert format_money(Money(Decimal("25000.4"), "IDR")) == "Rp25.000"
    assert format_money(Money(Decimal("1500000"), "IDR")) == "Rp1.500.000"


def test_other_currencies_keep_cents():
    assert format_money(Money(Decimal("1250.5"), "USD")) == "US$1,250.50"
    assert Money(Decimal("0.125"), "CNY").amount == Decimal("0.13")


def test_mixing_currencies_is_refused():
    with pytest.raises(CurrencyMismatch):
        Money(Decimal(1), "IDR") + Money(Decimal(1), "USD")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]


@given(st.lists(st.integers(min_value=-(10**12), max_value=10**12), max_size=30))
def test_sums_are_exact(amounts):
    total = sum((Money(Decimal(a), "IDR") for a in amounts), Money.zero("IDR"))
    assert total.amount == sum(amounts)
