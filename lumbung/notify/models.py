"""The outbox: every notification is a row written in the same transaction as the event.

A Celery task delivers it at least once, with retries and backoff. ``message_id`` is stable across
retries so the provider (and the sandbox) can drop duplicates. notify addresses phone numbers and
e-mail addresses, never users.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("email")


class Status(models.TextChoices):
    PENDING = "pending", _("waiting")
    # Claimed by one worker, which is calling the provider now. ``next_attempt_at`` is then the end
    # of its lease: a row still "sending" after that belongs to a worker that died mid-attempt.
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    DEAD = "dead", _("gave up")


class OutboxMessage(models.Model):
    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.SMS)
    # Which delivery route handled it: "console" (demo; readable in the admin) or a provider adapter.
    route = models.CharField(max_length=16, blank=True)
    to = models.CharField(max_length=254, db_index=True)
    template = models.CharField(max_length=64)
    language = models.CharField(max_length=8, default="id")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the provider later reported about the handset (Infobip status group, e.g. DELIVERED).
    delivery_status = models.CharField(max_length=32, blank=True)
    delivery_description = models.CharField(max_length=200, blank=True)
    delivery_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}: {self.template}"


class InboundMessage(models.Model):
    """An SMS a person sent to us (mobile-originated), stored once per provider message id."""

    provider_message_id = models.CharField(max_length=100, unique=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.SMS)
    phone = models.CharField(pgettext_lazy("sender", "from"), max_length=20, db_index=True)
    to = models.CharField(_("to"), max_length=32, blank=True)
    text = models.TextField(blank=True)
    keyword = models.CharField(max_length=32, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"
