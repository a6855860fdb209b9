"""Money as Decimal plus an ISO 4217 currency, never float.

Amounts are quantized to the currency's minor unit with ROUND_HALF_UP. Adding or comparing two
different currencies raises ``CurrencyMismatch``: conversion only happens through a recorded FX rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .errors import DomainError

# Minor units we settle in. IDR is kept to whole rupiah: sen are not used in practice.
MINOR_UNITS = {"IDR": 0, "CNY": 2, "USD": 2}
CURRENCIES = tuple(MINOR_UNITS)
CURRENCY_CHOICES = [(c, c) for c in CURRENCIES]
# Enough for 10^16 rupiah with 2 decimals: the model fields use these.
MAX_DIGITS = 18
DECIMAL_PLACES = 2


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"
    default_message = _("The amounts are in different currencies.")
    status = 400


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS[currency])


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in MINOR_UNITS:
            raise DomainError(_("Unknown currency: %(currency)s") % {"currency": self.currency})
        if isinstance(self.amount, float):
            raise TypeError("Money never takes a float")
        try:
            value = Decimal(self.amount).quantize(quantum(self.currency), rounding=ROUND_HALF_UP)
        except InvalidOperation as exc:
            raise DomainError(_("Not a valid amount.")) from exc
        object.__setattr__(self, "amount", value)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money only combines with Money")
        if other.currency != self.currency:
            raise CurrencyMismatch(details={"left": self.currency, "right": other.currency})

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float):
            raise TypeError("Money never multiplies by a float")
        return Money(self.amount * Decimal(factor), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def __str__(self) -> str:
        return format_money(self)


def format_money(money: Money) -> str:
    """Rupiah the Indonesian way (Rp25.000); other currencies as code and amount (USD 1,250.00)."""
    if money.currency == "IDR":
        from lokal import format_rupiah

        return format_rupiah(money.amount)
    symbol = {"CNY": "¥", "USD": "US$"}[money.currency]
    return f"{'-' if money.amount < 0 else ''}{symbol}{abs(money.amount):,.2f}"
