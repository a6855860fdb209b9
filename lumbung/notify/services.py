"""Queue notifications. Delivery is in ``delivery.py``; callers only ever queue."""

from __future__ import annotations

import functools
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import Channel, OutboxMessage


def message_queue(
    *, to: str, template: str, context: dict[str, Any] | None = None, language: str = "id", channel: str = Channel.SMS
) -> OutboxMessage:
    """Render ``notify/<channel>/<template>.txt`` in the recipient's language and queue it.

    Call inside the transaction of the event it reports: the row commits with it, and the delivery
    task is only scheduled after the commit.
    """
    with translation.override(language):
        body = render_to_string(f"notify/{channel}/{template}.txt", context or {}).strip()
    message = OutboxMessage.objects.create(
        channel=channel, to=to, template=template, language=language, body=body
    )
    from .tasks import deliver_message

    transaction.on_commit(functools.partial(deliver_message.delay, message.pk))
    return message
