"""Deliver outbox messages at least once: claim the row, call the route, record the outcome.

Rules this module keeps:
- A message is claimed by one conditional UPDATE (``status='pending' AND next_attempt_at <= now``),
  so two workers never send the same row at once, on SQLite and PostgreSQL alike. The claim marks it
  ``sending`` and sets ``next_attempt_at`` to the end of a lease; if the worker dies mid-call, the
  retry job hands the row back after the lease.
- No row lock and no transaction is held while the provider is called: claim → call → record.
- The provider gets the stable ``message_id`` every time, so a resend after a lost answer is dropped
  as a duplicate on its side. That is what makes "at least once" safe for SMS.
- A failed attempt waits ``base * 2^(n-1)`` seconds (capped), jittered into its upper half so retries
  of many messages spread out; after ``LUMBUNG_OUTBOX_MAX_ATTEMPTS`` attempts the message is dead.
- With a broker, a failed attempt schedules its own retry task with that countdown. Without one
  (eager mode) nothing is scheduled: the ``notify.retry_due`` periodic job (``lumbung tick``) sends it.
"""

from __future__ import annotations

import functools
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lumbung.core.periodic import periodic

from . import infobip  # noqa: F401  registers the sms route
from .models import OutboxMessage, Status
from .routes import DeliveryRejected, DeliveryRetry, route_for

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # far longer than the provider timeouts; a row "sending" past it is orphaned


@dataclass(frozen=True)
class Outcome:
    status: str  # sent, pending (will retry), dead, or skipped (not ours to send now)
    error: str = ""
    retry_at: datetime | None = None


SKIPPED = Outcome("skipped")


def max_attempts() -> int:
    return int(settings.LUMBUNG_OUTBOX_MAX_ATTEMPTS)


def retry_delay(attempt: int, *, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the ``attempt``-th failed attempt (1-based), with jitter, capped."""
    base = float(getattr(settings, "LUMBUNG_OUTBOX_RETRY_BASE_SECONDS", 30))
    cap = float(getattr(settings, "LUMBUNG_OUTBOX_RETRY_CAP_SECONDS", 3600))
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    return timedelta(seconds=ceiling * (0.5 + 0.5 * (rng or random).random()))


def message_claim(*, message_pk: int, now: datetime | None = None) -> OutboxMessage | None:
    """Take the message for one attempt, or return None if it is not pending and due."""
    now = now or timezone.now()
    taken = OutboxMessage.objects.filter(
        pk=message_pk, status=Status.PENDING, next_attempt_at__lte=now
    ).update(
        status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE, last_attempt_at=now
    )
    if not taken:
        return None
    return OutboxMessage.objects.get(pk=message_pk)


def _mine(message: OutboxMessage):
    # Record only over our own claim: a worker whose lease ran out must not overwrite a newer attempt.
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, attempts=message.attempts)


def _record_sent(message: OutboxMessage, *, route: str, provider_message_id: str) -> Outcome:
    _mine(message).update(
        status=Status.SENT,
        route=route,
        sent_at=timezone.now(),
        provider_message_id=provider_message_id[:100],
        last_error="",
    )
    return Outcome(Status.SENT)


def _record_failure(message: OutboxMessage, *, route: str, error: str, permanent: bool) -> Outcome:
    now = timezone.now()
    if permanent or message.attempts >= max_attempts():
        _mine(message).update(status=Status.DEAD, route=route, last_error=error)
        log.warning("outbox %s dead after %s attempt(s): %s", message.message_id, message.attempts, error)
        return Outcome(Status.DEAD, error)
    retry_at = now + retry_delay(message.attempts)
    _mine(message).update(status=Status.PENDING, route=route, next_attempt_at=retry_at, last_error=error)
    log.info(
        "outbox %s attempt %s failed, retry at %s: %s", message.message_id, message.attempts, retry_at, error
    )
    return Outcome(Status.PENDING, error, retry_at)


def message_deliver(message_pk: int) -> Outcome:
    """One delivery attempt for one message. Safe to call any number of times, from any worker."""
    message = message_claim(message_pk=message_pk)
    if message is None:
        return SKIPPED
    route_name = ""
    try:
        route_name, send = route_for(message.channel)
        provider_message_id = send(message)
    except DeliveryRejected as exc:
        return _record_failure(message, route=route_name, error=str(exc)[:2000], permanent=True)
    except DeliveryRetry as exc:
        return _record_failure(message, route=route_name, error=str(exc)[:2000], permanent=False)
    except Exception as exc:  # a bug or a surprise in a route: keep the message, try again later
        log.exception("outbox %s: route %s failed unexpectedly", message.message_id, route_name)
        return _record_failure(
            message, route=route_name, error=f"{exc.__class__.__name__}: {exc}"[:2000], permanent=False
        )
    return _record_sent(message, route=route_name, provider_message_id=provider_message_id)


def message_enqueue(message_pk: int, *, countdown: float | None = None) -> None:
    """Hand the message to the delivery task. A broker outage is logged, not raised: the row is safe
    in the outbox and the retry job will queue it again."""
    from .tasks import deliver_message

    try:
        if countdown:
            deliver_message.apply_async((message_pk,), countdown=countdown)
        else:
            deliver_message.delay(message_pk)
    except Exception:
        log.exception("could not queue outbox message %s; the retry job will", message_pk)


def message_enqueue_on_commit(message_pk: int) -> None:
    transaction.on_commit(functools.partial(message_enqueue, message_pk))


def eager() -> bool:
    from .tasks import deliver_message

    return bool(deliver_message.app.conf.task_always_eager)


def schedule_retry(outcome: Outcome, message_pk: int) -> None:
    """With a broker, queue the next attempt for when it is due; eager mode leaves it to the job."""
    if outcome.status == Status.PENDING and outcome.retry_at and not eager():
        countdown = max((outcome.retry_at - timezone.now()).total_seconds(), 0)
        message_enqueue(message_pk, countdown=countdown)


def requeue_grace() -> timedelta:
    # With a broker, a due row normally has a task on its way; only rows overdue by this much are
    # taken as lost. In eager mode nothing is on its way, so every due row is queued.
    if eager():
        return timedelta(0)
    return timedelta(seconds=float(getattr(settings, "LUMBUNG_OUTBOX_REQUEUE_GRACE_SECONDS", 60)))


@periodic("notify.retry_due", every=timedelta(minutes=1), atomic=False)
def messages_retry_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand back orphaned claims and queue (after commit) every due message whose task was lost."""
    now = now or timezone.now()
    # A claim whose lease ran out belongs to a worker that died during the call. That attempt
    # counts: if it was the last allowed, the message is dead.
    orphaned = OutboxMessage.objects.filter(status=Status.SENDING, next_attempt_at__lte=now)
    orphaned.filter(attempts__gte=max_attempts()).update(
        status=Status.DEAD, last_error="the worker was lost during the last attempt"
    )
    orphaned.update(status=Status.PENDING, last_error="the worker was lost during the attempt")
    due = list(
        OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now - requeue_grace())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        message_enqueue_on_commit(pk)
    return len(due)
