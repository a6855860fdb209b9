"""From pooled lots to a paid, shipped contract: inspection, documents, payments, shipment, claims.

Rules kept here:
- Each lot is inspected through quality's Inspection (subject "export.lot"). A failed lot cannot
  ship; it may be reworked and inspected again. When every lot of a closed pool has passed, the
  "inspection passed" milestone is reached.
- A document goes into its contract's slot with the number printed on it. A number already recorded
  for another contract is refused (a PEB or quarantine certificate belongs to one shipment).
  When every required, uploaded document is present, "documents ready" is reached.
- Shipping is refused until: the deposit is paid, the pool is closed, every lot has passed, and every
  document needed to ship is present. It records the B/L or AWB number.
- Money (contract currency): the buyer's deposit and balance arrive by bank transfer and are booked
  Dr bank:platform:main / Cr escrow:contract:<id> — each exactly its amount, once. The payments app
  settles rupiah only, so the desk posts these ledger entries itself (see docs/export.md).
  Release (after arrival, balance paid, no open claim) converts the whole escrow to rupiah at the
  recorded FxRate (payments.fx_convert_book) into payable:exporter:<org>, from which producers are
  paid pro rata.
- Claims: within 30 days of arrival; the supplier answers within 3 days, else the periodic job
  escalates the claim to the facilitators.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core import audit
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.money import CurrencyMismatch, Money
from lumbung.core.periodic import periodic
from lumbung.core.permissions import require
from lumbung.ledger.services import Line, account_get_or_create, entry_post
from lumbung.payments.services.fx import fx_convert_book, fx_rate_current
from lumbung.quality.models import InspectionOutcome
from lumbung.quality.services import inspection_record
from lumbung.quality.uploads import certificate_file_check

from .. import accounts
from ..models import (
    Claim,
    ClaimStatus,
    Contract,
    ContractPayment,
    ContractStatus,
    Document,
    DocumentKind,
    ExportLot,
    LotStatus,
    MilestoneKind,
    PaymentKind,
    Pool,
    PoolStatus,
)
from .common import text_in
from .pooling import milestone_reach
from .trade import contract_set_status

CLAIM_WINDOW = timedelta(days=30)
ANSWER_WITHIN = timedelta(days=3)
SUBJECT = "export.lot"


class NotReadyToShip(Conflict):
    code = "not_ready_to_ship"
    default_message = _("This contract cannot ship yet.")


def _lots(contract: Contract) -> list[ExportLot]:
    return list(ExportLot.objects.filter(pool__contract=contract))


def lot_inspect(
    *,
    actor,
    lot: ExportLot,
    passed: bool,
    checklist: list[dict[str, Any]],
    samples: int,
    measurements: dict[str, Any],
    photos: list,
    notes: str = "",
) -> ExportLot:
    """Record the pre-shipment inspection in quality and mark the lot passed or failed."""
    require(actor, "export.inspect", lot)
    if lot.status not in (LotStatus.ASSEMBLED, LotStatus.FAILED):
        raise Conflict(_("This lot was already inspected and passed."), code="lot_inspected")
    if not 1 <= int(samples) <= 100:
        raise ValidationFailed(_("Say how many samples were drawn (1 to 100)."), details={"field": "samples"})
    with transaction.atomic():
        inspection = inspection_record(
            actor=actor,
            outcome=InspectionOutcome.APPROVED if passed else InspectionOutcome.REJECTED,
            checklist=[*checklist, {"item": f"samples drawn: {int(samples)}", "passed": True, "note": ""}],
            subject_type=SUBJECT,
            subject_id=lot.public_id,
            grade=lot.grade if passed else "",
            measurements=measurements,
            notes=notes,
            photos=photos,
        )
        lot = ExportLot.objects.select_for_update().get(pk=lot.pk)
        lot.inspection = inspection
        lot.status = LotStatus.PASSED if passed else LotStatus.FAILED
        lot.save(update_fields=["inspection", "status"])
        pool = lot.pool
        lots = list(pool.lots.all())
        if pool.status == PoolStatus.CLOSED and lots and all(x.status == LotStatus.PASSED for x in lots):
            milestone_reach(contract=pool.contract, kind=MilestoneKind.INSPECTION_PASSED)
    return lot


def documents_missing(contract: Contract) -> list[str]:
    """Kinds needed to ship that are uploaded by people (not generated) and not present yet."""
    present = set(contract.documents.values_list("kind", flat=True))
    return [
        r.kind
        for r in contract.requirements.all()
        if r.needed_to_ship and not r.generated and r.kind not in present
    ]


def document_upload(
    *, actor, contract: Contract, kind: str, number: str, file=None, extra: dict[str, str] | None = None
) -> Document:
    require(actor, "export.manage_exporter", contract.exporter)
    if not contract.requirements.filter(kind=kind).exists():
        raise ValidationFailed(_("This contract has no slot for that document."), details={"field": "kind"})
    number = text_in(number, field="number", max_length=64)
    extra = {k: str(v)[:64] for k, v in (extra or {}).items() if k in ("npe", "issued_by")}
    if kind == "peb" and not extra.get("npe"):
        raise ValidationFailed(_("Give the NPE number that came with the PEB."), details={"field": "npe"})
    checked = certificate_file_check(file) if file is not None else None
    with transaction.atomic():
        other = Document.objects.filter(kind=kind, number=number).exclude(contract=contract).first()
        if other is not None:
            raise Conflict(
                _("Document %(number)s was recorded for another contract.") % {"number": number},
                code="document_of_another_contract",
            )
        if contract.status not in (ContractStatus.AWAITING_DEPOSIT, ContractStatus.IN_PREPARATION):
            raise Conflict(_("Documents can no longer be changed for this contract."))
        try:
            with transaction.atomic():
                document = Document(
                    contract=contract, kind=kind, number=number, extra=extra, uploaded_by=actor
                )
                if checked is not None:
                    document.file.save("document", checked.content, save=False)
                document.save()
        except IntegrityError:
            raise Conflict(_("This document is already recorded."), code="document_present") from None
        if not documents_missing(contract):
            milestone_reach(contract=contract, kind=MilestoneKind.DOCUMENTS_READY)
    return document


def _payment(*, actor, contract: Contract, kind: str, amount: Money, bank_reference: str) -> ContractPayment:
    require(actor, "export.facilitate")
    expected = contract.deposit_money if kind == PaymentKind.DEPOSIT else contract.balance_money
    if amount.currency != contract.currency:
        raise CurrencyMismatch(
            _("This contract is paid in %(currency)s.") % {"currency": contract.currency},
            details={"field": "amount", "expected": contract.currency},
        )
    if amount != expected:
        raise ValidationFailed(
            _("The %(kind)s is exactly %(amount)s.") % {"kind": kind, "amount": expected},
            details={"field": "amount", "expected": str(expected.amount)},
        )
    bank_reference = text_in(bank_reference, field="bank_reference", max_length=64)
    escrow = accounts.escrow_contract(contract.public_id)
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if ContractPayment.objects.filter(contract=contract, kind=kind).exists():
            raise Conflict(_("This payment is already recorded."), code="already_paid")
        if contract.status == ContractStatus.CANCELLED:
            raise Conflict(_("This contract is cancelled."))
        bank = accounts.bank(contract.currency)
        account_get_or_create(code=bank, currency=contract.currency)
        account_get_or_create(code=escrow, currency=contract.currency)
        entry = entry_post(
            kind=f"export.{kind}",
            reference=f"contract:{contract.public_id}",
            lines=[Line(bank, amount), Line(escrow, -amount)],
            memo=f"{kind} for contract {contract.code} ({bank_reference})",
            idempotency_key=f"export:{kind}:{contract.public_id}",
            created_by=actor,
        )
        payment = ContractPayment.objects.create(
            contract=contract,
            kind=kind,
            amount=amount.amount,
            currency=amount.currency,
            bank_reference=bank_reference,
            ledger_entry=entry.public_id,
            recorded_by=actor,
        )
    return payment


def deposit_record(*, actor, contract: Contract, amount: Money, bank_reference: str) -> ContractPayment:
    """The buyer's deposit arrived: held in escrow; the contract moves into preparation."""
    with transaction.atomic():
        payment = _payment(
            actor=actor,
            contract=contract,
            kind=PaymentKind.DEPOSIT,
            amount=amount,
            bank_reference=bank_reference,
        )
        milestone_reach(contract=contract, kind=MilestoneKind.DEPOSIT_PAID, reference=bank_reference)
        contract_set_status(
            contract=contract, to=ContractStatus.IN_PREPARATION, actor=actor, reason="deposit paid"
        )
    return payment


