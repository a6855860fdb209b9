"""Pooling supply for a contract: pledges, weighed deliveries (sub-lots), export lots, and the payout.

Rules kept here:
- A pool holds the contract's quantity; deliveries may reach the upper tolerance and no more.
- A pledge beyond what is still needed is refused, or capped to the rest when the producer says so.
- A delivery is weighed to the gram (3 decimals) with a grade (from a quality check when there is one).
  A grade the contract does not allow is recorded as *rejected*: it stays traceable but is never
  put in a lot nor paid. A delivery that would take the pool over its upper tolerance is refused
  with the quantity still acceptable; a delivery to a closed pool is refused.
- Closing short of the lower tolerance needs an explicit ``accept_short``.
- A lot holds accepted sub-lots of ONE grade allowed by the contract; mixing grades is refused.
- The payout is computed once per pool (PayoutRun is one-to-one): shares by largest remainder
  (see ``payout_math``), one ledger entry Dr payable:exporter / Cr payable:producer:<user> each.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import Role
from lumbung.accounts.selectors import has_role
from lumbung.core import audit
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.money import Money
from lumbung.core.permissions import require
from lumbung.ledger.services import Line, account_get_or_create, entry_post
from lumbung.quality.models import Inspection, InspectionOutcome

from .. import accounts, notifications
from ..models import (
    Contract,
    ContractStatus,
    Delivery,
    DeliveryStatus,
    ExportLot,
    LotComponent,
    Milestone,
    MilestoneKind,
    PayoutRun,
    Pledge,
    Pool,
    PoolStatus,
    ProducerPayout,
    ProvenanceConsent,
    RetailPack,
)
from ..payout_math import largest_remainder
from .common import decimal_in, invalid, text_in

ZERO = Decimal("0.000")
ROUNDING_RULE = (
    "largest remainder: floor of each exact quota in whole rupiah, leftover rupiah one each to the "
    "largest fractional parts, ties by producer public id"
)


class PoolClosed(Conflict):
    code = "pool_closed"
    default_message = _("This pool is closed: it takes no more pledges or deliveries.")


class TooMuch(Conflict):
    code = "beyond_need"
    default_message = _("That is more than the pool still needs.")


def _bounds(contract: Contract, needed: Decimal) -> tuple[Decimal, Decimal]:
    tolerance = contract.tolerance_percent / 100
    return (needed * (1 - tolerance)).quantize(Decimal("0.001")), (needed * (1 + tolerance)).quantize(
        Decimal("0.001")
    )


def _lock(pool: Pool) -> Pool:
    return (
        Pool.objects.select_for_update().select_related("contract", "exporter__organisation").get(pk=pool.pk)
    )


def accepted_kg(pool: Pool) -> Decimal:
    return pool.deliveries.filter(status=DeliveryStatus.ACCEPTED).aggregate(s=Sum("weight_kg"))["s"] or ZERO


def pledged_kg(pool: Pool) -> Decimal:
    return pool.pledges.aggregate(s=Sum("quantity_kg"))["s"] or ZERO


def pool_open(*, actor, contract: Contract, grade_prices: dict[str, Any]) -> Pool:
    """The BUMDes opens the pool for its contract, with the rupiah it pays per kg of each grade."""
    require(actor, "export.manage_exporter", contract.exporter)
    if contract.status in (ContractStatus.CANCELLED, ContractStatus.COMPLETED, ContractStatus.SHIPPED):
        raise Conflict(_("Supply can no longer be pooled for this contract."))
    prices = {}
    for grade, value in (grade_prices or {}).items():
        if grade not in contract.allowed_grades:
            raise invalid(
                "grade_prices", _("Grade %(grade)s is not allowed by the contract.") % {"grade": grade}
            )
        prices[grade] = str(decimal_in(value, field="grade_prices", places=0))
    if not prices:
        raise invalid("grade_prices", _("Give the price per kg for at least one grade."))
    try:
        with transaction.atomic():
            return Pool.objects.create(
                contract=contract,
                exporter=contract.exporter,
                needed_kg=contract.quantity_kg,
                grade_prices=prices,
                opened_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("This contract already has a pool.")) from None


def pledge_make(*, producer, pool: Pool, quantity_kg: Any, cap: bool = False) -> Pledge:
    """A member producer pledges; beyond what is still needed it is refused, or capped if asked."""
    require(producer, "export.pledge", pool)
    asked = decimal_in(quantity_kg, field="quantity_kg")
    with transaction.atomic():
        pool = _lock(pool)
        if pool.status != PoolStatus.OPEN:
            raise PoolClosed()
        if pool.pledges.filter(producer=producer).exists():
            raise Conflict(_("You have already pledged to this pool."), code="already_pledged")
        remaining = pool.needed_kg - pledged_kg(pool)
        quantity = asked
        if asked > remaining:
            if not cap or remaining <= 0:
                raise TooMuch(
                    _("The pool needs only %(rest)s kg more.") % {"rest": max(remaining, ZERO)},
                    details={"field": "quantity_kg", "remaining_kg": str(max(remaining, ZERO))},
                )
            quantity = remaining
        return Pledge.objects.create(pool=pool, producer=producer, quantity_kg=quantity, asked_kg=asked)


def delivery_record(
    *,
    actor,
    pool: Pool,
    producer,
    weight_kg: Any,
    harvested_on: date,
    grade: str = "",
    quality_check: Inspection | None = None,
    packed_on: date | None = None,
    village=None,
    note: str = "",
) -> Delivery:
    """Weigh in a producer's delivery as a traceable sub-lot."""
    require(actor, "export.manage_exporter", pool.exporter)
    if not has_role(producer, Role.MEMBER, organisation=pool.exporter.organisation):
        raise Forbidden(_("Only member producers of this BUMDes deliver to its pools."))
    weight = decimal_in(weight_kg, field="weight_kg")
    if quality_check is not None:
        if quality_check.outcome != InspectionOutcome.APPROVED or not quality_check.grade:
            raise invalid("quality_check", _("The quality check did not approve a grade."))
        if grade and grade != quality_check.grade:
            raise invalid("grade", _("The grade differs from the quality check's."))
        grade = quality_check.grade
    if grade not in ("A", "B", "C", "EXPORT_PREMIUM", "EXPORT_STANDARD"):
        raise invalid("grade", _("Choose a grade from the list."))
    today = timezone.localdate()
    if harvested_on > today or (packed_on is not None and not harvested_on <= packed_on <= today):
        raise invalid("harvested_on", _("Harvest and pack dates must be in order and not in the future."))
    note = text_in(note, field="note", max_length=255, required=False)
    with transaction.atomic():
        pool = _lock(pool)
        if pool.status != PoolStatus.OPEN:
            raise PoolClosed()
        allowed = grade in pool.contract.allowed_grades
        if allowed:
            _low, high = _bounds(pool.contract, pool.needed_kg)
            room = high - accepted_kg(pool)
            if weight > room:
                raise TooMuch(
                    _("Over-delivery: the pool can accept only %(room)s kg more.")
                    % {"room": max(room, ZERO)},
                    details={"field": "weight_kg", "acceptable_kg": str(max(room, ZERO))},
                )
        return Delivery.objects.create(
            pool=pool,
            producer=producer,
            village=village or producer.village or pool.exporter.organisation.village,
            harvested_on=harvested_on,
            packed_on=packed_on,
            weight_kg=weight,
            grade=grade,
            quality_check=quality_check,
            status=DeliveryStatus.ACCEPTED if allowed else DeliveryStatus.REJECTED,
            note=note
            or ("" if allowed else str(_("Grade not allowed by the contract: kept apart, not paid."))),
            received_by=actor,
        )


