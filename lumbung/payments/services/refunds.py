"""Refunds: booked when issued, sent to the gateway after commit, retried until it answers.

The caller (orders, after-sales, staff) names the accounts the money comes from (``debit_lines``:
escrow before completion; payable / commission / fee after). Payments credits where the money goes
back out, by how it came in:

| paid by                          | credit                    | then                                 |
|----------------------------------|---------------------------|--------------------------------------|
| gateway QRIS / GoPay / ShopeePay | clearing:gateway:midtrans | POST /v2/{order_id}/refund (pending) |
| gateway VA, static QRIS          | clearing:payout:bank      | finance transfers, confirms (manual) |
| cash at a centre                 | cash:centre:<org>         | handed back at the counter (done)    |

A refund larger than what is left (paid minus already refunded, per intent and per reference) or in
another currency is refused. If the gateway says no for good, the refund turns manual (Dr gateway
clearing / Cr payout clearing) so the money still reaches the payer.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core import events
from lumbung.core.errors import Conflict, NotFound, ValidationFailed
from lumbung.core.idempotency import KeyReused
from lumbung.core.money import CurrencyMismatch, Money
from lumbung.ledger.services import Line, account_get_or_create, entry_post

from .. import accounts, midtrans
from ..models import (
    GATEWAY_REFUNDABLE,
    Method,
    PaymentAllocation,
    PaymentIntent,
    Refund,
    RefundStatus,
    Status,
)

log = logging.getLogger(__name__)
REFUND_ISSUED = "payments.refund_issued"
MAX_BACKOFF_MINUTES = 60


class RefundTooLarge(Conflict):
    code = "refund_too_large"
    default_message = _("That is more than what is left to refund.")


def _credit(intent: PaymentIntent) -> tuple[str, str]:
    if intent.method in GATEWAY_REFUNDABLE:
        return accounts.GATEWAY_CLEARING, RefundStatus.PENDING
    if intent.method == Method.CASH:
        return accounts.cash_centre(intent.centre.public_id), RefundStatus.SUCCEEDED
    return accounts.PAYOUT_CLEARING, RefundStatus.MANUAL


def _check_lines(amount: Money, debit_lines: Sequence[Line]) -> None:
    if not debit_lines:
        raise ValidationFailed(_("Say which accounts the refund comes from."))
    total = Money.zero(amount.currency)
    for line in debit_lines:
        if not isinstance(line, Line) or not isinstance(line.amount, Money):
            raise ValidationFailed(_("Each debit line is an account and an amount."))
        if line.amount.currency != amount.currency:
            raise CurrencyMismatch(details={"left": amount.currency, "right": line.amount.currency})
        if line.amount.amount <= 0:
            raise ValidationFailed(_("Debit lines are positive amounts."))
        total += line.amount
    if total != amount:
        raise ValidationFailed(
            _("The debit lines add up to %(total)s, not %(amount)s.") % {"total": total, "amount": amount},
            code="refund_lines_unbalanced",
        )


def refund_issue(
    *,
    intent: PaymentIntent,
    reference: str,
    amount: Money,
    debit_lines: Sequence[Line],
    reason: str,
    idempotency_key: str,
    actor: Any = None,
) -> Refund:
    if not idempotency_key:
        raise ValidationFailed(_("A refund needs an idempotency key."))
    if not reason or not reason.strip():
        raise ValidationFailed(_("Say why the money is refunded."))
    if not isinstance(amount, Money) or amount.amount <= 0:
        raise ValidationFailed(_("A refund must be more than zero."))
    if amount.currency != intent.currency:
        raise CurrencyMismatch(details={"payment": intent.currency, "refund": amount.currency})
    _check_lines(amount, debit_lines)
    with transaction.atomic():
        intent = (
            PaymentIntent.objects.select_for_update(of=("self",)).select_related("centre").get(pk=intent.pk)
        )
        existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            same = (existing.intent_id, existing.reference, existing.amount) == (
                intent.pk,
                reference,
                amount.amount,
            )
            if not same:
                raise KeyReused(details={"key": idempotency_key})
            return existing
        if intent.status != Status.PAID:
            raise Conflict(_("Only a paid payment can be refunded."), code="not_paid")
        allocation = (
            PaymentAllocation.objects.select_for_update().filter(intent=intent, reference=reference).first()
        )
        if allocation is None:
            raise NotFound(_("This payment did not pay for %(reference)s.") % {"reference": reference})
        left = min(intent.amount - intent.refunded_amount, allocation.amount - allocation.refunded_amount)
        if amount.amount > left:
            raise RefundTooLarge(
                details={"left": str(Money(left, intent.currency).amount), "asked": str(amount.amount)}
            )
        credit, status = _credit(intent)
        account_get_or_create(code=credit, currency=intent.currency)
        try:
            with transaction.atomic():
                refund = Refund.objects.create(
                    intent=intent,
                    reference=reference,
                    amount=amount.amount,
                    currency=amount.currency,
                    reason=reason.strip()[:255],
                    status=status,
                    credit_account_code=credit,
                    idempotency_key=idempotency_key,
                    created_by=actor if getattr(actor, "pk", None) else None,
                    completed_at=timezone.now() if status == RefundStatus.SUCCEEDED else None,
                )
        except IntegrityError:
            raise Conflict(_("This refund is already being made."), code="refund_in_progress") from None
        entry = entry_post(
            kind="payments.refund",
            reference=f"payment:{intent.public_id}",
            lines=[*debit_lines, Line(credit, -amount)],
            memo=reason.strip()[:255],
            idempotency_key=f"payments:refund:{refund.public_id}",
            created_by=actor,
            metadata={"refund": refund.public_id, "reference": reference, "method": intent.method},
        )
        refund.entry = entry.public_id
        refund.save(update_fields=["entry"])
        PaymentIntent.objects.filter(pk=intent.pk).update(
            refunded_amount=F("refunded_amount") + amount.amount
        )
        PaymentAllocation.objects.filter(pk=allocation.pk).update(
            refunded_amount=F("refunded_amount") + amount.amount
        )
        if status == RefundStatus.PENDING:
            transaction.on_commit(functools.partial(refund_send, refund_pk=refund.pk))
        events.emit(
            REFUND_ISSUED,
            refund_public_id=refund.public_id,
            intent_public_id=intent.public_id,
            reference=reference,
            amount=str(amount.amount),
            currency=amount.currency,
        )
    return refund


def refund_send(*, refund_pk: int) -> Refund:
    """Ask Midtrans to refund (no lock held); the same refund_key makes a retry safe."""
    refund = Refund.objects.select_related("intent").get(pk=refund_pk)
    if refund.status != RefundStatus.PENDING:
        return refund
    try:
        answer = midtrans.refund(
            order_id=refund.intent.gateway_order_id,
            refund_key=refund.public_id,
            amount=refund.amount,
            reason=refund.reason,
        )
    except midtrans.GatewayUnavailable as exc:
        return _retry_later(refund_pk, str(exc.details))
    except midtrans.GatewayRefused as exc:
        return _turn_manual(refund_pk, str(exc.details))
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_pk)
        if refund.status == RefundStatus.PENDING:
            refund.status = RefundStatus.SUCCEEDED
            refund.provider_ref = str(answer.get("refund_chargeback_id", ""))[:64]
            refund.completed_at = timezone.now()
            refund.attempts += 1
            refund.last_error = ""
            refund.save()
    return refund


def _retry_later(refund_pk: int, error: str) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_pk)
        refund.attempts += 1
        refund.last_error = error[:255]
        delay = min(2 ** min(refund.attempts, 10), MAX_BACKOFF_MINUTES)
        refund.next_attempt_at = timezone.now() + timedelta(minutes=delay)
        refund.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    return refund


def _turn_manual(refund_pk: int, error: str) -> Refund:
    """The gateway will not refund this: finance pays it by bank transfer instead."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update(of=("self",)).select_related("intent").get(pk=refund_pk)
        if refund.status != RefundStatus.PENDING:
            return refund
        money = Money(refund.amount, refund.currency)
        account_get_or_create(code=accounts.PAYOUT_CLEARING, currency=refund.currency)
        entry_post(
            kind="payments.refund_manual",
            reference=f"payment:{refund.intent.public_id}",
            lines=[Line(accounts.GATEWAY_CLEARING, money), Line(accounts.PAYOUT_CLEARING, -money)],
            memo=f"refund {refund.public_id} refused by the gateway",
            idempotency_key=f"payments:refund_manual:{refund.public_id}",
        )
        refund.status = RefundStatus.MANUAL
        refund.credit_account_code = accounts.PAYOUT_CLEARING
        refund.attempts += 1
        refund.last_error = error[:255]
        refund.save()
    log.warning("refund %s refused by the gateway, now manual: %s", refund.public_id, error)
    return refund


