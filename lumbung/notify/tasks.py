"""Outbox delivery task (filled in by the delivery module)."""

from celery import shared_task


@shared_task(name="notify.deliver_message")
def deliver_message(message_pk: int) -> None:
    from .delivery import message_deliver

    message_deliver(message_pk)
