"""Gateway notifications and reconciliation: apply what Midtrans says, once, never backwards.

- ``notification_receive`` stores each verified notification once per provider event id
  (``<transaction_id>:<transaction_status>``, UNIQUE), then applies it in the same transaction, so a
  duplicate or a replay is a no-op and a failure leaves nothing (the gateway retries).
- ``gateway_status_apply`` never moves a paid intent backwards (a late "pending" is stale), checks
  the amount, and books a settlement / accepted capture through ``intent_mark_paid`` (idempotent).
- ``intents_recheck`` asks the gateway about pending intents older than N minutes (lost
  notifications, lost charge answers); ``intents_expire_overdue`` expires the rest, asking first.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import midtrans
from ..models import GATEWAY_METHODS, PaymentIntent, Status, WebhookEvent
from .intents import intent_charge, intent_mark_paid, intent_set_status

log = logging.getLogger(__name__)
PROVIDER = "midtrans"
BATCH = 200
ENDED = {
    "expire": Status.EXPIRED,
    "cancel": Status.CANCELLED,
    "deny": Status.FAILED,
    "failure": Status.FAILED,
}


def _is_paid(data: dict[str, Any]) -> bool:
    status = data.get("transaction_status")
    return status == "settlement" or (status == "capture" and data.get("fraud_status", "accept") == "accept")


def gateway_status_apply(*, intent: PaymentIntent, data: dict[str, Any], source: str) -> str:
    """Apply a notification or status answer. Returns applied, no_change, stale or mismatch."""
    status = str(data.get("transaction_status", ""))
    try:
        gross = Decimal(str(data.get("gross_amount")))
    except InvalidOperation:
        gross = None
    if gross != intent.amount or data.get("currency", "IDR") != intent.currency:
        log.error(
            "gateway says %s for %s but the payment is %s %s: not applied",
            data.get("gross_amount"),
            intent.public_id,
            intent.amount,
            intent.currency,
        )
        return "mismatch"
    transaction_id = str(data.get("transaction_id", ""))[:64]
    if _is_paid(data):
        if PaymentIntent.objects.filter(pk=intent.pk, status=Status.PAID).exists():
            return "no_change"
        intent_mark_paid(intent=intent, source=source, provider_ref=transaction_id)
        PaymentIntent.objects.filter(pk=intent.pk).update(provider_status=status)
        return "applied"
    with transaction.atomic():
        locked = PaymentIntent.objects.select_for_update().get(pk=intent.pk)
        if status in ENDED and locked.status == Status.PENDING:
            intent_set_status(intent=locked, to=ENDED[status], source=source, reason=f"gateway: {status}")
            outcome = "applied"
        elif locked.status == Status.PAID and status in {"pending", *ENDED}:
            log.info("stale %s for paid payment %s ignored", status, locked.public_id)
            return "stale"
        else:
            outcome = "no_change"
        locked.provider_status = status[:20]
        if transaction_id and not locked.provider_transaction_id:
            locked.provider_transaction_id = transaction_id
        locked.save(update_fields=["provider_status", "provider_transaction_id", "updated_at"])
    return outcome


def notification_receive(*, payload: dict[str, Any]) -> str:
    """A notification whose signature the view verified. Returns the outcome (or unknown_order)."""
    order_id = str(payload.get("order_id", ""))
    intent = PaymentIntent.objects.filter(public_id=order_id, provider=PROVIDER).first()
    if intent is None:
        log.warning("Midtrans notification for unknown order %r ignored", order_id[:64])
        return "unknown_order"
    status = str(payload.get("transaction_status", ""))[:20]
    event_id = f"{payload.get('transaction_id', '')}:{status}"[:128]
    with transaction.atomic():
        try:
            with transaction.atomic():
                event = WebhookEvent.objects.create(
                    provider=PROVIDER,
                    event_id=event_id,
                    order_id=order_id,
                    transaction_status=status,
                    payload=payload,
                )
        except IntegrityError:
            return "duplicate"
        event.outcome = gateway_status_apply(intent=intent, data=payload, source="webhook")
        event.save(update_fields=["outcome"])
    return event.outcome


def intent_recheck(*, intent: PaymentIntent) -> str:
    """Ask the gateway about one intent (with no transaction of ours open) and apply the answer."""
    if not intent.charged_at:
        intent = intent_charge(intent_pk=intent.pk)
        if not intent.charged_at:
            return "charge_failed"
    try:
        data = midtrans.status(intent.gateway_order_id)
    except (midtrans.GatewayUnavailable, midtrans.GatewayRefused) as exc:
        log.warning("status check for %s failed: %s", intent.public_id, exc.details)
        return "unavailable"
    return gateway_status_apply(intent=intent, data=data, source="status_check")


def intents_recheck() -> dict[str, int]:
    """Pending gateway intents older than LUMBUNG_PAYMENT_RECHECK_AFTER_MINUTES: what does Midtrans say?"""
    cutoff = timezone.now() - timedelta(minutes=settings.LUMBUNG_PAYMENT_RECHECK_AFTER_MINUTES)
    outcomes: dict[str, int] = {}
    pending = PaymentIntent.objects.filter(
        status=Status.PENDING, method__in=GATEWAY_METHODS, created_at__lte=cutoff
    ).order_by("created_at")[:BATCH]
    for intent in pending:
        outcome = intent_recheck(intent=intent)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def intents_expire_overdue() -> int:
    """Expire pending intents past their time. A gateway intent is asked first, then cancelled there."""
    expired = 0
    overdue = PaymentIntent.objects.filter(status=Status.PENDING, expires_at__lt=timezone.now()).order_by(
        "pk"
    )[:BATCH]
    for intent in overdue:
        if intent.is_gateway and not _gateway_lets_expire(intent):
            continue
        with transaction.atomic():
            locked = PaymentIntent.objects.select_for_update().get(pk=intent.pk)
            if locked.status == Status.PENDING:
                intent_set_status(intent=locked, to=Status.EXPIRED, source="job", reason="not paid in time")
                expired += 1
    return expired


def _gateway_lets_expire(intent: PaymentIntent) -> bool:
    """Ask before expiring: it may have been paid. Never expire while the gateway cannot be reached."""
    try:
        data = midtrans.status(intent.gateway_order_id)
    except midtrans.GatewayRefused:
        return True  # the gateway never took this charge
    except midtrans.GatewayUnavailable:
        return False
    if gateway_status_apply(intent=intent, data=data, source="status_check") != "no_change":
        return False  # paid, ended there, or a mismatch to look at
    try:
        midtrans.cancel(intent.gateway_order_id)
    except midtrans.GatewayRefused:
        pass  # it ended there meanwhile; the next notification or check says how
    except midtrans.GatewayUnavailable:
        return False
    return True


def webhook_events_purge() -> int:
    """Forget notifications older than the retention (≥ 30 days, so gateway retries still dedupe)."""
    days = max(settings.LUMBUNG_PAYMENT_WEBHOOK_RETENTION_DAYS, 30)
    deleted, _ = WebhookEvent.objects.filter(received_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