def balance_record(*, actor, contract: Contract, amount: Money, bank_reference: str) -> ContractPayment:
    if not ContractPayment.objects.filter(contract=contract, kind=PaymentKind.DEPOSIT).exists():
        raise Conflict(_("Record the deposit first."), code="deposit_missing")
    return _payment(
        actor=actor, contract=contract, kind=PaymentKind.BALANCE, amount=amount, bank_reference=bank_reference
    )


def ship_blockers(contract: Contract) -> list[str]:
    """Plain-language reasons the contract cannot ship yet (empty when it can)."""
    reasons = []
    if contract.status != ContractStatus.IN_PREPARATION:
        reasons.append(str(_("The deposit is not paid.")))
    pool = Pool.objects.filter(contract=contract).first()
    if pool is None or pool.status != PoolStatus.CLOSED:
        reasons.append(str(_("Pooling is not complete.")))
    lots = _lots(contract)
    if not lots:
        reasons.append(str(_("No export lot is assembled.")))
    elif any(lot.status != LotStatus.PASSED for lot in lots):
        reasons.append(str(_("A lot has not passed pre-shipment inspection.")))
    missing = documents_missing(contract)
    if missing:
        labels = dict(DocumentKind.choices)
        reasons.append(
            str(_("Documents missing: %(docs)s.") % {"docs": ", ".join(str(labels[k]) for k in missing)})
        )
    return reasons


