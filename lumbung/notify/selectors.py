"""Notify reads."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import OutboxMessage


def outbox_for(*, to: str, template: str | None = None) -> QuerySet[OutboxMessage]:
    """Messages queued for one address, newest first (the demo reads login codes from here)."""
    messages = OutboxMessage.objects.filter(to=to)
    if template:
        messages = messages.filter(template=template)
    return messages.order_by("-created_at", "-id")
