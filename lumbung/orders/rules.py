"""Who may do what with an order. Registered at start-up by OrdersConfig.ready().

- the buyer (and the agent who placed it for them) sees the order, cancels it before the seller
  accepts, confirms receipt and reviews;
- the shop's owner and staff see it, accept, cancel (with a full refund) and hand it over;
- marking delivered: the seller, a courier, or platform staff (centres refine this later);
- refunds by hand and cancelling at any stage before shipping: platform staff.
"""

from __future__ import annotations

from lumbung.accounts.models import Membership, Role
from lumbung.accounts.selectors import has_role, is_platform_admin
from lumbung.core.permissions import rule

from .states import OrderStatus

SHOP_MANAGERS = (Role.OWNER, Role.STAFF)


def is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_staff or is_platform_admin(user)))


def is_buyer(user, order) -> bool:
    return order.buyer_id == user.pk or (order.assisted_by_id is not None and order.assisted_by_id == user.pk)


def manages_shop(user, order) -> bool:
    return Membership.objects.filter(
        user=user,
        organisation_id=order.shop.organisation_id,
        role__in=SHOP_MANAGERS,
        is_active=True,
        organisation__is_active=True,
    ).exists()


@rule("orders.view")
def can_view(user, order) -> bool:
    return is_buyer(user, order) or manages_shop(user, order) or is_staff(user)


@rule("orders.buyer_cancel")
def can_buyer_cancel(user, order) -> bool:
    """The buyer may change their mind until the seller accepts."""
    return is_buyer(user, order) and order.status in (OrderStatus.PLACED, OrderStatus.PAID)


@rule("orders.seller_act")
def can_seller_act(user, order) -> bool:
    """Accept, refuse (cancel with a refund), hand over."""
    return manages_shop(user, order)


@rule("orders.mark_delivered")
def can_mark_delivered(user, order) -> bool:
    return manages_shop(user, order) or has_role(user, Role.COURIER) or is_staff(user)


@rule("orders.confirm_received")
def can_confirm_received(user, order) -> bool:
    return order.buyer_id == user.pk


@rule("orders.review")
def can_review(user, order) -> bool:
    return order.buyer_id == user.pk


@rule("orders.staff")
def can_staff(user, order=None) -> bool:
    """Refunds by hand, cancelling any order before shipping, seeing every order."""
    return is_staff(user)
