"""Periodic payment jobs, registered with lumbung.core.periodic (celery beat / ``lumbung tick``).

Each job calls the gateway with no row lock held: it reads, calls, then re-locks one intent or
refund at a time to store the answer.
"""

from datetime import timedelta

from lumbung.core.periodic import periodic

from .services import (
    intents_expire_overdue,
    intents_recheck,
    refunds_retry_due,
    webhook_events_purge,
)

periodic("payments.recheck_pending", every=timedelta(minutes=5), atomic=False)(intents_recheck)
periodic("payments.expire_overdue", every=timedelta(minutes=5), atomic=False)(intents_expire_overdue)
periodic("payments.retry_refunds", every=timedelta(minutes=5), atomic=False)(refunds_retry_due)
periodic("payments.purge_webhook_events", every=timedelta(days=1))(webhook_events_purge)
