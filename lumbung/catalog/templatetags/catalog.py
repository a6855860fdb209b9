"""Template helpers for the catalogue: ``money``, the product name in the reader's language, featured list,
and the listing fragments every storefront page repeats (category options, product cards)."""

from __future__ import annotations

import html
from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

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


# The two fragments below are on every listing page, dozens of times. Django's template loop and
# format_html cost more than the rest of such a page, so they are written as plain strings here,
# each value escaped with the standard library's html.escape (what django.utils.html.escape does).
def _e(value) -> str:
    return html.escape(str(value), quote=True)


@register.simple_tag
def category_options(categories, selected: str = ""):
    """The ``<option>``s of the category filter: each top category, then its children indented."""
    parts = []
    for node in categories:
        for item, label in (
            (node, node.name()),
            *((kid, f"– {kid.name()}") for kid in getattr(node, "kids", ())),
        ):
            mark = " selected" if item.slug == selected else ""
            parts.append(f'<option value="{_e(item.slug)}"{mark}>{_e(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 -- every value escaped by _e


@register.simple_tag
def product_cards(products):
    """A listing's cards: first photo, name linked to the product, lowest price ("from" when there
    are several variants), shop and village. ``products`` come from ``rows.product_cards``
    (``variant_count`` set, photos loaded)."""
    placeholder = "0" * 16  # public ids are 16 letters and digits: one reverse, then substitution
    link = reverse("catalog:product", args=[placeholder])
    several = _e(pgettext("lowest price", "from")) + " "
    cards = []
    for product in products:
        name = _e(product.name())
        photos = list(product.photos.all())
        photo = ""
        if photos:
            first = photos[0]
            alt = _e(first.alt_text) if first.alt_text else name
            photo = (
                f'<img src="{_e(first.list_image.url)}" width="{first.list_width}"'
                f' height="{first.list_height}" alt="{alt}" loading="lazy">'
            )
        price = ""
        if product.price_from is not None:
            prefix = several if product.variant_count > 1 else ""
            price = f'<span class="price">{prefix}{_e(money(product.price_from_money))}</span>'
        url = _e(link.replace(placeholder, product.public_id))
        shop = product.shop
        cards.append(
            f'<li class="card">{photo}\n<h3><a href="{url}">{name}</a></h3>\n<p>{price}\n'
            f'<br><span class="muted">{_e(shop.name)} · {_e(shop.village.name)}</span></p></li>'
        )
    return mark_safe("".join(cards))  # noqa: S308 -- every value escaped by _e
