"""Payment intents: create, charge at the gateway, mark paid (one ledger entry), expire, cancel, cash.

Rules kept here:
- One ``intent_set_status`` moves an intent along ``models.TRANSITIONS`` and writes a PaymentEvent.
- ``intent_mark_paid`` is idempotent: an intent already paid posts nothing more. It posts ONE entry,
  Dr clearing (gateway / QRIS) or the centre's cash drawer for the total, Cr each allocation's escrow.
- The gateway is never called while this process holds row locks: the intent row is committed first,
  the call is made with no transaction of ours open (``transaction.on_commit`` when a caller's
  transaction is open), then the row is re-locked and the answer stored if still relevant.
- A reference has at most one live (pending or paid) payment: a partial UNIQUE index says so.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import OrganisationKind, Role
from lumbung.accounts.selectors import has_role
from lumbung.core import events
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.idempotency import KeyReused
from lumbung.core.money import CurrencyMismatch, Money
from lumbung.ledger.services import Line, account_get_or_create, entry_post

from .. import accounts, midtrans, qris
from ..models import (
    GATEWAY_METHODS,
    TRANSITIONS,
    Method,
    PaymentAllocation,
    PaymentEvent,
    PaymentIntent,
    Status,
)

log = logging.getLogger(__name__)

INTENT_PAID = "payments.intent_paid"
INTENT_EXPIRED = "payments.intent_expired"
# Midtrans and QRIS settle rupiah only; a centre's drawer is in rupiah.
SUPPORTED_CURRENCIES = {"IDR"}


class AlreadyPaid(Conflict):
    code = "already_paid"
    default_message = _("This has already been paid.")


class PaymentPending(Conflict):
    code = "payment_pending"
    default_message = _("A payment for this is already waiting. Finish or cancel it first.")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    default_message = _("A payment in this state cannot make that change.")


@dataclass(frozen=True)
class Allocation:
    reference: str
    escrow_account: str
    amount: Money


def _lock(pk: int) -> PaymentIntent:
    return PaymentIntent.objects.select_for_update().get(pk=pk)


def _expiry_minutes(method: str) -> int:
    table = settings.LUMBUNG_PAYMENT_EXPIRY_MINUTES
    return (
        table["gateway"] if method in GATEWAY_METHODS else table["qris" if method == Method.QRIS else "cash"]
    )


def _check_allocations(allocations: Sequence[Allocation]) -> str:
    if not allocations:
        raise ValidationFailed(_("Say what is being paid."))
    currencies = {a.amount.currency for a in allocations}
    if len(currencies) != 1:
        raise CurrencyMismatch(details={"currencies": sorted(currencies)})
    currency = currencies.pop()
    if currency not in SUPPORTED_CURRENCIES:
        raise ValidationFailed(
            _("Payments in %(currency)s are not accepted here; pay in rupiah.") % {"currency": currency},
            code="currency_not_supported",
        )
    references = [a.reference for a in allocations]
    if len(set(references)) != len(references):
        raise ValidationFailed(_("Each reference may appear only once."))
    for a in allocations:
        if not a.reference or len(a.reference) > 128 or ":" not in a.reference:
            raise ValidationFailed(
                _("A reference looks like order:<id>."), details={"reference": a.reference}
            )
        if not a.escrow_account.startswith("escrow:"):
            raise ValidationFailed(_("Money for an order is held in an escrow account."))
        if a.amount.amount <= 0:
            raise ValidationFailed(_("An amount must be more than zero."))
    return currency


def _same_request(intent: PaymentIntent, method: str, allocations: Sequence[Allocation]) -> bool:
    stored = sorted((a.reference, a.escrow_account_code, a.amount) for a in intent.allocations.all())
    asked = sorted((a.reference, a.escrow_account, a.amount.amount) for a in allocations)
    return intent.method == method and stored == asked


def intent_create(
    *,
    payer: Any,
    allocations: Sequence[Allocation],
    method: str,
    idempotency_key: str | None = None,
    actor: Any = None,
    source: str = "api",
) -> PaymentIntent:
    """A pending payment for ``allocations``. Gateway methods are charged after the row commits."""
    if method not in Method.values:
        raise ValidationFailed(_("Choose a payment method."), details={"method": method})
    currency = _check_allocations(allocations)
    total = Money.zero(currency)
    for a in allocations:
        total += a.amount
    with transaction.atomic():
        if idempotency_key:
            existing = PaymentIntent.objects.filter(payer=payer, idempotency_key=idempotency_key).first()
            if existing is not None:
                if not _same_request(existing, method, allocations):
                    raise KeyReused(details={"key": idempotency_key})
                return existing
        live = (
            PaymentAllocation.objects.filter(reference__in=[a.reference for a in allocations], active=True)
            .select_related("intent")
            .first()
        )
        if live is not None:
            if live.intent.status == Status.PAID:
                raise AlreadyPaid(details={"reference": live.reference})
            raise PaymentPending(details={"reference": live.reference, "payment": live.intent.public_id})
        for a in allocations:
            account_get_or_create(code=a.escrow_account, currency=currency)
        intent = PaymentIntent(
            payer=payer,
            method=method,
            amount=total.amount,
            currency=currency,
            idempotency_key=idempotency_key or None,
            provider="midtrans" if method in GATEWAY_METHODS else "",
            expires_at=timezone.now() + timedelta(minutes=_expiry_minutes(method)),
        )
        if method == Method.QRIS:
            intent.qris_payload = qris.payload_with_amount(total.amount, intent.public_id)
        try:
            with transaction.atomic():
                intent.save()
                PaymentAllocation.objects.bulk_create(
                    [
                        PaymentAllocation(
                            intent=intent,
                            reference=a.reference,
                            escrow_account_code=a.escrow_account,
                            amount=a.amount.amount,
                        )
                        for a in allocations
                    ]
                )
        except IntegrityError:
            # Someone started a payment for one of these references while we checked.
            raise PaymentPending() from None
        PaymentEvent.objects.create(
            intent=intent, from_status="", to_status=Status.PENDING, actor=actor or payer, source=source
        )
        if method in GATEWAY_METHODS:
            transaction.on_commit(functools.partial(intent_charge, intent_pk=intent.pk))
    return intent


def intent_charge(*, intent_pk: int) -> PaymentIntent:
    """Ask the gateway for the VA number / QR / deeplink. Safe to repeat: the order id is the same."""
    intent = PaymentIntent.objects.select_related("payer").get(pk=intent_pk)
    if not intent.is_gateway or intent.status != Status.PENDING or intent.charged_at:
        return intent
    minutes = max(1, math.ceil((intent.expires_at - timezone.now()).total_seconds() / 60))
    error = ""
    result = None
    try:
        result = midtrans.charge(
            order_id=intent.gateway_order_id,
            gross_amount=intent.amount,
            method=intent.method,
            expiry_minutes=minutes,
            customer={"first_name": (intent.payer.name or "")[:50], "phone": intent.payer.phone},
        )
    except midtrans.GatewayRefused as exc:
        if exc.details.get("status_code") == "406":  # charged before, answer lost: read it back
            try:
                result = midtrans.parse_charge(midtrans.status(intent.gateway_order_id))
            except (midtrans.GatewayRefused, midtrans.GatewayUnavailable) as again:
                error = str(again.details)[:255]
        else:
            error = str(exc.details)[:255]
    except midtrans.GatewayUnavailable as exc:
        error = str(exc.details)[:255]
    with transaction.atomic():
        intent = _lock(intent_pk)
        if result is None:
            if not intent.charged_at:
                intent.charge_error = error or "unknown"
                intent.save(update_fields=["charge_error", "updated_at"])
            return intent
        if intent.charged_at:
            return intent
        intent.charged_at = timezone.now()
        intent.charge_error = ""
        intent.provider_transaction_id = result.transaction_id
        intent.provider_status = result.transaction_status
        intent.va_bank, intent.va_number, intent.biller_code = (
            result.va_bank,
            result.va_number,
            result.biller_code,
        )
        intent.qris_payload = result.qr_string
        intent.deeplink_url = result.deeplink_url
        intent.save()
    return intent


def intent_set_status(
    *,
    intent: PaymentIntent,
    to: str,
    source: str,
    actor: Any = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> PaymentIntent:
    """The one way an intent changes status. The caller holds the row lock (``select_for_update``)."""
    before = intent.status
    if to not in TRANSITIONS.get(before, frozenset()):
        raise IllegalTransition(details={"from": before, "to": to})
    intent.status = to
    intent.save(update_fields=["status", "updated_at"])
    PaymentEvent.objects.create(
        intent=intent,
        from_status=before,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        source=source,
        reason=reason[:255],
        data=data or {},
    )
    if to in {Status.EXPIRED, Status.CANCELLED, Status.FAILED}:
        intent.allocations.update(active=False)
        events.emit(
            INTENT_EXPIRED,
            intent_public_id=intent.public_id,
            references=list(intent.allocations.values_list("reference", flat=True)),
        )
    return intent


def _debit_account(intent: PaymentIntent, centre: Any) -> str:
    if intent.method in GATEWAY_METHODS:
        return accounts.GATEWAY_CLEARING
    if intent.method == Method.QRIS:
        return accounts.QRIS_CLEARING
    if centre is None:
        raise ValidationFailed(_("Say which centre took the cash."))
    return accounts.cash_centre(centre.public_id)


def intent_mark_paid(
    *, intent: PaymentIntent, source: str, provider_ref: str = "", actor: Any = None, centre: Any = None
) -> PaymentIntent:
    """Book the payment once: Dr clearing or cash / Cr each escrow; then announce it after commit."""
    with transaction.atomic():
        intent = _lock(intent.pk)
        if intent.status == Status.PAID:
            return intent
        late = intent.status != Status.PENDING
        if Status.PAID not in TRANSITIONS.get(intent.status, frozenset()):
            raise IllegalTransition(details={"from": intent.status, "to": Status.PAID})
        debit = _debit_account(intent, centre)
        account_get_or_create(code=debit, currency=intent.currency)
        allocations = list(intent.allocations.all())
        lines = [Line(debit, intent.total)] + [
            Line(a.escrow_account_code, -Money(a.amount, intent.currency)) for a in allocations
        ]
        entry = entry_post(
            kind="payments.intent_paid",
            reference=f"payment:{intent.public_id}",
            lines=lines,
            memo=f"{intent.get_method_display()} {intent.public_id}",
            idempotency_key=f"payments:paid:{intent.public_id}",
            created_by=actor,
            metadata={
                "method": intent.method,
                "source": source,
                "provider_ref": provider_ref,
                "references": [a.reference for a in allocations],
            },
        )
        if late:
            try:
                with transaction.atomic():
                    intent.allocations.update(active=True)
            except IntegrityError:
                # A newer payment for the same reference exists: the money is real all the same.
                log.error("payment %s settled late and its reference was paid again", intent.public_id)
        intent.paid_at = timezone.now()
        intent.paid_source = source
        intent.paid_entry = entry.public_id
        if centre is not None:
            intent.centre = centre
        if provider_ref and not intent.provider_transaction_id:
            intent.provider_transaction_id = provider_ref[:64]
        intent.save(
            update_fields=[
                "paid_at",
                "paid_source",
                "paid_entry",
                "centre",
                "provider_transaction_id",
                "updated_at",
            ]
        )
        intent_set_status(
            intent=intent,
            to=Status.PAID,
            source=source,
            actor=actor,
            reason="late settlement" if late else "",
            data={"provider_ref": provider_ref, "entry": entry.public_id},
        )
        events.emit(
            INTENT_PAID, intent_public_id=intent.public_id, references=[a.reference for a in allocations]
        )
    return intent


def cash_receive(
    *, intent: PaymentIntent, agent: Any, centre_org: Any, idempotency_key: str
) -> PaymentIntent:
    """An agent counted the cash at their centre's counter: the drawer holds it, escrow owes it."""
    if (
        centre_org is None
        or centre_org.kind != OrganisationKind.SERVICE_CENTRE
        or not has_role(agent, Role.CENTRE_AGENT, organisation=centre_org)
    ):
        raise Forbidden(_("Only an agent of this service centre can receive cash for it."))
    if not idempotency_key:
        raise ValidationFailed(_("A cash receipt needs a one-time key."))
    with transaction.atomic():
        intent = _lock(intent.pk)
        if intent.method != Method.CASH:
            raise Conflict(_("This payment is not made in cash."), code="wrong_method")
        if intent.status == Status.PAID:
            if intent.paid_source == "cash" and intent.provider_transaction_id == idempotency_key[:64]:
                return intent  # the same receipt again
            raise AlreadyPaid()
        if intent.status != Status.PENDING:
            raise IllegalTransition(_("This payment is no longer open; start a new one."))
        return intent_mark_paid(
            intent=intent, source="cash", provider_ref=idempotency_key, actor=agent, centre=centre_org
        )


