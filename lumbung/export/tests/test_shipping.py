from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.money import CurrencyMismatch, Money
from lumbung.export import accounts
from lumbung.export.models import ClaimStatus, ContractPayment, ContractStatus, Document, LotStatus
from lumbung.export.services import pooling, shipping
from lumbung.ledger.models import LedgerAccount
from lumbung.payments.services.fx import fx_rate_enter

from .factories import contract, inspector, pdf_upload, png_upload, pooled_contract

pytestmark = pytest.mark.django_db

CHECKS = [
    {"item": "no mould", "passed": True, "note": ""},
    {"item": "sealed bags", "passed": True, "note": ""},
]


def inspect(lot, passed=True, by=None):
    return shipping.lot_inspect(
        actor=by or inspector(),
        lot=lot,
        passed=passed,
        checklist=CHECKS if passed else [{"item": "no mould", "passed": False, "note": "spots"}],
        samples=5,
        measurements={"moisture_pct": "7.2" if passed else "11.9", "mesh": "80"},
        photos=[png_upload()],
        notes="" if passed else "Moisture too high",
    )


def upload_all(c, manager):
    shipping.document_upload(
        actor=manager, contract=c, kind="phytosanitary", number="PH-2026-0001", file=pdf_upload()
    )
    shipping.document_upload(actor=manager, contract=c, kind="insurance", number="INS-77")
    shipping.document_upload(
        actor=manager, contract=c, kind="peb", number="PEB-000123", extra={"npe": "NPE-9"}
    )


def test_a_failed_lot_cannot_ship_and_a_reinspection_can_pass_it():
    c, manager, _desk, _pool, lot = pooled_contract()
    upload_all(c, manager)
    inspect(lot, passed=False)
    lot.refresh_from_db()
    assert lot.status == LotStatus.FAILED and lot.inspection.subject_id == lot.public_id
    with translation.override("en"), pytest.raises(shipping.NotReadyToShip) as exc:
        shipping.contract_ship(actor=manager, contract=c, transport_document="BL-1")
    assert "inspection" in str(exc.value.message)
    c.refresh_from_db()
    assert c.status == ContractStatus.IN_PREPARATION
    inspect(lot, passed=True)
    assert c.milestones.filter(kind="inspection_passed").exists()
    shipped = shipping.contract_ship(actor=manager, contract=c, transport_document="BL-1")
    assert (shipped.status, shipped.transport_document) == (ContractStatus.SHIPPED, "BL-1")


def test_the_exporters_own_staff_cannot_inspect_its_lot():
    c, manager, _desk, _pool, lot = pooled_contract()
    from lumbung.accounts.models import Membership, Role

    Membership.objects.create(user=manager, organisation=c.exporter.organisation, role=Role.QUALITY_INSPECTOR)
    with pytest.raises(Forbidden):
        inspect(lot, by=manager)


def test_shipping_is_blocked_until_quarantine_and_peb_are_uploaded():
    c, manager, _desk, _pool, lot = pooled_contract()
    inspect(lot)
    with translation.override("en"), pytest.raises(shipping.NotReadyToShip) as exc:
        shipping.contract_ship(actor=manager, contract=c, transport_document="BL-9")
    assert set(exc.value.details["blockers"][0].split(": ")[1].rstrip(".").split(", ")) == {
        "phytosanitary certificate",
        "insurance certificate",
        "PEB export declaration (with its NPE)",
    }
    with pytest.raises(ValidationFailed):
        shipping.document_upload(actor=manager, contract=c, kind="peb", number="PEB-1")  # no NPE
    with pytest.raises(ValidationFailed):
        shipping.document_upload(
            actor=manager, contract=c, kind="health_certificate", number="KI-1"
        )  # no slot
    upload_all(c, manager)
    assert c.milestones.filter(kind="documents_ready").exists()
    assert shipping.contract_ship(actor=manager, contract=c, transport_document="BL-9").status == "shipped"


