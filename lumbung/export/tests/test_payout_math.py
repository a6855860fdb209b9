"""Property tests: whole-rupiah pro-rata shares always sum exactly to the amount distributed."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lumbung.export.payout_math import largest_remainder

GRADE_PRICES = [Decimal("42000"), Decimal("35500"), Decimal("28250.5"), Decimal("19999")]
weights = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5000"), places=3)
producers = st.lists(st.tuples(weights, st.sampled_from(GRADE_PRICES)), min_size=1, max_size=500)


@settings(max_examples=150, deadline=None)
@given(producers=producers, amount=st.integers(min_value=0, max_value=10**13))
def test_shares_are_whole_rupiah_summing_exactly_and_within_one_of_the_quota(producers, amount):
    bases = [w * p for w, p in producers]
    shares = largest_remainder(amount, bases)
    assert sum(shares) == amount
    assert all(isinstance(s, int) and s >= 0 for s in shares)
    total = sum(bases)
    for share, basis in zip(shares, bases, strict=True):
        exact = Decimal(amount) * basis / total
        assert abs(Decimal(share) - exact) < 1


@given(producers=producers)
def test_the_default_amount_pays_each_close_to_their_own_value(producers):
    """The default amount is Σ(weight × price) rounded down: nobody gains a rupiah or loses two."""
    bases = [w * p for w, p in producers]
    amount = int(sum(bases))
    shares = largest_remainder(amount, bases)
    assert sum(shares) == amount
    assert all(b - 2 < s < b + 1 for s, b in zip(shares, bases, strict=True))


def test_ties_go_to_the_first_producers_in_order():
    assert largest_remainder(2, [Decimal(1)] * 3) == [1, 1, 0]
    assert largest_remainder(100, [Decimal("1.5"), Decimal("1.5")]) == [50, 50]