def intent_expire(
    *, intent: PaymentIntent, source: str = "job", actor: Any = None, reason: str = ""
) -> PaymentIntent:
    """Expire a pending intent here (the gateway side is the caller's business: see ``gateway``)."""
    with transaction.atomic():
        intent = _lock(intent.pk)
        if intent.status == Status.EXPIRED:
            return intent
        return intent_set_status(intent=intent, to=Status.EXPIRED, source=source, actor=actor, reason=reason)


def intent_cancel(
    *, intent: PaymentIntent, actor: Any = None, source: str = "api", reason: str = ""
) -> PaymentIntent:
    """Cancel a pending intent, first at the gateway (outside any lock). Call with no transaction open."""
    intent = PaymentIntent.objects.get(pk=intent.pk)
    if intent.status == Status.CANCELLED:
        return intent
    if intent.status != Status.PENDING:
        raise IllegalTransition()
    if intent.is_gateway and intent.charged_at:
        from .gateway import gateway_status_apply

        try:
            midtrans.cancel(intent.gateway_order_id)
        except midtrans.GatewayRefused:
            # Too late to cancel: most likely it was just paid. Learn what the gateway knows.
            gateway_status_apply(
                intent=intent, data=midtrans.status(intent.gateway_order_id), source="status_check"
            )
    with transaction.atomic():
        intent = _lock(intent.pk)
        if intent.status == Status.CANCELLED:
            return intent
        if intent.status == Status.PAID:
            raise AlreadyPaid()
        return intent_set_status(
            intent=intent,
            to=Status.CANCELLED,
            source=source,
            actor=actor,
            reason=reason or "cancelled by payer",
        )
