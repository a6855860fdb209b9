"""The chart of accounts: how account codes are spelt, and which accounts may go below zero.

A code is ``<family>:<qualifier>...``; the family fixes the account type and whether the balance may
go negative. Callers build codes with these helpers so the spelling lives in one place. The ledger
does not know what an order or a shop is: a qualifier is just a party's public id.

| family      | type      | below zero? | example                          | what it holds                          |
|-------------|-----------|-------------|----------------------------------|----------------------------------------|
| escrow      | liability | no          | escrow:buyer:<user public_id>    | money held for a party until release   |
| payable     | liability | no          | payable:seller:<org public_id>   | money owed to a party, not yet paid    |
| commission  | liability | no          | commission:agent:<org public_id> | an agent's earned commission           |
| float       | liability | no          | float:agent:<org public_id>      | prepaid float an agent spends (PPOB)   |
| revenue     | revenue   | no          | revenue:platform_fee             | the platform's own income              |
| expense     | expense   | no          | expense:gateway_fee              | what the platform pays out as cost     |
| cash        | asset     | no          | cash:centre:<org public_id>      | notes and coins in a centre's drawer   |
| bank        | asset     | yes         | bank:platform:bca                | the platform's bank account            |
| clearing    | asset     | yes         | clearing:gateway:midtrans        | money in flight at a provider          |
| fx          | asset     | yes         | fx:IDR-USD:USD                   | one side of a currency pair's position |
| fx rounding | expense   | yes         | fx:rounding:IDR                  | what rounding a conversion cost/gained |
| equity      | equity    | yes         | equity:opening:IDR               | opening balances, owners' capital      |

"Below zero" is on the account's normal side (see ``models``): a payable below zero would mean the
platform paid a seller more than it owed, cash below zero is impossible, while a clearing account
is briefly "negative" whenever a refund leaves before the provider settles.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import AccountType


@dataclass(frozen=True)
class Family:
    type: str
    allow_negative: bool


FAMILIES: dict[str, Family] = {
    "escrow": Family(AccountType.LIABILITY, False),
    "payable": Family(AccountType.LIABILITY, False),
    "commission": Family(AccountType.LIABILITY, False),
    "float": Family(AccountType.LIABILITY, False),
    "revenue": Family(AccountType.REVENUE, False),
    "expense": Family(AccountType.EXPENSE, False),
    "cash": Family(AccountType.ASSET, False),
    "bank": Family(AccountType.ASSET, True),
    "clearing": Family(AccountType.ASSET, True),
    "fx": Family(AccountType.ASSET, True),
    "equity": Family(AccountType.EQUITY, True),
}
FX_ROUNDING = Family(AccountType.EXPENSE, True)


def family_of(code: str) -> Family | None:
    if code.startswith("fx:rounding:"):
        return FX_ROUNDING
    return FAMILIES.get(code.split(":", 1)[0])


def default_allow_negative(code: str, account_type: str) -> bool:
    """The family's rule; an unknown family may go negative only if it is equity."""
    family = family_of(code)
    if family is not None:
        return family.allow_negative
    return account_type == AccountType.EQUITY


def owner_of_org(public_id: str) -> str:
    return f"org:{public_id}"


def owner_of_user(public_id: str) -> str:
    return f"user:{public_id}"


def fx_pair(a: str, b: str) -> str:
    """A pair is named in alphabetical order, so IDR→USD and USD→IDR share one position."""
    first, second = sorted((a, b))
    return f"{first}-{second}"


def fx_position_code(source: str, target: str, currency: str) -> str:
    return f"fx:{fx_pair(source, target)}:{currency}"


def fx_rounding_code(currency: str) -> str:
    return f"fx:rounding:{currency}"
