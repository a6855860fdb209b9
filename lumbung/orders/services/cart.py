"""The cart: one per buyer, or per anonymous session (merged into the buyer's at login).

Edits lock the cart row, so two tabs adding the same item at once end with one line holding both
quantities. Each line remembers the unit price the buyer was shown; checkout refuses to charge a
different price until the buyer has looked at it (``cart_confirm_prices``).
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import Variant

from ..errors import invalid
from ..models import Cart, CartLine

# Above this a quantity is a typo (the catalogue's own stock ceiling).
MAX_STOCK = 1_000_000


def _quantity(value) -> int:
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise invalid("quantity", _("Please enter a whole number.")) from None
    if quantity < 1:
        raise invalid("quantity", _("The quantity must be at least 1."))
    if quantity > MAX_STOCK:
        raise invalid("quantity", _("That number is too large to be right. Please check it."))
    return quantity


def _buyable(variant: Variant) -> None:
    product = variant.product
    if not (variant.is_active and product.is_published and product.shop.is_active):
        raise invalid("variant", _("This item is not for sale right now."))


def _check_stock(variant: Variant, quantity: int) -> None:
    stock = Variant.objects.filter(pk=variant.pk).values_list("stock", flat=True).first() or 0
    if stock == 0:
        raise invalid("quantity", _("Sorry, %(name)s is sold out.") % {"name": variant.product.name()})
    if quantity > stock:
        raise invalid(
            "quantity",
            _("Only %(stock)s left of %(name)s. Please choose %(stock)s or fewer.")
            % {"stock": stock, "name": variant.product.name()},
        )


def cart_get_for_user(*, user) -> Cart:
    cart, _created = Cart.objects.get_or_create(user=user)
    return cart


def cart_get_for_session(*, token: str | None, create: bool = True) -> Cart | None:
    if token:
        cart = Cart.objects.filter(session_token=token, user__isnull=True).first()
        if cart is not None:
            return cart
    if not create:
        return None
    return Cart.objects.create(session_token=secrets.token_hex(16))


def _locked(cart: Cart) -> Cart:
    return Cart.objects.select_for_update().get(pk=cart.pk)


@transaction.atomic
def cart_add(*, cart: Cart, variant: Variant, quantity) -> CartLine:
    """Add ``quantity`` units (on top of any already in the cart), at the price shown now."""
    quantity = _quantity(quantity)
    variant = Variant.objects.select_related("product__shop").get(pk=variant.pk)
    _buyable(variant)
    cart = _locked(cart)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    total = quantity + (line.quantity if line else 0)
    _check_stock(variant, total)
    if line is None:
        line = CartLine.objects.create(
            cart=cart,
            variant=variant,
            quantity=total,
            price_seen=variant.price_amount,
            currency=variant.price_currency,
        )
    else:
        line.quantity, line.price_seen, line.currency = total, variant.price_amount, variant.price_currency
        line.save(update_fields=["quantity", "price_seen", "currency"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, variant: Variant, quantity) -> CartLine:
    quantity = _quantity(quantity)
    variant = Variant.objects.select_related("product__shop").get(pk=variant.pk)
    cart = _locked(cart)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    if line is None:
        raise invalid("variant", _("That item is not in your cart."))
    _check_stock(variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_remove(*, cart: Cart, variant: Variant) -> None:
    cart = _locked(cart)
    CartLine.objects.filter(cart=cart, variant=variant).delete()
    cart.save(update_fields=["updated_at"])


@transaction.atomic
def cart_confirm_prices(*, cart: Cart) -> int:
    """The buyer has seen today's prices: remember them. Returns how many lines changed."""
    cart = _locked(cart)
    changed = 0
    for line in cart.lines.select_related("variant"):
        if line.price_seen != line.variant.price_amount or line.currency != line.variant.price_currency:
            line.price_seen, line.currency = line.variant.price_amount, line.variant.price_currency
            line.save(update_fields=["price_seen", "currency"])
            changed += 1
    return changed


@transaction.atomic
def cart_clear(*, cart: Cart) -> None:
    CartLine.objects.filter(cart=cart).delete()


@transaction.atomic
def cart_merge(*, source: Cart, user) -> Cart:
    """Move an anonymous session's lines into the user's cart (quantities add up), then drop it."""
    target = _locked(cart_get_for_user(user=user))
    if source.pk == target.pk:
        return target
    for line in CartLine.objects.filter(cart=source).select_related("variant"):
        existing = CartLine.objects.filter(cart=target, variant=line.variant).first()
        if existing is None:
            CartLine.objects.create(
                cart=target,
                variant=line.variant,
                quantity=line.quantity,
                price_seen=line.price_seen,
                currency=line.currency,
            )
        else:
            existing.quantity = min(existing.quantity + line.quantity, MAX_STOCK)
            existing.save(update_fields=["quantity"])
    source.delete()
    target.save(update_fields=["updated_at"])
    return target
