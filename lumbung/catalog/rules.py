"""Who may do what in the catalogue. Registered at start-up by CatalogConfig.ready()."""

from __future__ import annotations

from lumbung.accounts.models import Membership, Role
from lumbung.accounts.selectors import has_role
from lumbung.core.permissions import rule

from .models import Product, Shop

SHOP_MANAGERS = (Role.OWNER, Role.STAFF)


def _organisation_of(obj):
    """The organisation (or its id: enough for the membership lookups, and no query to load it)."""
    if isinstance(obj, Product):
        return obj.shop.organisation_id
    if isinstance(obj, Shop):
        return obj.organisation_id
    return obj  # an Organisation (opening a shop)


def _holds(user, organisation, roles) -> bool:
    return (
        organisation is not None
        and Membership.objects.filter(
            user=user, organisation=organisation, role__in=roles, is_active=True
        ).exists()
    )


@rule("catalog.open_shop")
def can_open_shop(user, organisation) -> bool:
    """The organisation's owner opens its shop (an agent does it through an acting-for grant)."""
    return _holds(user, organisation, (Role.OWNER,))


@rule("catalog.manage_shop")
def can_manage_shop(user, shop) -> bool:
    return _holds(user, _organisation_of(shop), SHOP_MANAGERS)


@rule("catalog.edit_product")
def can_edit_product(user, obj) -> bool:
    """``obj`` is the product, or the shop a new product goes into."""
    return _holds(user, _organisation_of(obj), SHOP_MANAGERS)


@rule("catalog.view_unpublished")
def can_view_unpublished(user, product) -> bool:
    """Any member of the shop's organisation, and quality inspectors (who judge unpublished listings)."""
    organisation = _organisation_of(product)
    if (
        organisation is not None
        and Membership.objects.filter(user=user, organisation=organisation, is_active=True).exists()
    ):
        return True
    return has_role(user, Role.QUALITY_INSPECTOR)