def contract_ship(*, actor, contract: Contract, transport_document: str) -> Contract:
    require(actor, "export.manage_exporter", contract.exporter)
    number = text_in(transport_document, field="transport_document", max_length=40)
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        blockers = ship_blockers(contract)
        if blockers:
            raise NotReadyToShip(" ".join(blockers), details={"blockers": blockers})
        contract_set_status(contract=contract, to=ContractStatus.SHIPPED, actor=actor, reason=number)
        Contract.objects.filter(pk=contract.pk).update(transport_document=number, shipped_at=timezone.now())
        ExportLot.objects.filter(pool__contract=contract).update(status=LotStatus.SHIPPED)
        milestone_reach(contract=contract, kind=MilestoneKind.SHIPPED, reference=number)
        contract.refresh_from_db()
    return contract


def contract_arrive(*, actor, contract: Contract) -> Contract:
    """The buyer (or a facilitator) confirms arrival; the 30-day claim window opens."""
    if not (contract.buyer_id == actor.pk or _facilitator(actor)):
        raise Forbidden()
    with transaction.atomic():
        contract_set_status(contract=contract, to=ContractStatus.ARRIVED, actor=actor, reason="arrived")
        Contract.objects.filter(pk=contract.pk).update(arrived_at=timezone.now())
        milestone_reach(contract=contract, kind=MilestoneKind.ARRIVED)
        contract.refresh_from_db()
    return contract


def _facilitator(user) -> bool:
    from ..rules import is_facilitator

    return is_facilitator(user)


