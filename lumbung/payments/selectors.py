"""Reads for payments: an intent with what its pages need, a payer's intents, payouts waiting."""

from __future__ import annotations

from django.db.models import QuerySet

from lumbung.ledger.selectors import is_platform_staff

from .models import PaymentIntent, Payout, PayoutBatch, PayoutStatus

__all__ = ["intent_by_public_id", "is_platform_staff", "payout_batches", "payouts_waiting"]


def intent_by_public_id(public_id: str) -> PaymentIntent | None:
    return (
        PaymentIntent.objects.select_related("payer", "centre")
        .prefetch_related("allocations")
        .filter(public_id=public_id)
        .first()
    )


def intents_of(user) -> QuerySet[PaymentIntent]:
    return (
        PaymentIntent.objects.filter(payer=user)
        .prefetch_related("allocations")
        .order_by("-created_at", "-id")
    )


def payouts_waiting(currency: str | None = None) -> QuerySet[Payout]:
    rows = Payout.objects.filter(status=PayoutStatus.REQUESTED).select_related("owner_org").order_by("pk")
    return rows.filter(currency=currency) if currency else rows


def payout_batches(limit: int = 50) -> list[PayoutBatch]:
    return list(PayoutBatch.objects.prefetch_related("payouts").order_by("-created_at", "-id")[:limit])
