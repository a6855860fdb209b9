"""Carts, orders (one per shop per checkout), their lines and events, reviews and fee rules.

Rules these tables keep (the services are the one way to write them):
- An order's status changes only through ``order_set_status``, which follows ``states.TRANSITIONS``
  and writes an ``OrderEvent`` (who, when, from, to, why). Events are append-only.
- Amounts are Decimal in the order's currency (the shop's), never float. ``total = subtotal +
  shipping``; the platform fee and the centre commission come out of the seller's share, and are
  fixed at checkout from the ``FeeRule`` then in force.
- Lines keep a snapshot of what was bought (name, SKU, unit price): a later price change never
  rewrites an order.
- A review belongs to one order line, once (a unique constraint, not just a check in code).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_code, new_public_id
from lumbung.core.money import CURRENCY_CHOICES, DECIMAL_PLACES, MAX_DIGITS, Money

from .states import OrderStatus


def _money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=Decimal(0), **kwargs
    )


def new_order_code() -> str:
    return new_code(8)


class Cart(models.Model):
    """One per buyer; an anonymous visitor's cart is found by a random token kept in their session."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    session_token = models.CharField(max_length=32, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(session_token__isnull=False), name="orders_cart_has_owner"
            )
        ]
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return f"cart {self.public_id}"


class CartLine(models.Model):
    """A variant and a quantity, with the unit price the buyer was shown (to catch a change)."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    price_seen = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="orders_cartline_once_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_cartline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"

    @property
    def price_seen_money(self) -> Money:
        return Money(self.price_seen, self.currency)


class ShippingMethod(models.TextChoices):
    DOOR = "door", _("delivery to my door")
    PICKUP = "pickup", _("pick up at a service centre")


class Order(models.Model):
    """What one buyer bought from one shop in one checkout. Several orders share a checkout group."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    code = models.CharField(
        _("order code"), max_length=12, unique=True, default=new_order_code, editable=False
    )
    checkout_group = models.CharField(max_length=16, db_index=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    # An agent who placed the order for the buyer, under an acting-for grant.
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shop = models.ForeignKey("catalog.Shop", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    subtotal = _money_field(_("goods"))
    shipping = _money_field(_("shipping"))
    platform_fee = _money_field(_("platform fee"))
    centre_commission = _money_field(_("centre commission"))
    total = _money_field(_("total"))
    # Refunds so far (before and after completion); never more than ``total``.
    refunded = _money_field(_("refunded"))
    # What completion actually released (after any partial refund before it).
    released_seller = _money_field(_("released to the seller"))
    released_fee = _money_field(_("platform fee taken"))
    released_commission = _money_field(_("commission credited"))
    # The centre organisation that earns the commission (pickup centre or the assisting agent's).
    commission_org = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey("regions.Area", on_delete=models.PROTECT, related_name="+")
    street = models.CharField(_("street and house"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=120, blank=True)
    recipient_phone = models.CharField(_("recipient's phone"), max_length=20, blank=True)
    shipping_method = models.CharField(
        max_length=8, choices=ShippingMethod.choices, default=ShippingMethod.DOOR
    )
    pickup_centre = models.ForeignKey(
        "centers.ServiceCentre", null=True, blank=True, on_delete=models.PROTECT, related_name="pickup_orders"
    )
    weight_grams = models.PositiveIntegerField(default=0)
    payment_method = models.CharField(max_length=32, blank=True)
    # What the buyer pays in: the order's currency, or rupiah at a recorded rate when payments cannot
    # take the shop's currency (a CNY shop is paid in IDR; see docs/orders.md, "Two currencies").
    pay_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="IDR")
    pay_total = _money_field(_("amount to pay"))
    fx_rate = models.DecimalField(max_digits=24, decimal_places=10, null=True, blank=True)
    fx_rate_ref = models.CharField(max_length=40, blank=True)
    payment_intent = models.CharField(max_length=16, blank=True, db_index=True)
    reserved_until = models.DateTimeField(null=True, blank=True)
    stock_released = models.BooleanField(default=False)
    # Set while a complaint is open (aftersales, through ``order_hold``): no automatic completion.
    on_hold = models.BooleanField(default=False)
    placed_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-placed_at"], name="orders_order_buyer_new"),
            models.Index(fields=["shop", "status", "-placed_at"], name="orders_order_shop_status"),
            models.Index(fields=["status", "reserved_until"], name="orders_order_status_reserved"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("shipping")), name="orders_order_total"
            ),
            models.CheckConstraint(
                condition=Q(refunded__gte=0) & Q(refunded__lte=models.F("total")),
                name="orders_order_refund_bounded",
            ),
            models.CheckConstraint(
                condition=Q(platform_fee__gte=0)
                & Q(centre_commission__gte=0)
                & Q(subtotal__gt=0)
                & Q(shipping__gte=0),
                name="orders_order_amounts_sane",
            ),
            models.CheckConstraint(
                condition=~Q(shipping_method="pickup") | Q(pickup_centre__isnull=False),
                name="orders_order_pickup_has_centre",
            ),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.code

    def money(self, field: str) -> Money:
        return Money(getattr(self, field), self.currency)

    @property
    def total_money(self) -> Money:
        return self.money("total")

    @property
    def refundable_money(self) -> Money:
        return Money(self.total - self.refunded, self.currency)

    @property
    def settles_in_other_currency(self) -> bool:
        return self.pay_currency != self.currency

    @property
    def escrow_reference(self) -> str:
        return f"order:{self.public_id}"


class OrderLine(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=240)
    sku = models.CharField(max_length=40)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    line_total = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    platform_fee = _money_field(_("platform fee"))
    weight_grams = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="orders_orderline_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


class OrderEvent(models.Model):
    """One row per status change (and per refund or hold, where ``from`` equals ``to``). Append-only."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "system" for periodic jobs, "payments" for gateway events; blank when a person acted.
    source = models.CharField(max_length=24, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("order events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("order events are append-only")


class Review(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    line = models.OneToOneField(OrderLine, on_delete=models.CASCADE, related_name="review")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shop = models.ForeignKey("catalog.Shop", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="orders_review_stars_1_5"
            )
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.stars}★ {self.product_id}"


class FeeRule(models.Model):
    """What the platform and a centre take from a sale, in percent of the goods, per category.

    The rule for a line is the newest one in force for its category, else its parent's, ..., else the
    default (no category). Editing means adding a rule with a later ``valid_from``: orders keep the
    fee they were placed with.
    """

    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for the default rule."),
    )
    platform_fee_percent = models.DecimalField(_("platform fee (%)"), max_digits=5, decimal_places=2)
    centre_commission_percent = models.DecimalField(
        _("centre commission (%)"), max_digits=5, decimal_places=2
    )
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(platform_fee_percent__gte=0)
                & Q(centre_commission_percent__gte=0)
                & Q(platform_fee_percent__lte=50)
                & Q(centre_commission_percent__lte=50),
                name="orders_feerule_percent_range",
            )
        ]
        verbose_name = _("fee rule")
        verbose_name_plural = _("fee rules")

    def __str__(self) -> str:
        return f"{self.category or _('default')}: {self.platform_fee_percent}% + {self.centre_commission_percent}%"
