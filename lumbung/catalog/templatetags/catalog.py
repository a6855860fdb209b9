"""Template helpers for the catalogue: ``money``, the product name in the reader's language, featured list."""

from __future__ import annotations

from decimal import Decimal

from django import template

from lumbung.core.money import Money, format_money

register = template.Library()


@register.filter
def money(value, currency: str = "IDR") -> str:
    """``{{ variant.price|money }}`` → "Rp25.000"; a bare Decimal takes the currency argument."""
    if value is None or value == "":
        return ""
    if isinstance(value, Money):
        return format_money(value)
    try:
        return format_money(Money(Decimal(str(value)), currency or "IDR"))
    except Exception:  # a template must never crash on a bad value
        return ""


@register.filter
def localized_name(obj) -> str:
    return obj.name() if hasattr(obj, "name") and callable(obj.name) else str(obj)


@register.simple_tag
def featured_products(limit: int = 8):
    from lumbung.catalog.selectors import featured_products as featured

    return featured(limit=limit)


@register.simple_tag
def category_tree():
    from lumbung.catalog.selectors import category_tree as tree

    return tree()
