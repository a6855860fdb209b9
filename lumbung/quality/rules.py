"""Who may do what at the standards gate. Registered at start-up by QualityConfig.ready().

- ``quality.review``: quality inspectors (the role held anywhere) and platform admins.
- ``quality.submit_certificate``: the shop's owner and staff (catalog's ``catalog.manage_shop``).
- An inspector never verifies a certificate of, or inspects a product of, a shop they work for.
"""

from __future__ import annotations

from lumbung.accounts.models import Membership, Role
from lumbung.accounts.selectors import has_role, is_platform_admin
from lumbung.catalog.models import Product, Shop
from lumbung.core.permissions import can, registered_actions, rule

from .models import Certificate, Inspection

SHOP_MANAGERS = (Role.OWNER, Role.STAFF)


def _is_reviewer(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return has_role(user, Role.QUALITY_INSPECTOR) or is_platform_admin(user)


def _works_for(user, shop: Shop) -> bool:
    """Holds owner or staff in the shop's organisation: a personal interest in its listings."""
    return Membership.objects.filter(
        user=user, organisation_id=shop.organisation_id, role__in=SHOP_MANAGERS, is_active=True
    ).exists()


def manages_shop(user, shop: Shop) -> bool:
    if not isinstance(shop, Shop):
        return False
    if "catalog.manage_shop" in registered_actions():
        return can(user, "catalog.manage_shop", shop)
    return _works_for(user, shop)


@rule("quality.review")
def can_review(user, _obj=None) -> bool:
    return _is_reviewer(user)


@rule("quality.submit_certificate")
def can_submit_certificate(user, shop) -> bool:
    return manages_shop(user, shop)


@rule("quality.view_certificate")
def can_view_certificate(user, certificate) -> bool:
    return isinstance(certificate, Certificate) and (
        manages_shop(user, certificate.shop) or _is_reviewer(user)
    )


@rule("quality.review_certificate")
def can_review_certificate(user, certificate) -> bool:
    return (
        isinstance(certificate, Certificate) and _is_reviewer(user) and not _works_for(user, certificate.shop)
    )


@rule("quality.inspect_product")
def can_inspect_product(user, product) -> bool:
    return isinstance(product, Product) and _is_reviewer(user) and not _works_for(user, product.shop)


@rule("quality.view_gate")
def can_view_gate(user, product) -> bool:
    return isinstance(product, Product) and (manages_shop(user, product.shop) or _is_reviewer(user))


@rule("quality.request_publication")
def can_request_publication(user, product) -> bool:
    return isinstance(product, Product) and manages_shop(user, product.shop)


@rule("quality.view_inspection")
def can_view_inspection(user, inspection) -> bool:
    if not isinstance(inspection, Inspection):
        return False
    if _is_reviewer(user):
        return True
    return inspection.product is not None and manages_shop(user, inspection.product.shop)