def milestone_reach(*, contract: Contract, kind: str, reference: str = "") -> Milestone:
    """Record a milestone once; the BUMDes's managers hear of it (call inside the event's transaction)."""
    milestone, created = Milestone.objects.get_or_create(
        contract=contract, kind=kind, defaults={"reference": reference[:64]}
    )
    if created:
        notifications.milestone_reached(contract=contract, milestone=milestone)
    return milestone


def pool_close(*, actor, pool: Pool, accept_short: bool = False) -> Pool:
    require(actor, "export.manage_exporter", pool.exporter)
    with transaction.atomic():
        pool = _lock(pool)
        if pool.status != PoolStatus.OPEN:
            raise PoolClosed()
        low, _high = _bounds(pool.contract, pool.needed_kg)
        got = accepted_kg(pool)
        if got < low and not accept_short:
            raise Conflict(
                _("Under-delivery: %(got)s kg accepted, the contract needs at least %(low)s kg.")
                % {"got": got, "low": low},
                code="under_delivery",
                details={"accepted_kg": str(got), "minimum_kg": str(low)},
            )
        pool.status = PoolStatus.CLOSED
        pool.closed_at = timezone.now()
        pool.save(update_fields=["status", "closed_at"])
        milestone_reach(contract=pool.contract, kind=MilestoneKind.POOLING_COMPLETE, reference=f"{got} kg")
    return pool


