"""The ledger accounts orders posts to, spelt in one place (money contract; ledger/chart.py families).

- ``escrow:order:<order public id>``      the buyer's money for one order until completion
- ``payable:seller:<shop org public id>`` what the platform owes the seller
- ``commission:agent:<centre org id>``    what the platform owes the centre for its part
- ``revenue:platform_fee``                the platform's fee
"""

from __future__ import annotations

from lumbung.ledger.chart import fx_position_code, owner_of_org, owner_of_user
from lumbung.ledger.models import LedgerAccount
from lumbung.ledger.services import account_create, account_get_or_create

PLATFORM_FEE = "revenue:platform_fee"


def escrow_code(order_public_id: str) -> str:
    return f"escrow:order:{order_public_id}"


def escrow_create(order) -> LedgerAccount:
    """Open a new order's escrow at checkout: its code holds the order's fresh public id, so there is
    nothing to look up first (one INSERT)."""
    return account_create(
        code=escrow_code(order.public_id),
        currency=order.currency,
        owner=owner_of_user(order.buyer.public_id),
        name=f"Escrow {order.code}",
    )


def escrow_settlement_code(order) -> str:
    """Where the payment lands: the escrow itself, or (paid in another currency) its transit twin."""
    code = escrow_code(order.public_id)
    return code if order.pay_currency == order.currency else f"{code}:{order.pay_currency}"


def seller_payable_code(organisation_public_id: str) -> str:
    return f"payable:seller:{organisation_public_id}"


def commission_code(organisation_public_id: str) -> str:
    return f"commission:agent:{organisation_public_id}"


def platform_fee_code(currency: str) -> str:
    """One fee account per currency: an account keeps a single currency."""
    return PLATFORM_FEE if currency == "IDR" else f"{PLATFORM_FEE}:{currency}"


def escrow_open(order) -> LedgerAccount:
    return account_get_or_create(
        code=escrow_code(order.public_id),
        currency=order.currency,
        owner=owner_of_user(order.buyer.public_id),
        name=f"Escrow {order.code}",
    )


def escrow_settlement_open(order) -> LedgerAccount:
    return account_get_or_create(
        code=escrow_settlement_code(order),
        currency=order.pay_currency,
        owner=owner_of_user(order.buyer.public_id),
        name=f"Escrow {order.code} ({order.pay_currency})",
    )


def fx_position_open(source: str, target: str, currency: str) -> LedgerAccount:
    code = fx_position_code(source, target, currency)
    return account_get_or_create(code=code, currency=currency, name=f"FX {source}/{target} ({currency})")


def seller_payable_open(order) -> LedgerAccount:
    org = order.shop.organisation
    # A shop sells in one currency, so its payable keeps that currency (contract spelling, no suffix).
    return account_get_or_create(
        code=seller_payable_code(org.public_id),
        currency=order.currency,
        owner=owner_of_org(org.public_id),
        name=f"Payable {org.name}",
    )


def commission_open(order) -> LedgerAccount:
    """A centre may earn in several currencies; non-IDR commission accounts carry the currency."""
    org = order.commission_org
    code = commission_code(org.public_id)
    if order.currency != "IDR":
        # The owner's id stays last: payments reads it from there when paying out.
        code = f"commission:agent:{order.currency}:{org.public_id}"
    return account_get_or_create(
        code=code, currency=order.currency, owner=owner_of_org(org.public_id), name=f"Commission {org.name}"
    )


def platform_fee_open(currency: str) -> LedgerAccount:
    return account_get_or_create(
        code=platform_fee_code(currency), currency=currency, name=f"Platform fee ({currency})"
    )