def refund_confirm_manual(*, refund: Refund, actor: Any, bank_reference: str) -> Refund:
    """Finance transferred a manual refund: Dr clearing:payout:bank / Cr bank:platform:main."""
    if not bank_reference or not bank_reference.strip():
        raise ValidationFailed(_("Give the bank's reference for the transfer."))
    with transaction.atomic():
        refund = Refund.objects.select_for_update(of=("self",)).select_related("intent").get(pk=refund.pk)
        if refund.status == RefundStatus.SUCCEEDED:
            return refund
        if refund.status != RefundStatus.MANUAL:
            raise Conflict(_("This refund is not waiting for a bank transfer."), code="refund_not_manual")
        money = Money(refund.amount, refund.currency)
        account_get_or_create(code=accounts.BANK, currency=refund.currency)
        entry = entry_post(
            kind="payments.refund_transferred",
            reference=f"payment:{refund.intent.public_id}",
            lines=[Line(accounts.PAYOUT_CLEARING, money), Line(accounts.BANK, -money)],
            memo=bank_reference.strip()[:255],
            idempotency_key=f"payments:refund_transferred:{refund.public_id}",
            created_by=actor,
        )
        refund.status = RefundStatus.SUCCEEDED
        refund.settle_entry = entry.public_id
        refund.provider_ref = bank_reference.strip()[:64]
        refund.completed_at = timezone.now()
        refund.save()
    return refund


def refunds_retry_due() -> int:
    """Send pending gateway refunds whose next attempt is due (or that never got one)."""
    now = timezone.now()
    due = (
        Refund.objects.filter(status=RefundStatus.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("pk")[:100]
    )
    sent = 0
    for refund in due:
        if refund_send(refund_pk=refund.pk).status != RefundStatus.PENDING:
            sent += 1
    return sent
