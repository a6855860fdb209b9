"""The SMS route: Infobip's SMS API v2 ("Send SMS message", ``POST /sms/2/text/advanced``).

We send our outbox ``message_id`` as the destination's ``messageId``: Infobip echoes it in the answer
and in delivery reports, and a gateway that deduplicates (our sandbox does) drops a second send of
the same id. How answers map to outcomes:

- 2xx with the message in status group PENDING (1) or DELIVERED (3): sent.
- 2xx with status group REJECTED (5) or UNDELIVERABLE (2): permanent, unless the status names a
  duplicate, which means the gateway already has it: sent.
- 408, 429, 5xx, timeouts and connection errors: try again later.
- other 4xx (bad request, invalid destination, wrong API key): permanent, with Infobip's reason.

The gateway is reached only through ``LUMBUNG_SMS_BASE_URL``, so the sandbox stands in for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings

from .routes import DeliveryRejected, DeliveryRetry, route

if TYPE_CHECKING:
    from .models import OutboxMessage

SEND_PATH = "/sms/2/text/advanced"
TIMEOUT = (5, 15)  # connect, read (seconds)
GROUP_PENDING, GROUP_UNDELIVERABLE, GROUP_DELIVERED, GROUP_EXPIRED, GROUP_REJECTED = 1, 2, 3, 4, 5


def destination(phone: str) -> str:
    """Infobip wants international digits without the plus: ``+62812...`` → ``62812...``."""
    return "".join(ch for ch in phone if ch.isdigit())


def send_payload(message: OutboxMessage) -> dict[str, Any]:
    sms: dict[str, Any] = {
        "destinations": [{"to": destination(message.to), "messageId": str(message.message_id)}],
        "from": settings.LUMBUNG_SMS_SENDER,
        "text": message.body,
    }
    notify_url = getattr(settings, "LUMBUNG_SMS_NOTIFY_URL", "")
    if notify_url:
        sms["notifyUrl"] = notify_url
        sms["notifyContentType"] = "application/json"
    return {"messages": [sms]}


def _service_error(response: requests.Response) -> str:
    try:
        error = response.json()["requestError"]["serviceException"]
        return f"{error.get('messageId', '')}: {error.get('text', '')}".strip(": ")
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


@route("sms", "sms")
def send_sms(message: OutboxMessage) -> str:
    url = settings.LUMBUNG_SMS_BASE_URL.rstrip("/") + SEND_PATH
    headers = {"Authorization": f"App {settings.LUMBUNG_SMS_API_KEY}", "Accept": "application/json"}
    try:
        response = requests.post(url, json=send_payload(message), headers=headers, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise DeliveryRetry(f"SMS gateway unreachable: {exc.__class__.__name__}: {exc}") from exc

    if response.status_code in (408, 429) or response.status_code >= 500:
        raise DeliveryRetry(f"SMS gateway HTTP {response.status_code}: {_service_error(response)}")
    if response.status_code >= 400:
        raise DeliveryRejected(f"SMS gateway HTTP {response.status_code}: {_service_error(response)}")
    try:
        sent = response.json()["messages"][0]
        status = sent.get("status") or {}
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        # It answered 2xx but not in Infobip's shape: it may have taken the message, so resending
        # with the same messageId (which it deduplicates) is the safe side.
        raise DeliveryRetry(f"SMS gateway answered in an unknown shape: {response.text[:200]}") from exc

    group = status.get("groupId")
    if group in (GROUP_REJECTED, GROUP_UNDELIVERABLE, GROUP_EXPIRED) and "DUPLICATE" not in str(
        status.get("name", "")
    ):
        raise DeliveryRejected(
            f"{status.get('name', 'REJECTED')}: {status.get('description', '')}".strip(": ")
        )
    return str(sent.get("messageId") or message.message_id)
