"""Ledger account codes the export desk posts to: spelt here, and only here.

- escrow:contract:<contract public_id>   liability in the contract's currency: the buyer's deposit and
                                          balance, held until release
- payable:exporter:<org public_id>      liability in IDR: owed to the BUMDes after release and FX
- payable:producer:<user public_id>     liability in IDR: each producer's pro-rata share
- bank:platform:main                    asset in IDR: the platform's rupiah bank account
- bank:platform:main:<CUR>              asset: its foreign-currency account (USD, CNY), where importers pay
"""

from __future__ import annotations

BANK = "bank:platform:main"


def bank(currency: str) -> str:
    """An account holds one currency: rupiah in the main account, others in a sub-account each."""
    return BANK if currency == "IDR" else f"{BANK}:{currency}"


def escrow_contract(contract_public_id: str) -> str:
    return f"escrow:contract:{contract_public_id}"


def payable_exporter(org_public_id: str) -> str:
    return f"payable:exporter:{org_public_id}"


def payable_producer(user_public_id: str) -> str:
    return f"payable:producer:{user_public_id}"
