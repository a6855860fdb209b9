"""Notify writes: queue outgoing messages, take in inbound SMS and delivery reports.

Callers only ever queue; delivery is in ``delivery.py``. Each entry point owns its transaction: call
``message_queue`` inside the transaction of the event it reports.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from lumbung.core import events

from .delivery import message_enqueue_on_commit
from .models import Channel, InboundMessage, OutboxMessage, Status

log = logging.getLogger(__name__)

SMS_RECEIVED = "notify.sms_received"


def message_queue(
    *,
    to: str,
    template: str,
    context: dict[str, Any] | None = None,
    language: str = "id",
    channel: str = Channel.SMS,
) -> OutboxMessage:
    """Render ``notify/<channel>/<template>.txt`` in the recipient's language and queue it.

    An e-mail may also have ``notify/email/<template>.subject.txt``. The row commits with the
    caller's transaction, and the delivery task is only scheduled after that commit.
    """
    context = context or {}
    with translation.override(language):
        body = render_to_string(f"notify/{channel}/{template}.txt", context).strip()
        try:
            subject = " ".join(render_to_string(f"notify/{channel}/{template}.subject.txt", context).split())
        except TemplateDoesNotExist:
            subject = ""
    message = OutboxMessage.objects.create(
        channel=channel, to=to, template=template, language=language, subject=subject[:200], body=body
    )
    message_enqueue_on_commit(message.pk)
    return message


@transaction.atomic
def message_requeue(*, message_pk: int) -> bool:
    """Give a dead message a fresh set of attempts (staff, from the admin). False if not dead."""
    updated = OutboxMessage.objects.filter(pk=message_pk, status=Status.DEAD).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    if updated:
        message_enqueue_on_commit(message_pk)
    return bool(updated)


def phone_from_provider(value: str) -> str:
    """Infobip sends international digits without a plus; we keep E.164 (``+62...``)."""
    value = (value or "").strip()
    if value.isdigit():
        return "+" + value
    return value


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    # Infobip writes offsets without a colon (2016-10-06T09:28:39.220+0000).
    if len(value) > 5 and value[-5] in "+-" and value[-4:].isdigit():
        value = value[:-2] + ":" + value[-2:]
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def inbound_sms_receive(*, payload: dict[str, Any]) -> list[InboundMessage]:
    """Store each new inbound SMS of an Infobip MO webhook once; emit ``notify.sms_received`` for it.

    The event runs after the caller's transaction commits, with ``phone`` (E.164), ``text`` and
    ``message_pk``. A provider message id seen before is skipped, so a resent webhook is harmless.
    """
    stored = []
    for result in payload.get("results") or []:
        provider_id = str(result.get("messageId") or "").strip()
        if not provider_id:
            continue
        try:
            with transaction.atomic():
                message, created = InboundMessage.objects.get_or_create(
                    provider_message_id=provider_id[:100],
                    defaults={
                        "phone": phone_from_provider(str(result.get("from", "")))[:20],
                        "to": str(result.get("to", ""))[:32],
                        "text": str(result.get("text", "")),
                        "keyword": str(result.get("keyword") or "")[:32],
                        "received_at": _when(result.get("receivedAt")),
                        "payload": result,
                    },
                )
        except IntegrityError:  # the same id arrived in a parallel request
            created = False
        if not created:
            continue
        stored.append(message)
        events.emit(SMS_RECEIVED, phone=message.phone, text=message.text, message_pk=message.pk)
    return stored


def delivery_reports_record(*, payload: dict[str, Any]) -> int:
    """Note what the gateway says happened on the handset. Sending is done: this never resends."""
    updated = 0
    for result in payload.get("results") or []:
        status = result.get("status") or {}
        try:
            message_id = uuid.UUID(str(result.get("messageId")))
        except ValueError:
            log.warning("delivery report for a message id that is not ours: %r", result.get("messageId"))
            continue
        updated += OutboxMessage.objects.filter(message_id=message_id).update(
            delivery_status=str(status.get("groupName") or "")[:32],
            delivery_description=str(status.get("description") or status.get("name") or "")[:200],
            delivery_reported_at=_when(result.get("doneAt")) or timezone.now(),
        )
    return updated
