"""Ledger account codes the payments app posts to: spelt here, and only here.

Families follow lumbung.ledger.chart (escrow/payable/commission are liabilities that never go below
zero; cash is an asset that never goes below zero; clearing and bank are assets that may).
"""

from __future__ import annotations

GATEWAY_CLEARING = "clearing:gateway:midtrans"  # money the gateway holds for us until it settles
QRIS_CLEARING = "clearing:qris:platform"  # static-QRIS money at the acquirer until it settles
BANK = "bank:platform:main"  # the platform's own bank account
# Refunds and payouts owed out by bank transfer, not yet confirmed by the bank. The contract named it
# "payout:clearing:bank"; the chart knows no "payout" family, so it lives in the clearing family.
PAYOUT_CLEARING = "clearing:payout:bank"


def cash_centre(org_public_id: str) -> str:
    return f"cash:centre:{org_public_id}"


def escrow_order(order_public_id: str) -> str:
    return f"escrow:order:{order_public_id}"


def payable_seller(org_public_id: str) -> str:
    return f"payable:seller:{org_public_id}"


def commission_agent(org_public_id: str) -> str:
    return f"commission:agent:{org_public_id}"


def payout_owner_suffix(code: str) -> str:
    """The organisation public id at the end of a payable/commission code, or ''."""
    family, _, rest = code.partition(":")
    if family not in {"payable", "commission"}:
        return ""
    return rest.rpartition(":")[2]
