"""The ledger account codes centres use, spelt in one place (see lumbung/ledger/chart.py families)."""

from __future__ import annotations

# The platform's main bank account: where agents deposit their drawer's cash.
BANK_ACCOUNT = "bank:platform:main"


def cash_account_code(organisation_public_id: str) -> str:
    """The centre's cash drawer: an asset that can never go below zero."""
    return f"cash:centre:{organisation_public_id}"


def commission_account_code(organisation_public_id: str, currency: str = "IDR") -> str:
    """What the platform owes the centre. Orders opens one account per currency: rupiah under the
    plain code, any other currency (a Chinese centre's yuan) with the currency before the id."""
    if currency != "IDR":
        return f"commission:agent:{currency}:{organisation_public_id}"
    return f"commission:agent:{organisation_public_id}"
