"""Reads for after-sales: a case a person may see, and the lists each kind of person works from.

- a buyer sees their own cases (and an agent the ones they filed for a villager);
- a seller sees the cases against their shops;
- a centre agent sees the cases escalated to their centre; platform staff see every case.
Anything else is "not found", never a hint that it exists.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from lumbung.accounts.models import Membership
from lumbung.centers.selectors import centres_for_agent
from lumbung.core.permissions import can
from lumbung.orders.models import Order

from .errors import CaseNotFound
from .models import Case, CaseEvent, CaseLine
from .rules import SHOP_MANAGERS, is_staff
from .states import ACTIVE, ESCALATED


def _base() -> QuerySet[Case]:
    return Case.objects.select_related(
        "order__shop__organisation",
        "order__buyer",
        "order__village",
        "buyer",
        "filed_by",
        "centre__organisation",
        "return_parcel",
        "replacement_parcel",
    )


def _full() -> QuerySet[Case]:
    return _base().prefetch_related(
        Prefetch("lines", queryset=CaseLine.objects.select_related("line")),
        Prefetch(
            "events", queryset=CaseEvent.objects.select_related("actor", "on_behalf_of").order_by("at", "id")
        ),
        "photos",
    )


def case_for_viewer(*, public_id: str, user) -> Case:
    case = _full().filter(public_id=public_id).first()
    if case is None or not can(user, "aftersales.view", case):
        raise CaseNotFound()
    return case


def cases_of_buyer(*, user) -> QuerySet[Case]:
    return _base().filter(Q(buyer=user) | Q(filed_by=user))


def cases_of_seller(*, user, active_only: bool = False) -> QuerySet[Case]:
    organisations = Membership.objects.filter(
        user=user, role__in=SHOP_MANAGERS, is_active=True, organisation__isnull=False
    ).values("organisation_id")
    qs = _base().filter(order__shop__organisation_id__in=organisations)
    return qs.filter(status__in=ACTIVE) if active_only else qs


def cases_queue(*, user, waiting_only: bool = True) -> QuerySet[Case]:
    """Escalated cases for a mediator: their centres' (agents) or all (platform staff)."""
    if is_staff(user):
        qs = _base().filter(Q(escalated_at__isnull=False) | Q(platform_at__isnull=False))
    else:
        centres = centres_for_agent(user)
        qs = _base().filter(centre__in=centres, escalated_at__isnull=False)
    if waiting_only:
        qs = qs.filter(status__in=ESCALATED)
    return qs.order_by("due_at", "opened_at", "id")


def active_case_for_order(order: Order) -> Case | None:
    return Case.objects.filter(order=order, status__in=ACTIVE).first()


def cases_for_order(*, order: Order, user) -> list[Case]:
    return [case for case in _base().filter(order=order) if can(user, "aftersales.view", case)]
