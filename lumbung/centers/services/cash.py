"""Writes for service centres: open a centre, set the villages it serves, record a cash deposit.

Each function is keyword-only and checks permission itself (``lumbung.core.permissions``); the
entry point (view, API operation) owns the transaction, and each function nests in it.

A cash deposit is one ledger entry, Dr ``bank:platform:main`` / Cr ``cash:centre:<org>``, posted
with an idempotency key, plus a ``CashDeposit`` row saying who took it and the bank slip number.
The drawer can never go below zero: depositing more than it holds is refused by the ledger, and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import Organisation, OrganisationKind
from lumbung.core.errors import Conflict, ValidationFailed
from lumbung.core.money import Money
from lumbung.core.permissions import require
from lumbung.ledger.chart import owner_of_org
from lumbung.ledger.services import Line, account_get_or_create, entry_post
from lumbung.regions.models import Area, Level

from ..accounts import BANK_ACCOUNT
from ..models import WEEKDAYS, CashDeposit, ServiceCentre
from ..selectors import DEPOSIT_KIND

HOURS_FIELDS = tuple(field for field, _label in WEEKDAYS)


def _check_villages(villages: Iterable[Area]) -> list[Area]:
    villages = list(villages)
    for village in villages:
        if not isinstance(village, Area) or village.level != Level.VILLAGE:
            raise ValidationFailed(
                _("A centre serves villages; %(name)s is not one.")
                % {"name": getattr(village, "name", village)},
                details={"field": "villages"},
            )
    return villages


def centre_create(
    *,
    actor,
    organisation: Organisation,
    villages: Iterable[Area] = (),
    address: str = "",
    hours: dict[str, str] | None = None,
    hub: ServiceCentre | None = None,
) -> ServiceCentre:
    """Open a centre for an organisation of kind service_centre (platform admins only)."""
    require(actor, "centers.manage")
    if organisation.kind != OrganisationKind.SERVICE_CENTRE:
        raise ValidationFailed(
            _("Only an organisation of kind 'village service centre' can run a centre."),
            details={"field": "organisation"},
        )
    if ServiceCentre.objects.filter(organisation=organisation).exists():
        raise Conflict(
            _("%(name)s already runs a centre.") % {"name": organisation.name}, code="centre_exists"
        )
    if hub is not None and hub.hub_id is not None:
        raise ValidationFailed(_("A hub cannot itself report to a hub."), details={"field": "hub"})
    hours = hours or {}
    unknown = set(hours) - set(HOURS_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown day in the opening hours."), details={"field": "hours", "days": sorted(unknown)}
        )
    villages = _check_villages(villages)
    with transaction.atomic():
        centre = ServiceCentre.objects.create(
            organisation=organisation,
            address=address or organisation.address,
            hub=hub,
            **{field: (hours.get(field) or "").strip()[:60] for field in HOURS_FIELDS},
        )
        centre.villages.set(villages)
    return centre


def centre_set_villages(*, actor, centre: ServiceCentre, villages: Iterable[Area]) -> ServiceCentre:
    """Replace the villages a centre serves (platform admins only)."""
    require(actor, "centers.manage")
    villages = _check_villages(villages)
    with transaction.atomic():
        centre.villages.set(villages)
    return centre


def cash_account_open(centre: ServiceCentre):
    """The centre's drawer account in the ledger, opened on first use."""
    return account_get_or_create(
        code=centre.cash_account_code,
        currency=centre.currency,
        owner=owner_of_org(centre.organisation.public_id),
        name=f"Cash drawer: {centre.name}",
    )


def _bank_account(currency: str):
    return account_get_or_create(code=BANK_ACCOUNT, currency=currency, name="Platform bank (main)")


def cash_deposit_record(
    *,
    agent,
    centre: ServiceCentre,
    amount: Money,
    bank_reference: str,
    idempotency_key: str,
) -> CashDeposit:
    """The agent took ``amount`` from the drawer to the bank. Once per key: a repeat returns the first."""
    require(agent, "centers.operate", centre)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 128:
        raise ValidationFailed(
            _("This deposit has no idempotency key."), details={"field": "idempotency_key"}
        )
    existing = CashDeposit.objects.filter(centre=centre, idempotency_key=key).first()
    if existing is not None:
        return _same_deposit(existing, amount)
    if not isinstance(amount, Money) or amount.amount <= 0:
        raise ValidationFailed(_("Deposit an amount above zero."), details={"field": "amount"})
    if amount.currency != centre.currency:
        raise ValidationFailed(
            _("This centre's drawer keeps %(currency)s.") % {"currency": centre.currency},
            details={"field": "amount"},
        )
    reference = " ".join((bank_reference or "").split())
    if not reference:
        raise ValidationFailed(_("Write the number on the bank slip."), details={"field": "bank_reference"})
    if len(reference) > 64:
        raise ValidationFailed(_("The slip number is too long."), details={"field": "bank_reference"})
    try:
        with transaction.atomic():
            cash = cash_account_open(centre)
            bank = _bank_account(centre.currency)
            entry = entry_post(
                kind=DEPOSIT_KIND,
                reference=f"centre:{centre.organisation.public_id}",
                memo=f"Bank slip {reference}",
                lines=[Line(bank, amount), Line(cash, -amount)],
                idempotency_key=f"centers:deposit:{centre.organisation.public_id}:{key}",
                created_by=agent,
                metadata={"bank_reference": reference, "agent": agent.public_id},
            )
            return CashDeposit.objects.create(
                centre=centre,
                agent=agent,
                amount=amount.amount,
                currency=amount.currency,
                bank_reference=reference,
                journal_entry=entry,
                idempotency_key=key,
            )
    except IntegrityError:
        # A concurrent request with the same key committed first: answer with its deposit.
        existing = CashDeposit.objects.filter(centre=centre, idempotency_key=key).first()
        if existing is None:
            raise
        return _same_deposit(existing, amount)


def _same_deposit(existing: CashDeposit, amount: Money) -> CashDeposit:
    if not isinstance(amount, Money) or existing.money != amount:
        raise Conflict(
            _("This deposit was already recorded with a different amount."), code="idempotency_key_reused"
        )
    return existing