def lot_assemble(
    *, actor, pool: Pool, deliveries: list[Delivery], packages: int, gross_kg: Any, marks: str
) -> ExportLot:
    """Combine accepted sub-lots of one allowed grade into an export lot carrying the full list."""
    require(actor, "export.manage_exporter", pool.exporter)
    if not deliveries:
        raise invalid("deliveries", _("Choose the deliveries that go into the lot."))
    if int(packages) < 1:
        raise invalid("packages", _("A lot has at least one package."))
    marks = text_in(marks, field="marks", max_length=255)
    gross = decimal_in(gross_kg, field="gross_kg")
    with transaction.atomic():
        pool = _lock(pool)
        rows = list(
            Delivery.objects.select_for_update().filter(pk__in=[d.pk for d in deliveries]).order_by("pk")
        )
        if len(rows) != len({d.pk for d in deliveries}) or any(d.pool_id != pool.pk for d in rows):
            raise invalid("deliveries", _("Every delivery must come from this pool."))
        if any(d.status != DeliveryStatus.ACCEPTED for d in rows):
            raise invalid("deliveries", _("A rejected delivery cannot go into an export lot."))
        grades = {d.grade for d in rows}
        if len(grades) > 1 or not grades <= set(pool.contract.allowed_grades):
            raise ValidationFailed(
                _("A lot holds one grade the contract allows; these deliveries mix %(grades)s.")
                % {"grades": ", ".join(sorted(grades))},
                code="grades_mixed",
                details={"field": "deliveries", "grades": sorted(grades)},
            )
        if LotComponent.objects.filter(delivery__in=rows).exists():
            raise Conflict(_("A delivery is already in another lot."), code="already_in_lot")
        net = sum((d.weight_kg for d in rows), ZERO)
        if gross < net:
            raise invalid("gross_kg", _("The gross weight cannot be less than the net weight."))
        lot = ExportLot.objects.create(
            pool=pool, grade=grades.pop(), net_kg=net, gross_kg=gross, packages=int(packages), marks=marks
        )
        LotComponent.objects.bulk_create([LotComponent(lot=lot, delivery=d) for d in rows])
    return lot


def consent_set(*, producer, show_first_name: bool) -> ProvenanceConsent:
    """A producer says whether their first name may appear on public provenance pages."""
    row, _created = ProvenanceConsent.objects.update_or_create(
        producer=producer, defaults={"show_first_name": bool(show_first_name)}
    )
    return row


