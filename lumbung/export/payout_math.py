"""Pro-rata shares in whole rupiah by the largest-remainder method (Hamilton's method).

Rule: each producer's exact quota is ``amount × basis_i / Σ basis`` where ``basis_i`` is their
accepted weight × their grade's price. Everyone first gets the whole-rupiah floor of their quota; the
rupiah left over (fewer than the number of producers) go one each to the largest fractional parts,
ties broken by the order the producers are given in (the caller sorts them by public id). So the
shares are whole rupiah, sum EXACTLY to ``amount``, and no share is more than one rupiah from its
exact quota. Pure Decimal and integer arithmetic; no floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal


def _as_integers(bases: Sequence[Decimal]) -> list[int]:
    """Scale every basis by the same power of ten so all are integers (exact, no rounding)."""
    places = max(0, *(-b.as_tuple().exponent for b in bases if b.is_finite()))
    out = []
    for basis in bases:
        scaled = basis.scaleb(places)
        if scaled != scaled.to_integral_value():
            raise ValueError("basis has too many decimals")
        out.append(int(scaled))
    return out


def largest_remainder(amount: int, bases: Sequence[Decimal]) -> list[int]:
    if amount < 0:
        raise ValueError("amount must not be negative")
    if not bases or any(not isinstance(b, Decimal) or not b.is_finite() or b < 0 for b in bases):
        raise ValueError("bases are finite, non-negative Decimals")
    weights = _as_integers(bases)
    total = sum(weights)
    if total <= 0:
        raise ValueError("at least one positive basis is needed")
    shares = [amount * w // total for w in weights]
    remainders = [
        (amount * w - share * total, index)
        for index, (w, share) in enumerate(zip(weights, shares, strict=True))
    ]
    left = amount - sum(shares)
    for _rest, index in sorted(remainders, key=lambda r: (-r[0], r[1]))[:left]:
        shares[index] += 1
    return shares
