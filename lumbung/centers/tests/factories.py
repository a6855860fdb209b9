"""Centres, their agents and cash in the drawer, for tests.

Cash enters a drawer the way payments puts it there: one ledger entry, Dr cash:centre:<org> /
Cr escrow:order:<id> (see lumbung.payments ``intent_mark_paid``).
"""

from __future__ import annotations

from decimal import Decimal

from lumbung.accounts.models import Membership, OrganisationKind, Role
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.centers.models import ServiceCentre
from lumbung.centers.services import cash_account_open
from lumbung.core.ids import new_public_id
from lumbung.core.money import Money
from lumbung.ledger.services import Line, account_get_or_create, entry_post
from lumbung.regions.tests.factories import village as make_village


def centre(*, villages=(), name: str | None = None, village=None, **fields) -> ServiceCentre:
    home = village or make_village(province="35", province_name="Jawa Timur", regency="35.07")
    org = OrganisationFactory(
        kind=OrganisationKind.SERVICE_CENTRE, village=home, **({"name": name} if name else {})
    )
    row = ServiceCentre.objects.create(
        organisation=org, address="Jl. Raya Desa 1", hours_mon="08.00–16.00", **fields
    )
    row.villages.set([home, *villages])
    return row


def agent_of(centre_row: ServiceCentre, **user_fields):
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organisation=centre_row.organisation, role=Role.CENTRE_AGENT)
    return user


def platform_admin():
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.PLATFORM_ADMIN)
    return user


def take_cash(centre_row: ServiceCentre, amount, *, order: str | None = None):
    """A villager paid ``amount`` in cash at the counter for an order (as payments posts it)."""
    value = Money(Decimal(amount), centre_row.currency)
    escrow = account_get_or_create(code=f"escrow:order:{order or new_public_id()}", currency=value.currency)
    return entry_post(
        kind="payment.cash",
        reference=f"order:{order or 'test'}",
        memo="Cash at the counter",
        lines=[Line(cash_account_open(centre_row), value), Line(escrow, -value)],
    )


def drawer(centre_row: ServiceCentre) -> Money:
    from lumbung.ledger.selectors import account_find, balance

    account = account_find(centre_row.cash_account_code)
    return balance(account) if account else Money.zero(centre_row.currency)


def bank() -> Money:
    from lumbung.ledger.selectors import account_find, balance

    account = account_find("bank:platform:main")
    return balance(account) if account else Money.zero("IDR")
