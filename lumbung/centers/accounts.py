"""The ledger account codes centres use, spelt in one place (see lumbung/ledger/chart.py families)."""

from __future__ import annotations

# The platform's main bank account: where agents deposit their drawer's cash.
BANK_ACCOUNT = "bank:platform:main"


def cash_account_code(organisation_public_id: str) -> str:
    """The centre's cash drawer: an asset that can never go below zero."""
    return f"cash:centre:{organisation_public_id}"


def commission_account_code(organisation_public_id: str) -> str:
    return f"commission:agent:{organisation_public_id}"
