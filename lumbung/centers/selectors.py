"""Reads about service centres: who serves a village, an agent's centre, and the daily cash-up.

The cash-up reads the drawer's ledger statement (``lumbung.ledger.selectors.statement``), never a
copy of it, so what the agent sees is what the books say. "Today" is the day in the centre's own
time zone (WIB, WITA, WIT or China Standard Time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from lumbung.accounts.models import Membership, OrganisationKind, Role
from lumbung.core.money import Money
from lumbung.ledger import selectors as ledger_selectors
from lumbung.regions.models import Area

from .models import CashDeposit, ServiceCentre

DEPOSIT_KIND = "cash_deposit"


def _centres() -> QuerySet[ServiceCentre]:
    return ServiceCentre.objects.select_related("organisation", "organisation__village", "hub__organisation")


def _active() -> QuerySet[ServiceCentre]:
    return _centres().filter(
        is_active=True,
        organisation__is_active=True,
        organisation__kind=OrganisationKind.SERVICE_CENTRE,
    )


def centres_serving(village: Area) -> QuerySet[ServiceCentre]:
    """Active centres that serve this village: its buyers may pick any of them as their pickup point."""
    return _active().filter(villages=village).order_by("organisation__name")


def centres_for_agent(user) -> QuerySet[ServiceCentre]:
    """Active centres where the user is an active agent, by name."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ServiceCentre.objects.none()
    return (
        _active()
        .filter(
            organisation__memberships__user=user,
            organisation__memberships__role=Role.CENTRE_AGENT,
            organisation__memberships__is_active=True,
        )
        .distinct()
        .order_by("organisation__name")
    )


def centre_for_agent(user) -> ServiceCentre | None:
    """The agent's centre (the first by name if they work at several), or None."""
    return centres_for_agent(user).first()


def centre_by_public_id(public_id: str) -> ServiceCentre | None:
    """A centre by its organisation's public id, active or not (callers decide what to show)."""
    if not public_id:
        return None
    return _centres().filter(organisation__public_id=public_id).first()


def centre_agents(centre: ServiceCentre) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=centre.organisation, role=Role.CENTRE_AGENT, is_active=True)
        .select_related("user")
        .order_by("user__name", "user__phone")
    )


def centre_villages(centre: ServiceCentre) -> QuerySet[Area]:
    return centre.villages.order_by("name")


def centres_all() -> QuerySet[ServiceCentre]:
    return _centres().order_by("organisation__name")


# --- cash-up ----------------------------------------------------------------------------------------


def centre_today(centre: ServiceCentre, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(centre.timezone)).date()


def day_bounds(centre: ServiceCentre, day: date) -> tuple[datetime, datetime]:
    """Start and end (exclusive) of ``day`` in the centre's zone, as aware datetimes."""
    zone = ZoneInfo(centre.timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


@dataclass(frozen=True)
class CashUp:
    centre: ServiceCentre
    day: date
    opening: Money  # in the drawer when the day began
    received: Money  # cash taken in during the day (payments at the counter)
    paid_out: Money  # cash handed out during the day other than deposits (e.g. cash refunds)
    deposited: Money  # cash taken to the bank during the day
    closing: Money  # in the drawer at the end of the day (now, for today)
    lines: list[ledger_selectors.StatementLine]  # the day's movements, newest first
    deposits: list[CashDeposit]

    @property
    def to_deposit(self) -> Money:
        """What the agent must take to the bank: everything in the drawer."""
        return self.closing

    @property
    def balances(self) -> bool:
        return self.opening + self.received - self.paid_out - self.deposited == self.closing


def cash_up(*, centre: ServiceCentre, day: date | None = None) -> CashUp:
    """The drawer's day, from its ledger statement: opening, in, out, deposited, closing."""
    day = day or centre_today(centre)
    start, end = day_bounds(centre, day)
    currency = centre.currency
    zero = Money.zero(currency)
    account = ledger_selectors.account_find(centre.cash_account_code)
    opening = closing = None
    lines: list[ledger_selectors.StatementLine] = []
    if account is not None:
        cursor = None
        while opening is None:
            page = ledger_selectors.statement(account=account, cursor=cursor, limit=ledger_selectors.MAX_PAGE)
            for line in page.lines:
                if line.at >= end:
                    continue
                if line.at >= start:
                    if closing is None:
                        closing = line.balance_after
                    lines.append(line)
                    continue
                opening = line.balance_after  # the newest movement before the day began
                break
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    opening = opening if opening is not None else zero
    closing = closing if closing is not None else opening
    received, paid_out, deposited = zero, zero, zero
    for line in lines:
        if line.change.amount > 0:
            received += line.change
        elif line.kind == DEPOSIT_KIND:
            deposited -= line.change
        else:
            paid_out -= line.change
    deposits = list(
        CashDeposit.objects.filter(centre=centre, created_at__gte=start, created_at__lt=end)
        .select_related("agent")
        .order_by("-created_at", "-id")
    )
    return CashUp(centre, day, opening, received, paid_out, deposited, closing, lines, deposits)
