"""Ledger account codes the export desk posts to: spelt here, and only here.

- escrow:contract:<contract public_id>   liability in the contract's currency: the buyer's deposit and
                                          balance, held until release
- payable:exporter:<org public_id>      liability in IDR: owed to the BUMDes after release and FX
- payable:producer:<user public_id>     liability in IDR: each producer's pro-rata share
- bank:platform:main                    asset: the platform's bank (foreign payments arrive by transfer)
"""

from __future__ import annotations

BANK = "bank:platform:main"


def escrow_contract(contract_public_id: str) -> str:
    return f"escrow:contract:{contract_public_id}"


def payable_exporter(org_public_id: str) -> str:
    return f"payable:exporter:{org_public_id}"


def payable_producer(user_public_id: str) -> str:
    return f"payable:producer:{user_public_id}"
