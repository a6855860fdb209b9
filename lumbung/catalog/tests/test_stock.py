"""Stock: conditional updates, the journal, compare-and-set edits, and a real race on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import translation

from lumbung.catalog import services
from lumbung.catalog.errors import SoldOut, StockChanged
from lumbung.catalog.models import Shop, StockMovement, Variant
from lumbung.catalog.tests import factories as f
from lumbung.core.errors import Forbidden, ValidationFailed
from lumbung.core.models import AuditEntry


@pytest.mark.django_db
def test_reserve_release_adjust_each_leave_a_movement_with_the_stock_after():
    variant = f.product(stock=10).variants.get()
    owner = f.owner_of(variant.shop)
    services.stock_reserve(variant=variant, quantity=4, reference="ord-1")
    services.stock_release(variant=variant, quantity=1, reference="ord-1")
    services.stock_adjust(actor=owner, variant=variant, delta=5, reason="restock")
    moves = list(
        StockMovement.objects.filter(variant=variant)
        .order_by("id")
        .values_list("delta", "reason", "stock_after")
    )
    assert moves == [
        (10, "initial", 10),
        (-4, "sale_reserve", 6),
        (1, "reservation_release", 7),
        (5, "restock", 12),
    ]
    assert Variant.objects.get(pk=variant.pk).stock == 12


@pytest.mark.django_db
def test_reserving_more_than_is_left_is_sold_out_and_changes_nothing():
    variant = f.product(stock=2).variants.get()
    with pytest.raises(SoldOut) as caught:
        services.stock_reserve(variant=variant, quantity=3)
    with translation.override("en"):
        assert "sold out" in str(caught.value.message)
    assert caught.value.status == 409
    assert Variant.objects.get(pk=variant.pk).stock == 2
    assert StockMovement.objects.filter(variant=variant).count() == 1


@pytest.mark.django_db
def test_a_seller_cannot_remove_more_than_is_in_stock():
    variant = f.product(stock=2).variants.get()
    with pytest.raises(ValidationFailed):
        services.stock_adjust(actor=f.owner_of(variant.shop), variant=variant, delta=-3, reason="damage")
    assert Variant.objects.get(pk=variant.pk).stock == 2


@pytest.mark.django_db
def test_compare_and_set_refuses_a_stale_count():
    variant = f.product(stock=10).variants.get()
    owner = f.owner_of(variant.shop)
    services.stock_reserve(variant=variant, quantity=1)
    with pytest.raises(StockChanged):
        services.stock_set(actor=owner, variant=variant, expected=10, new=15)
    services.stock_set(actor=owner, variant=variant, expected=9, new=15)
    assert Variant.objects.get(pk=variant.pk).stock == 15


@pytest.mark.django_db
def test_the_database_refuses_negative_stock_even_if_a_service_forgot():
    variant = f.product(stock=1).variants.get()
    from django.db.models import F

    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(stock=F("stock") - 5)


@pytest.mark.django_db
def test_the_stock_journal_is_append_only():
    movement = StockMovement.objects.first() or services.stock_reserve(
        variant=f.product(stock=3).variants.get(), quantity=1
    )
    movement.delta = 100
    with pytest.raises(RuntimeError):
        movement.save()
    with pytest.raises(RuntimeError):
        movement.delete()


@pytest.mark.django_db
def test_an_agent_runs_a_villagers_shop_only_with_consent_and_both_are_audited():
    from lumbung.accounts.models import Membership, OrganisationKind, Role
    from lumbung.accounts.services import acting_for_record_in_person

    villager, organisation = f.seller(has_own_phone=False)
    agent, centre = f.seller(kind=OrganisationKind.SERVICE_CENTRE, role=Role.CENTRE_AGENT)
    with pytest.raises(Forbidden):
        services.shop_create(actor=agent, organisation=organisation, name="Toko Nenek", on_behalf_of=villager)
    assert not Membership.objects.filter(user=agent, organisation=organisation).exists()
    acting_for_record_in_person(
        agent=agent,
        villager=villager,
        purpose="sell",
        centre=centre,
        consent_note="KTP checked, thumbprint on slip #12",
    )
    shop = services.shop_create(
        actor=agent, organisation=organisation, name="Toko Nenek", on_behalf_of=villager
    )
    entry = AuditEntry.objects.get(action="catalog.shop_create", object_id=shop.public_id)
    assert entry.actor == agent and entry.on_behalf_of == villager
    # The grant carries the villager's rights, not more: another shop stays out of reach.
    other = f.shop()
    with pytest.raises(Forbidden):
        services.shop_update(actor=agent, shop=other, name="x", on_behalf_of=villager)
    assert Shop.objects.get(pk=other.pk).name != "x"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_buyers_race_for_ten_units_exactly_ten_win():
    variant = f.product(stock=10).variants.get()
    buyers = 20
    barrier = threading.Barrier(buyers)
    results: list[str] = []
    lock = threading.Lock()

    def buy(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                services.stock_reserve(variant=variant, quantity=1, reference=f"order-{n}")
            outcome = "ok"
        except SoldOut:
            outcome = "sold_out"
        except Exception as exc:  # anything else is a bug the test must show
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()  # each thread had its own connection
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert connection.vendor == "postgresql"
    assert sorted(set(results)) == ["ok", "sold_out"], results
    assert results.count("ok") == 10 and results.count("sold_out") == 10
    assert Variant.objects.get(pk=variant.pk).stock == 0
    assert StockMovement.objects.filter(variant=variant, reason="sale_reserve").count() == 10
    assert StockMovement.objects.filter(variant=variant, stock_after__lt=0).count() == 0
