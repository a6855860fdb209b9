"""SMS to the buyer and the seller at every step of an order, through the notify outbox.

Messages are queued inside the transaction that changed the order, so they exist exactly when the
change does. A villager registered without a phone of their own gets no SMS (the assisting agent
does instead, when there is one).
"""

from __future__ import annotations

from django.conf import settings

from lumbung.accounts.models import NO_PHONE_PREFIX, Membership, Role
from lumbung.core.money import format_money
from lumbung.notify.services import message_queue

from .states import OrderStatus


def _reachable(user) -> bool:
    return bool(user and user.is_active and user.phone and not user.phone.startswith(NO_PHONE_PREFIX))


def _context(order, *, reason: str = "", amount=None) -> dict:
    return {
        "code": order.code,
        "status": order.status,
        "shop": order.shop.name,
        "total": format_money(order.total_money),
        "amount": format_money(amount) if amount is not None else "",
        "reason": reason,
        "pickup": order.shipping_method == "pickup",
        "accept_hours": settings.LUMBUNG_ORDER_ACCEPT_HOURS,
        "complete_days": settings.LUMBUNG_ORDER_COMPLETE_DAYS,
    }


def order_notify(order, *, reason: str = "", amount=None, event: str = "") -> None:
    """Tell the buyer (or their agent) and the shop's owners what just happened to ``order``."""
    context = {**_context(order, reason=reason, amount=amount), "event": event or order.status}
    buyer = order.buyer
    recipient = buyer if _reachable(buyer) else order.assisted_by
    if _reachable(recipient):
        message_queue(
            to=recipient.phone, template="order_buyer", context=context, language=recipient.language
        )
    if order.status == OrderStatus.PLACED and not event:
        return  # the seller hears about an order once it is paid, not while it may still lapse
    owners = Membership.objects.filter(
        organisation_id=order.shop.organisation_id, role=Role.OWNER, is_active=True
    ).select_related("user")
    for membership in owners:
        if _reachable(membership.user):
            message_queue(
                to=membership.user.phone,
                template="order_seller",
                context=context,
                language=membership.user.language,
            )
