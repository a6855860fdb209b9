"""Celery tasks for the outbox. The row is the truth; a task is only a nudge to try it now.

Retries are not Celery's ``self.retry``: the delivery module records the next attempt on the row and,
with a broker, queues a fresh task with a countdown. In eager mode (no broker) that would run at once
inside the caller, so there the ``notify.retry_due`` periodic job sends due messages instead.
"""

from celery import shared_task


@shared_task(name="notify.deliver_message", ignore_result=True)
def deliver_message(message_pk: int) -> str:
    from .delivery import message_deliver, schedule_retry

    outcome = message_deliver(message_pk)
    schedule_retry(outcome, message_pk)
    return outcome.status