def balance_release(*, actor, contract: Contract) -> Contract:
    """Release the escrow to the BUMDes in rupiah at the current recorded FX rate."""
    require(actor, "export.facilitate")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.status != ContractStatus.ARRIVED:
            raise Conflict(_("The balance is released after arrival."), code="not_arrived")
        if not ContractPayment.objects.filter(contract=contract, kind=PaymentKind.BALANCE).exists():
            raise Conflict(_("The buyer has not paid the balance yet."), code="balance_missing")
        if contract.claims.filter(status__in=(ClaimStatus.OPEN, ClaimStatus.ESCALATED)).exists():
            raise Conflict(_("A claim is still open."), code="claim_open")
        target = accounts.payable_exporter(contract.exporter.organisation.public_id)
        account_get_or_create(code=target, currency="IDR")
        if contract.currency == "IDR":
            entry = entry_post(
                kind="export.release",
                reference=f"contract:{contract.public_id}",
                lines=[
                    Line(accounts.escrow_contract(contract.public_id), contract.total_money),
                    Line(target, -contract.total_money),
                ],
                idempotency_key=f"export:release:{contract.public_id}",
                created_by=actor,
            )
        else:
            rate = fx_rate_current(contract.currency, "IDR")
            entry = fx_convert_book(
                source_account=accounts.escrow_contract(contract.public_id),
                target_account=target,
                amount=contract.total_money,
                rate=rate,
                reference=f"contract:{contract.public_id}",
                actor=actor,
                idempotency_key=f"export:release:{contract.public_id}",
            )
        contract_set_status(
            contract=contract, to=ContractStatus.COMPLETED, actor=actor, reason="balance released"
        )
        milestone_reach(contract=contract, kind=MilestoneKind.BALANCE_RELEASED, reference=entry.public_id)
        audit.record("export.balance_released", actor=actor, obj=contract, data={"entry": entry.public_id})
        contract.refresh_from_db()
    return contract


def claim_raise(*, buyer, contract: Contract, reason: str, amount: Money | None = None) -> Claim:
    if contract.buyer_id != buyer.pk:
        raise Forbidden()
    if contract.arrived_at is None:
        raise Conflict(_("A claim can be made once the goods have arrived."), code="not_arrived")
    if timezone.now() > contract.arrived_at + CLAIM_WINDOW:
        raise Conflict(_("Claims are accepted within 30 days of arrival."), code="claim_window_closed")
    if amount is not None and amount.currency != contract.currency:
        raise CurrencyMismatch(details={"field": "amount", "expected": contract.currency})
    reason = text_in(reason, field="reason", max_length=4000)
    return Claim.objects.create(
        contract=contract,
        raised_by=buyer,
        reason=reason,
        amount=amount.amount if amount is not None else None,
        answer_due=timezone.now() + ANSWER_WITHIN,
    )


def claim_answer(*, actor, claim: Claim, answer: str) -> Claim:
    require(actor, "export.manage_exporter", claim.contract.exporter)
    answer = text_in(answer, field="answer", max_length=4000)
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status not in (ClaimStatus.OPEN, ClaimStatus.ESCALATED):
            raise Conflict(_("This claim is already answered."))
        claim.answer = answer
        claim.answered_at = timezone.now()
        claim.status = ClaimStatus.ANSWERED if claim.status == ClaimStatus.OPEN else claim.status
        claim.save(update_fields=["answer", "answered_at", "status"])
    return claim


def claim_resolve(*, actor, claim: Claim, resolution: str) -> Claim:
    """A facilitator decides an escalated (or answered) claim; an open one is the supplier's to answer first."""
    require(actor, "export.facilitate")
    resolution = text_in(resolution, field="resolution", max_length=4000)
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status == ClaimStatus.RESOLVED:
            raise Conflict(_("This claim is already resolved."), code="claim_resolved")
        if claim.status == ClaimStatus.OPEN:
            raise Conflict(
                _("The supplier may still answer this claim; it comes to you if they do not."),
                code="claim_not_escalated",
            )
        claim.resolution = resolution
        claim.status = ClaimStatus.RESOLVED
        claim.save(update_fields=["resolution", "status"])
    return claim


@periodic("export.escalate_claims", every=timedelta(hours=1))
def claims_escalate_overdue() -> int:
    """Claims the supplier left unanswered for 3 days go to the facilitators."""
    return Claim.objects.filter(status=ClaimStatus.OPEN, answer_due__lte=timezone.now()).update(
        status=ClaimStatus.ESCALATED, escalated_at=timezone.now()
    )