def test_a_document_number_of_another_contract_is_refused():
    c, manager, *_ = pooled_contract()
    other, other_manager, *_ = pooled_contract()
    shipping.document_upload(actor=manager, contract=c, kind="peb", number="PEB-55", extra={"npe": "N"})
    with pytest.raises(Conflict) as exc:
        shipping.document_upload(
            actor=other_manager, contract=other, kind="peb", number="PEB-55", extra={"npe": "N"}
        )
    assert exc.value.code == "document_of_another_contract"
    assert Document.objects.filter(contract=other).count() == 0
    with pytest.raises(Forbidden):
        shipping.document_upload(actor=other_manager, contract=c, kind="insurance", number="X")


def test_deposit_must_be_exact_in_the_contract_currency_and_is_booked_once():
    c, _manager = contract()
    from .factories import facilitator

    desk = facilitator()
    with pytest.raises(CurrencyMismatch):
        shipping.deposit_record(actor=desk, contract=c, amount=Money(c.deposit, "CNY"), bank_reference="T")
    with pytest.raises(ValidationFailed):
        shipping.deposit_record(
            actor=desk, contract=c, amount=Money(c.deposit - 1, "USD"), bank_reference="T"
        )
    assert not ContractPayment.objects.exists()
    shipping.deposit_record(actor=desk, contract=c, amount=c.deposit_money, bank_reference="TT-1")
    with pytest.raises(Conflict):
        shipping.deposit_record(actor=desk, contract=c, amount=c.deposit_money, bank_reference="TT-1")
    escrow = LedgerAccount.objects.get(code=accounts.escrow_contract(c.public_id))
    assert (abs(escrow.balance), escrow.currency) == (c.deposit, "USD")


def test_release_converts_the_escrow_at_the_recorded_rate_and_producers_are_paid():
    c, manager, desk, pool, lot = pooled_contract()
    inspect(lot)
    upload_all(c, manager)
    shipping.contract_ship(actor=manager, contract=c, transport_document="BL-7")
    shipping.contract_arrive(actor=c.buyer, contract=c)
    with pytest.raises(Conflict):
        shipping.balance_release(actor=desk, contract=c)  # balance not paid
    shipping.balance_record(actor=desk, contract=c, amount=c.balance_money, bank_reference="TT-BAL")
    with pytest.raises(Exception) as exc:
        shipping.balance_release(actor=desk, contract=c)
    assert exc.value.code == "fx_rate_missing"
    fx_rate_enter(base="USD", quote="IDR", rate=Decimal("16250.5"), source="BI JISDOR", actor=desk)
    done = shipping.balance_release(actor=desk, contract=c)
    assert done.status == ContractStatus.COMPLETED
    payable = LedgerAccount.objects.get(code=accounts.payable_exporter(c.exporter.organisation.public_id))
    expected = (c.total * Decimal("16250.5")).quantize(Decimal(1))
    assert abs(payable.balance) == expected
    assert LedgerAccount.objects.get(code=accounts.escrow_contract(c.public_id)).balance == 0
    run = pooling.payout_compute(actor=manager, pool=pool)
    assert sum(line.amount for line in run.lines.all()) == Decimal(3 * 40 * 42000)
    assert list(c.milestones.values_list("kind", flat=True)) == [
        "deposit_paid",
        "pooling_complete",
        "inspection_passed",
        "documents_ready",
        "shipped",
        "arrived",
        "balance_released",
    ]


def test_claims_within_30_days_escalate_after_3_days_without_answer():
    c, manager, desk, _pool, lot = pooled_contract()
    inspect(lot)
    upload_all(c, manager)
    shipping.contract_ship(actor=manager, contract=c, transport_document="BL-3")
    shipping.contract_arrive(actor=c.buyer, contract=c)
    claim = shipping.claim_raise(buyer=c.buyer, contract=c, reason="Two bags wet", amount=Money("300", "USD"))
    assert shipping.claims_escalate_overdue() == 0
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        assert shipping.claims_escalate_overdue() == 1
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ESCALATED
    with time_machine.travel(timezone.now() + timedelta(days=31)), pytest.raises(Conflict):
        shipping.claim_raise(buyer=c.buyer, contract=c, reason="late")
    shipping.balance_record(actor=desk, contract=c, amount=c.balance_money, bank_reference="B")
    with pytest.raises(Conflict) as exc:
        shipping.balance_release(actor=desk, contract=c)
    assert exc.value.code == "claim_open"
    shipping.claim_resolve(actor=desk, claim=claim, resolution="Credit note for next shipment")
