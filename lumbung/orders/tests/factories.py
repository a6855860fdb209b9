"""Builders for order tests: buyers with a village, shops with stock, a CNY rate, carts, checkouts,
payments through the real payments services (static QRIS: no gateway call), and ledger snapshots."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.db.models import Sum
from django.test import TestCase

from lumbung.accounts.models import Membership, OrganisationKind, Role
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.catalog.models import Variant
from lumbung.catalog.tests import factories as catalog
from lumbung.ledger.models import LedgerAccount, Posting
from lumbung.orders import services
from lumbung.orders.models import Order
from lumbung.regions.tests.factories import china_county, village

_seq = itertools.count(1)


def buyer(**fields):
    return UserFactory(village=fields.pop("village", None) or village(), **fields)


def staff():
    return UserFactory(is_staff=True)


def shop_with_variant(*, price="25000", stock=10, currency="IDR", weight=300, **fields):
    """A published product with one variant; returns (shop, variant). A CNY shop sits in China."""
    n = next(_seq)
    shop = catalog.shop(village=china_county() if currency == "CNY" else village(), **fields)
    product = catalog.product(
        shop_=shop,
        variants=[
            {"sku": f"SKU-{n}", "label": "1 kg", "price": str(price), "stock": stock, "weight_grams": weight}
        ],
    )
    return shop, product.variants.get()


def cny_rate(rate: str = "2250.5"):
    from lumbung.payments.services import fx_rate_enter

    return fx_rate_enter(base="CNY", quote="IDR", rate=rate, source="test rate", actor=staff())


def address(user, *, area=None) -> services.Address:
    area = area or user.village
    return services.Address(
        village=area,
        street="Jl. Mawar 1",
        postcode=(area.postal_codes.split(",")[0] if area.postal_codes else ""),
    )


def cart_with(user, *items):
    """``items``: (variant, quantity) pairs."""
    cart = services.cart_get_for_user(user=user)
    for variant, quantity in items:
        services.cart_add(cart=cart, variant=variant, quantity=quantity)
    return cart


def checkout(user, *items, area=None, key=None, method="qris", actor=None):
    cart = cart_with(actor or user, *items)
    return services.checkout_place(
        actor=actor or user,
        buyer=user,
        cart=cart,
        address=address(user, area=area),
        shipping_method="door",
        payment_method=method,
        idempotency_key=key or f"k-{next(_seq)}",
    )


def pay(order_or_intent_id):
    """Mark the order's intent paid through payments (which emits ``payments.intent_paid``)."""
    from lumbung.payments.models import PaymentIntent
    from lumbung.payments.services import intent_mark_paid

    public_id = (
        order_or_intent_id.payment_intent if isinstance(order_or_intent_id, Order) else order_or_intent_id
    )
    with on_commit_runs():
        return intent_mark_paid(intent=PaymentIntent.objects.get(public_id=public_id), source="test")


def on_commit_runs():
    """Run on-commit callbacks (payments' events) inside a test's wrapping transaction."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def seller_of(order):
    return Membership.objects.filter(organisation=order.shop.organisation, role=Role.OWNER).first().user


def centre(area):
    """A service centre organisation serving ``area`` (the centers model, built the way its admin does)."""
    from lumbung.centers.models import ServiceCentre

    organisation = OrganisationFactory(kind=OrganisationKind.SERVICE_CENTRE, village=area)
    service_centre = ServiceCentre.objects.create(organisation=organisation, address="Balai desa")
    service_centre.villages.add(area)
    return service_centre


def balance(code: str) -> Decimal:
    account = LedgerAccount.objects.filter(code=code).first()
    return account.balance if account else Decimal(0)


def ledger_sums_zero() -> bool:
    sums = Posting.objects.values("currency").annotate(total=Sum("amount"))
    return all(row["total"] == 0 for row in sums)


def stock(variant: Variant) -> int:
    return Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)
