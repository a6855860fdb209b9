"""Reads for orders: a cart with its totals, an order a person may see, histories, ratings."""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from lumbung.accounts.models import Membership, Role
from lumbung.core.errors import ValidationFailed
from lumbung.core.money import Money
from lumbung.core.permissions import can
from lumbung.logistics.selectors import PublicTracking, parcel_public_tracking, parcels_by_reference

from .errors import OrderNotFound
from .models import Cart, CartLine, Order, OrderEvent, OrderLine, Review
from .rules import SHOP_MANAGERS

DEFAULT_PAGE = 20
MAX_PAGE = 100


@dataclass
class CartGroup:
    """The cart's lines from one shop: what becomes one order."""

    shop: object
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Money:
        total = Money.zero(self.shop.currency)
        for line in self.lines:
            total += Money(line.variant.price_amount, self.shop.currency) * line.quantity
        return total


@dataclass
class CartView:
    cart: Cart | None
    groups: list[CartGroup]
    changed: list[CartLine]

    @property
    def count(self) -> int:
        return sum(line.quantity for group in self.groups for line in group.lines)

    @property
    def totals(self) -> list[Money]:
        by_currency: dict[str, Money] = {}
        for group in self.groups:
            sub = group.subtotal
            by_currency[sub.currency] = by_currency.get(sub.currency, Money.zero(sub.currency)) + sub
        return [by_currency[c] for c in sorted(by_currency)]


def cart_view(cart: Cart | None) -> CartView:
    """The cart's lines grouped by shop, and the lines whose price changed since they were added."""
    if cart is None:
        return CartView(None, [], [])
    lines = list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__shop")
        .order_by("variant__shop_id", "added_at", "id")
    )
    groups: dict[int, CartGroup] = {}
    changed = []
    for line in lines:
        shop = line.variant.product.shop
        groups.setdefault(shop.pk, CartGroup(shop)).lines.append(line)
        if line.price_seen != line.variant.price_amount:
            changed.append(line)
    return CartView(cart, list(groups.values()), changed)


def _lines() -> Prefetch:
    return Prefetch("lines", queryset=OrderLine.objects.select_related("variant", "product", "review"))


def _base() -> QuerySet[Order]:
    return Order.objects.select_related(
        "shop", "shop__organisation", "buyer", "village", "pickup_centre__organisation", "commission_org"
    )


def order_for_viewer(*, public_id: str, user) -> Order:
    """An order the user may see, with lines and events; anything else is "not found"."""
    order = (
        _base()
        .prefetch_related(
            _lines(),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("at", "id")),
        )
        .filter(public_id=public_id)
        .first()
    )
    if order is None or not can(user, "orders.view", order):
        raise OrderNotFound()
    return order


def order_tracking(order: Order) -> list[PublicTracking]:
    """Where the order's parcels are: logistics' public tracking (no names or phones), oldest parcel first.

    A parcel carries the order's escrow reference ("order:<public id>"); the steps are its status
    changes in order, from the counter through the carrier's webhooks to the pickup centre.
    """
    codes = parcels_by_reference(order.escrow_reference).order_by("pk").values_list("code", flat=True)
    return [tracking for code in codes if (tracking := parcel_public_tracking(code)) is not None]


def order_by_code(code: str) -> Order | None:
    """For a centre's counter: the order a villager reads aloud (centres check their own rights)."""
    return _base().filter(code=(code or "").strip().upper()).first()


def orders_of_buyer(*, user) -> QuerySet[Order]:
    return _base().filter(Q(buyer=user) | Q(assisted_by=user)).prefetch_related(_lines())


def orders_of_seller(*, user, status: str | None = None) -> QuerySet[Order]:
    organisations = Membership.objects.filter(
        user=user, role__in=SHOP_MANAGERS, is_active=True, organisation__isnull=False
    ).values("organisation_id")
    qs = _base().filter(shop__organisation_id__in=organisations).prefetch_related(_lines())
    if status:
        qs = qs.filter(status=status)
    return qs


def orders_all() -> QuerySet[Order]:
    return _base().prefetch_related(_lines())


def _cursor_decode(cursor: str | None) -> tuple[str, int] | None:
    if not cursor:
        return None
    try:
        placed, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return placed, int(pk)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(details={"field": "cursor"}) from None


def page(qs: QuerySet[Order], *, cursor: str | None, limit: int | None) -> tuple[list[Order], str | None]:
    """Newest first, ties broken by id; the cursor is opaque (placed_at and an internal key)."""
    limit = max(1, min(limit or DEFAULT_PAGE, MAX_PAGE))
    after = _cursor_decode(cursor)
    qs = qs.order_by("-placed_at", "-id")
    if after:
        qs = qs.filter(Q(placed_at__lt=after[0]) | Q(placed_at=after[0], id__lt=after[1]))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = base64.urlsafe_b64encode(f"{last.placed_at.isoformat()}|{last.pk}".encode()).decode()
    return rows, next_cursor


def line_for_review(*, order: Order, line_public_id: str) -> OrderLine:
    line = (
        OrderLine.objects.select_related("order", "product")
        .filter(order=order, public_id=line_public_id)
        .first()
    )
    if line is None:
        raise OrderNotFound()
    return line


def product_rating(product_id: int) -> tuple[Decimal, int]:
    figures = Review.objects.filter(product_id=product_id).aggregate(avg=Avg("stars"), count=Count("id"))
    return Decimal(str(figures["avg"] or 0)).quantize(Decimal("0.01")), figures["count"]


def reviews_of_product(product_id: int, *, limit: int = 20) -> list[Review]:
    return list(Review.objects.filter(product_id=product_id).select_related("buyer")[:limit])


def shop_owners_phones(order: Order) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation_id=order.shop.organisation_id, role=Role.OWNER, is_active=True
        ).values_list("user__phone", flat=True)
    )


def events_by_order(orders: list[Order]) -> dict[int, list[OrderEvent]]:
    grouped: dict[int, list[OrderEvent]] = defaultdict(list)
    for event in OrderEvent.objects.filter(order__in=orders).order_by("at", "id"):
        grouped[event.order_id].append(event)
    return grouped
