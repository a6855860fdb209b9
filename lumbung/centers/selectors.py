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


# --- the counter (console) ----------------------------------------------------------------------------


def drop_offs_on(centre: ServiceCentre, day: date | None = None):
    from .models import DropOff

    start, end = day_bounds(centre, day or centre_today(centre))
    return (
        DropOff.objects.filter(centre=centre, created_at__gte=start, created_at__lt=end)
        .select_related("order", "parcel", "agent")
        .order_by("-created_at", "-id")
    )


def parcels_waiting_pickup(centre: ServiceCentre):
    from lumbung.logistics.models import Parcel
    from lumbung.logistics.status import P

    return Parcel.objects.filter(destination_centre=centre.organisation, status=P.READY_FOR_PICKUP).order_by(
        "status_changed_at", "pk"
    )


def parcels_incoming(centre: ServiceCentre):
    """On their way to this centre (or at it, not yet on the shelf / out for delivery)."""
    from lumbung.logistics.models import Parcel
    from lumbung.logistics.status import P

    return Parcel.objects.filter(
        destination_centre=centre.organisation,
        status__in=[
            P.HANDED_TO_CARRIER,
            P.IN_TRANSIT,
            P.AT_DESTINATION_HUB,
            P.OUT_FOR_DELIVERY,
            P.FAILED_DELIVERY,
        ],
    ).order_by("status_changed_at", "pk")


def parcels_to_batch(centre: ServiceCentre):
    from lumbung.logistics.selectors import parcels_ready_to_batch

    return parcels_ready_to_batch(centre=centre.organisation)


def parcel_for_counter(centre: ServiceCentre, code: str):
    """A parcel by its label code (LBG-…), or by the order code it carries; any centre's (callers check)."""
    from lumbung.logistics.selectors import parcel_by_code, parcels_by_reference
    from lumbung.orders.selectors import order_by_code

    text = "".join((code or "").split())
    if not text:
        return None
    parcel = parcel_by_code(text)
    if parcel is None:
        order = order_by_code(text)
        if order is not None:
            parcel = parcels_by_reference(order.escrow_reference).order_by("-created_at", "-pk").first()
    return parcel


def assisted_acts(centre: ServiceCentre, *, villager=None, day: date | None = None):
    from .models import AssistedAct

    qs = AssistedAct.objects.filter(centre=centre).select_related("villager", "agent", "order")
    if villager is not None:
        qs = qs.filter(villager=villager)
    if day is not None:
        start, end = day_bounds(centre, day)
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class CommissionView:
    """The centre's commission account line by line (credits at completion, claw-backs on refunds),
    and what assisted or pickup orders not yet completed will earn."""

    balance: Money
    lines: list[ledger_selectors.StatementLine]
    pending: list  # orders of this centre not completed yet, each with its commission


def commission(centre: ServiceCentre, *, limit: int = 50) -> CommissionView:
    from lumbung.orders.models import Order

    from .accounts import commission_account_code

    currency = centre.currency
    account = ledger_selectors.account_find(commission_account_code(centre.public_id, currency))
    lines: list = []
    balance = Money.zero(currency)
    if account is not None:
        lines = ledger_selectors.statement(account=account, limit=limit).lines
        balance = ledger_selectors.balance(account)
    pending = list(
        Order.objects.filter(
            commission_org=centre.organisation,
            status__in=["paid", "accepted", "handed_over", "in_transit", "delivered"],
            centre_commission__gt=0,
        ).order_by("-placed_at")[:limit]
    )
    return CommissionView(balance, lines, pending)


def pickups_of_buyer(user):
    """The buyer's own parcels on a centre's shelf (or on the way to one), with their orders."""
    from lumbung.logistics.models import Parcel
    from lumbung.logistics.status import P
    from lumbung.orders.models import Order

    if user is None or not getattr(user, "is_authenticated", False):
        return []
    orders = {
        f"order:{o.public_id}": o
        for o in Order.objects.filter(buyer=user, shipping_method="pickup").select_related(
            "pickup_centre__organisation"
        )
    }
    parcels = Parcel.objects.filter(
        reference__in=list(orders),
        status__in=[
            P.HANDED_TO_CARRIER,
            P.IN_TRANSIT,
            P.AT_DESTINATION_HUB,
            P.READY_FOR_PICKUP,
            P.ACCEPTED_AT_CENTRE,
            P.BATCHED,
        ],
    ).order_by("-status_changed_at")
    return [(parcel, orders[parcel.reference]) for parcel in parcels]
