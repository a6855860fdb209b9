"""Delivery routes: how one outbox message leaves the building.

A route is a callable ``send(message) -> provider message id`` registered under a channel and a
route name (``("sms", "console")``, ``("sms", "sms")``, ``("email", "email")``). It raises
``DeliveryRetry`` for a failure worth trying again (timeouts, 5xx, 429) and ``DeliveryRejected`` for
one that never will succeed (an invalid number, a refused request). Which route a channel uses is a
setting, so a WhatsApp Cloud API route can be added later by registering ``("whatsapp", "cloud")``
and pointing ``LUMBUNG_WHATSAPP_CHANNEL`` at it. Routes never touch the database: delivery.py claims
the row before calling them and records the outcome after.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail

if TYPE_CHECKING:
    from .models import OutboxMessage

log = logging.getLogger(__name__)

Route = Callable[["OutboxMessage"], str]
_routes: dict[tuple[str, str], Route] = {}


class DeliveryError(Exception):
    """A failed attempt; ``str(exc)`` is the reason stored on the row."""


class DeliveryRetry(DeliveryError):
    """Worth trying again later (the provider was down, slow or busy)."""


class DeliveryRejected(DeliveryError):
    """Permanent: trying again cannot help. The message goes dead with this reason."""


def route(channel: str, name: str) -> Callable[[Route], Route]:
    """Decorator: register ``send`` for ``channel`` under ``name``."""

    def register(send: Route) -> Route:
        _routes[(channel, name)] = send
        return send

    return register


def route_name_for(channel: str) -> str:
    """The configured route for a channel: ``console`` unless a setting says otherwise."""
    configured = {
        "sms": getattr(settings, "LUMBUNG_SMS_CHANNEL", "console"),
        "email": getattr(
            settings, "LUMBUNG_EMAIL_CHANNEL", "console" if not settings.PRODUCTION else "email"
        ),
        "whatsapp": getattr(settings, "LUMBUNG_WHATSAPP_CHANNEL", "console"),
    }
    return configured.get(channel) or "console"


def route_for(channel: str) -> tuple[str, Route]:
    name = route_name_for(channel)
    try:
        return name, _routes[(channel, name)]
    except KeyError:
        raise DeliveryRejected(f"no route {name!r} for channel {channel!r}") from None


def registered() -> list[tuple[str, str]]:
    return sorted(_routes)


def _console(message: OutboxMessage) -> str:
    # The demo default: nothing leaves the machine; staff read the message in the admin outbox.
    log.info("console %s to %s: %s", message.channel, message.to, message.body)
    return f"console-{message.message_id}"


for _channel in ("sms", "email", "whatsapp"):
    route(_channel, "console")(_console)


@route("email", "email")
def send_email(message: OutboxMessage) -> str:
    """Django's mail backend. SMTP errors are usually passing (server busy, connection lost)."""
    try:
        sent = send_mail(
            subject=message.subject or settings.LUMBUNG_SITE_NAME,
            message=message.body,
            from_email=None,
            recipient_list=[message.to],
            fail_silently=False,
        )
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryRejected(f"address refused: {exc.recipients}") from exc
    except OSError as exc:  # smtplib.SMTPException is an OSError too
        raise DeliveryRetry(f"mail server: {exc}") from exc
    if sent != 1:
        raise DeliveryRetry("the mail backend accepted no message")
    return f"email-{message.message_id}"
