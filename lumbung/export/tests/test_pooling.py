from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.money import Money
from lumbung.export import accounts
from lumbung.export.models import Delivery, DeliveryStatus, ExportLot, PayoutRun, Pledge, ProducerPayout
from lumbung.export.services import pooling
from lumbung.ledger.models import LedgerAccount
from lumbung.ledger.services import InsufficientFunds

from .factories import contract, fund_exporter, member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def setup_pool(quantity="100", unit="kg", tolerance="5"):
    c, manager = contract(quantity=quantity, unit=unit, tolerance=tolerance)
    pool = pooling.pool_open(
        actor=manager, contract=c, grade_prices={"A": "42000", "EXPORT_PREMIUM": "50000"}
    )
    return c, manager, pool


def deliver(manager, pool, producer, weight, grade="A"):
    return pooling.delivery_record(
        actor=manager,
        pool=pool,
        producer=producer,
        weight_kg=weight,
        grade=grade,
        harvested_on=TODAY() - timedelta(days=3),
        packed_on=TODAY() - timedelta(days=1),
    )


def test_pledges_beyond_the_need_are_refused_or_capped_when_asked():
    c, _manager, pool = setup_pool()
    org = c.exporter.organisation
    pooling.pledge_make(producer=member(org), pool=pool, quantity_kg="70")
    with pytest.raises(Conflict) as exc:
        pooling.pledge_make(producer=member(org), pool=pool, quantity_kg="40")
    assert exc.value.details["remaining_kg"] == "30.000"
    capped = pooling.pledge_make(producer=member(org), pool=pool, quantity_kg="40", cap=True)
    assert (capped.quantity_kg, capped.asked_kg) == (Decimal("30.000"), Decimal("40.000"))
    assert Pledge.objects.count() == 2


def test_only_members_pledge_and_deliver():
    _c, manager, pool = setup_pool()
    outsider = member(contract()[0].exporter.organisation)
    with pytest.raises(Forbidden):
        pooling.pledge_make(producer=outsider, pool=pool, quantity_kg="1")
    with pytest.raises(Forbidden):
        deliver(manager, pool, outsider, "1")
    assert not Delivery.objects.exists()


def test_rejected_grades_are_kept_apart_over_delivery_refused_and_a_closed_pool_takes_nothing():
    c, manager, pool = setup_pool()
    org = c.exporter.organisation
    a, b = member(org), member(org)
    deliver(manager, pool, a, "60.125")
    rejected = deliver(manager, pool, b, "10", grade="C")
    assert rejected.status == DeliveryStatus.REJECTED
    with pytest.raises(Conflict) as exc:
        deliver(manager, pool, b, "50")  # 60.125 + 50 > 105
    assert exc.value.details["acceptable_kg"] == "44.875"
    with pytest.raises(Conflict) as short:
        pooling.pool_close(actor=manager, pool=pool)
    assert short.value.code == "under_delivery"
    deliver(manager, pool, b, "44.875")
    pooling.pool_close(actor=manager, pool=pool)
    with pytest.raises(pooling.PoolClosed):
        deliver(manager, pool, a, "1")
    assert Delivery.objects.count() == 3
    assert c.milestones.filter(kind="pooling_complete").exists()


def test_a_lot_carries_its_sub_lots_and_refuses_mixed_or_rejected_grades():
    c, manager, pool = setup_pool()
    org = c.exporter.organisation
    d1 = deliver(manager, pool, member(org), "40")
    d2 = deliver(manager, pool, member(org), "30")
    d3 = deliver(manager, pool, member(org), "30", grade="EXPORT_PREMIUM")
    bad = deliver(manager, pool, member(org), "5", grade="B")
    with pytest.raises(ValidationFailed) as exc:
        pooling.lot_assemble(
            actor=manager, pool=pool, deliveries=[d1, d3], packages=3, gross_kg="71", marks="M"
        )
    assert exc.value.code == "grades_mixed"
    with pytest.raises(ValidationFailed):
        pooling.lot_assemble(
            actor=manager, pool=pool, deliveries=[d1, bad], packages=2, gross_kg="50", marks="M"
        )
    assert not ExportLot.objects.exists()
    lot = pooling.lot_assemble(
        actor=manager, pool=pool, deliveries=[d1, d2], packages=3, gross_kg="70.6", marks="LMB/HK/001"
    )
    assert lot.net_kg == Decimal("70.000")
    assert {comp.delivery for comp in lot.components.all()} == {d1, d2}
    with pytest.raises(Conflict):
        pooling.lot_assemble(actor=manager, pool=pool, deliveries=[d2], packages=1, gross_kg="31", marks="M")


def test_payout_is_pro_rata_whole_rupiah_exact_and_computed_once():
    c, manager, pool = setup_pool(quantity="100")
    org = c.exporter.organisation
    people = [member(org) for _ in range(3)]
    deliver(manager, pool, people[0], "33.333")
    deliver(manager, pool, people[1], "33.333")
    deliver(manager, pool, people[2], "33.334", grade="EXPORT_PREMIUM")
    pooling.pool_close(actor=manager, pool=pool)
    amount = Money(4_500_001, "IDR")
    with pytest.raises(InsufficientFunds):
        pooling.payout_compute(actor=manager, pool=pool, amount=amount)
    assert not PayoutRun.objects.exists()
    fund_exporter(c, 5_000_000)
    run = pooling.payout_compute(actor=manager, pool=pool, amount=amount)
    lines = {p.producer: p.amount for p in run.lines.all()}
    assert sum(lines.values()) == Decimal(4_500_001)
    assert lines[people[0]] == lines[people[1]]
    assert lines[people[2]] > lines[people[0]]  # premium grade pays more per kg
    for person in people:
        account = LedgerAccount.objects.get(code=accounts.payable_producer(person.public_id))
        assert abs(account.balance) == lines[person]
    with pytest.raises(Conflict):
        pooling.payout_compute(actor=manager, pool=pool, amount=amount)
    assert ProducerPayout.objects.count() == 3


def test_forty_producers_default_amount_sums_exactly():
    c, manager, pool = setup_pool(quantity="2", unit="t")
    org = c.exporter.organisation
    for i in range(40):
        deliver(
            manager,
            pool,
            member(org),
            Decimal("50.001") + Decimal(i) / 1000,
            grade="A" if i % 3 else "EXPORT_PREMIUM",
        )
    pooling.pool_close(actor=manager, pool=pool)
    fund_exporter(c, 200_000_000)
    run = pooling.payout_compute(actor=manager, pool=pool)
    assert run.lines.count() == 40
    assert sum(line.amount for line in run.lines.all()) == run.amount
