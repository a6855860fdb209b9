"""Who may do what with a case. Registered at start-up by AftersalesConfig.ready().

- ``aftersales.open`` (obj: an order): its buyer. An agent opens one for a villager through an
  acting-for grant (``case_open(on_behalf_of=...)``), checked by accounts, not by this rule.
- ``aftersales.view`` (obj: a case): the buyer and the agent who filed it; the shop's owner and
  staff; the agents of the case's centre once it was escalated to them; platform staff.
- ``aftersales.buyer_act``: accept or refuse an offer, withdraw, write: the buyer.
- ``aftersales.seller_act``: answer: the shop's owner and staff.
- ``aftersales.decide``: the centre's agents while the centre mediates; platform staff once escalated.
- ``aftersales.refer``: the centre's agents pass the case to the platform.
"""

from __future__ import annotations

from lumbung.accounts.models import Membership, Role
from lumbung.accounts.selectors import is_centre_agent, is_platform_admin
from lumbung.core.permissions import rule

from .states import CaseStatus

SHOP_MANAGERS = (Role.OWNER, Role.STAFF)


def is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_staff or is_platform_admin(user)))


def is_buyer(user, case) -> bool:
    return case.buyer_id == user.pk


def manages_shop_org(user, organisation_id) -> bool:
    return Membership.objects.filter(
        user=user,
        organisation_id=organisation_id,
        role__in=SHOP_MANAGERS,
        is_active=True,
        organisation__is_active=True,
    ).exists()


def is_seller(user, case) -> bool:
    return manages_shop_org(user, case.order.shop.organisation_id)


def is_mediating_agent(user, case) -> bool:
    """An agent of the case's centre, once the case reached that centre."""
    return (
        case.centre_id is not None
        and case.escalated_at is not None
        and is_centre_agent(user, case.centre.organisation)
    )


@rule("aftersales.open")
def can_open(user, order) -> bool:
    return order is not None and order.buyer_id == user.pk


@rule("aftersales.view")
def can_view(user, case) -> bool:
    return (
        is_buyer(user, case)
        or (case.filed_by_id is not None and case.filed_by_id == user.pk)
        or is_seller(user, case)
        or is_mediating_agent(user, case)
        or is_staff(user)
    )


@rule("aftersales.buyer_act")
def can_buyer_act(user, case) -> bool:
    return is_buyer(user, case)


@rule("aftersales.seller_act")
def can_seller_act(user, case) -> bool:
    return is_seller(user, case)


@rule("aftersales.decide")
def can_decide(user, case) -> bool:
    if case.status == CaseStatus.ESCALATED_CENTRE and is_mediating_agent(user, case):
        return True
    return case.status in (CaseStatus.ESCALATED_CENTRE, CaseStatus.ESCALATED_PLATFORM) and is_staff(user)


@rule("aftersales.refer")
def can_refer(user, case) -> bool:
    return case.status == CaseStatus.ESCALATED_CENTRE and (is_mediating_agent(user, case) or is_staff(user))
