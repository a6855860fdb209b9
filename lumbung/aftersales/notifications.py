"""SMS to the buyer, the seller (and the mediating centre) at every step of a case, via the outbox.

Messages are queued in the transaction that changed the case, in each person's own language. A
villager without a phone of their own is reached through the agent who filed the case (or who
placed the order) instead.
"""

from __future__ import annotations

from lumbung.accounts.models import NO_PHONE_PREFIX, Membership, Role
from lumbung.core.money import format_money
from lumbung.notify.services import message_queue

from . import conf


def _reachable(user) -> bool:
    return bool(user and user.is_active and user.phone and not user.phone.startswith(NO_PHONE_PREFIX))


def _context(case, event: str, message: str) -> dict:
    money = case.outcome_money or case.offer_money
    return {
        "event": event,
        "case": case.code,
        "order": case.order.code,
        "shop": case.order.shop.name,
        "status": case.status,
        "offer": case.offer,
        "outcome": case.outcome,
        "amount": format_money(money) if money else "",
        "seller_days": conf.seller_time().days,
        "centre_days": conf.centre_time().days,
        "message": message[:160],
    }


def case_notify(case, *, event: str, message: str = "", centre: bool = False) -> None:
    """Tell the buyer and the shop's owners (and, with ``centre``, the centre's agents)."""
    context = _context(case, event, message)
    buyer = case.buyer
    recipient = buyer if _reachable(buyer) else (case.filed_by or case.order.assisted_by)
    if _reachable(recipient):
        message_queue(to=recipient.phone, template="case_buyer", context=context, language=recipient.language)
    owners = Membership.objects.filter(
        organisation_id=case.order.shop.organisation_id, role=Role.OWNER, is_active=True
    ).select_related("user")
    for membership in owners:
        if _reachable(membership.user):
            message_queue(
                to=membership.user.phone,
                template="case_seller",
                context=context,
                language=membership.user.language,
            )
    if centre and case.centre_id is not None:
        agents = Membership.objects.filter(
            organisation_id=case.centre.organisation_id, role=Role.CENTRE_AGENT, is_active=True
        ).select_related("user")
        for membership in agents:
            if _reachable(membership.user):
                message_queue(
                    to=membership.user.phone,
                    template="case_centre",
                    context=context,
                    language=membership.user.language,
                )
