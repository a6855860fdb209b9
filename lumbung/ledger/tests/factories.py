"""factory_boy factories and small helpers for ledger tests.

Balances are never set directly: money enters an account the way it does in real life, through a
balanced entry (``fund``) against an opening-equity account.
"""

from __future__ import annotations

from decimal import Decimal

import factory

from lumbung.core.money import Money
from lumbung.ledger import services
from lumbung.ledger.models import AccountType, LedgerAccount


class AccountFactory(factory.django.DjangoModelFactory):
    """A liability that must not go below zero (escrow-like), in rupiah, unless told otherwise."""

    class Meta:
        model = LedgerAccount

    code = factory.Sequence(lambda n: f"escrow:buyer:test{n:05d}")
    type = AccountType.LIABILITY
    currency = "IDR"
    name = factory.Sequence(lambda n: f"Escrow {n}")
    allow_negative = False


def money(amount, currency: str = "IDR") -> Money:
    return Money(Decimal(str(amount)), currency)


def opening(currency: str = "IDR") -> LedgerAccount:
    return services.account_get_or_create(
        code=f"equity:opening:{currency}", currency=currency, name="Opening"
    )


def fund(account: LedgerAccount, amount, *, reference: str = "test:funding"):
    """Raise ``account``'s balance by ``amount`` (on its normal side) from opening equity."""
    value = money(amount, account.currency)
    # Opening equity is credit-normal: crediting it raises it, so raising a debit-normal account
    # pairs a debit here with a credit there, and a credit-normal one the other way round.
    lines = [
        services.Line(account, value * account.sign),
        services.Line(opening(account.currency), -value * account.sign),
    ]
    return services.entry_post(kind="test.funding", reference=reference, lines=lines)
