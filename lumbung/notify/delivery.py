"""Deliver one outbox message through its route. Placeholder route until the SMS adapter lands."""

from django.utils import timezone

from .models import OutboxMessage, Status


def message_deliver(message_pk: int) -> None:
    message = OutboxMessage.objects.get(pk=message_pk)
    if message.status != Status.PENDING:
        return
    OutboxMessage.objects.filter(pk=message_pk, status=Status.PENDING).update(
        status=Status.SENT, route="console", sent_at=timezone.now(), attempts=message.attempts + 1
    )