def payout_bases(pool: Pool) -> list[tuple[Any, Decimal, Decimal]]:
    """(producer, accepted kg, weight × grade price) per producer, sorted by public id."""
    prices = {grade: Decimal(value) for grade, value in pool.grade_prices.items()}
    per: dict[int, list] = {}
    for d in pool.deliveries.filter(status=DeliveryStatus.ACCEPTED).select_related("producer"):
        price = prices.get(d.grade, Decimal(0))
        entry = per.setdefault(d.producer_id, [d.producer, ZERO, Decimal(0)])
        entry[1] += d.weight_kg
        entry[2] += d.weight_kg * price
    rows = [tuple(v) for v in per.values() if v[2] > 0]
    return sorted(rows, key=lambda r: r[0].public_id)


def payout_compute(*, actor, pool: Pool, amount: Money | None = None) -> PayoutRun:
    """Distribute rupiah to the pool's producers once, pro rata, from the exporter's payable.

    ``amount`` defaults to Σ(accepted weight × grade price) rounded down to whole rupiah.
    A second call is refused (the run is one-to-one with the pool). The ledger refuses if the
    exporter's payable does not hold the amount (the buyer's money is not released yet).
    """
    require(actor, "export.manage_exporter", pool.exporter)
    with transaction.atomic():
        pool = _lock(pool)
        if PayoutRun.objects.filter(pool=pool).exists():
            raise Conflict(_("The payout for this pool was already computed."), code="payout_done")
        if pool.status != PoolStatus.CLOSED:
            raise Conflict(_("Close the pool before paying producers."), code="pool_open")
        bases = payout_bases(pool)
        if not bases:
            raise Conflict(_("No accepted delivery to pay."), code="nothing_to_pay")
        if amount is None:
            amount = Money(int(sum((b[2] for b in bases), Decimal(0))), "IDR")
        if amount.currency != "IDR" or amount.amount <= 0 or amount.amount != int(amount.amount):
            raise invalid("amount", _("Producers are paid a positive whole number of rupiah."))
        shares = largest_remainder(int(amount.amount), [b[2] for b in bases])
        run = PayoutRun.objects.create(
            pool=pool, amount=amount.amount, currency="IDR", rounding_rule=ROUNDING_RULE, computed_by=actor
        )
        source = accounts.payable_exporter(pool.exporter.organisation.public_id)
        account_get_or_create(code=source, currency="IDR")
        lines = [Line(source, amount)]
        payouts = []
        for (producer, kg, basis), share in zip(bases, shares, strict=True):
            code = accounts.payable_producer(producer.public_id)
            payouts.append(
                ProducerPayout(
                    run=run,
                    producer=producer,
                    accepted_kg=kg,
                    value_basis=basis,
                    amount=share,
                    account_code=code,
                )
            )
            if share:
                account_get_or_create(code=code, currency="IDR")
                lines.append(Line(code, Money(-share, "IDR")))
        entry = entry_post(
            kind="export.producer_payout",
            reference=f"pool:{pool.public_id}",
            lines=lines,
            memo=f"Producer payout for contract {pool.contract.code}",
            idempotency_key=f"export:payout:{pool.public_id}",
            created_by=actor,
            metadata={"rounding_rule": ROUNDING_RULE, "producers": len(payouts)},
        )
        ProducerPayout.objects.bulk_create(payouts)
        run.ledger_entry = entry.public_id
        run.save(update_fields=["ledger_entry"])
        audit.record("export.payout_computed", actor=actor, obj=run, data={"amount": str(amount.amount)})
    return run


def retail_pack_create(*, actor, lot: ExportLot, net_grams: int) -> RetailPack:
    """A retail pack cut from a lot: it gets its own QR code to the lot's provenance."""
    require(actor, "export.manage_exporter", lot.pool.exporter)
    if not 1 <= int(net_grams) <= 50_000:
        raise invalid("net_grams", _("A retail pack weighs 1 g to 50 kg."))
    return RetailPack.objects.create(lot=lot, net_grams=int(net_grams))
