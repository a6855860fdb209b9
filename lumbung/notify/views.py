"""SMS gateway webhooks: inbound messages (MO) and delivery reports, both signed.

The gateway cannot send a CSRF token, so these views are CSRF-exempt; the HMAC signature over the
raw body (see ``signing.py``) is what proves the request came from our gateway. A bad signature is
refused with 403, logged, and stores nothing.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import signing
from .services import delivery_reports_record, inbound_sms_receive

log = logging.getLogger(__name__)


def _signed_json(request: HttpRequest) -> dict | None:
    body = request.body
    if not signing.verify(body, request.headers.get(signing.HEADER), settings.LUMBUNG_SMS_WEBHOOK_SECRET):
        log.warning(
            "SMS webhook %s refused: bad or missing %s from %s",
            request.path,
            signing.HEADER,
            request.META.get("REMOTE_ADDR"),
        )
        return None
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return payload if isinstance(payload, dict) else {}


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest):
    payload = _signed_json(request)
    if payload is None:
        return HttpResponseForbidden("bad signature")
    with transaction.atomic():
        stored = inbound_sms_receive(payload=payload)
    return JsonResponse({"received": len(payload.get("results") or []), "stored": len(stored)})


@csrf_exempt
@require_POST
def sms_reports(request: HttpRequest):
    payload = _signed_json(request)
    if payload is None:
        return HttpResponseForbidden("bad signature")
    with transaction.atomic():
        updated = delivery_reports_record(payload=payload)
    return JsonResponse({"updated": updated})


def demo_outbox(request: HttpRequest):
    """The demo's stand-in for a phone: the last messages the console route 'sent'.

    One-time codes are readable here, so it exists only while LUMBUNG_DEMO_OUTBOX_PAGE is on, which
    production never allows.
    """
    from django.conf import settings
    from django.http import Http404
    from django.shortcuts import render

    from .models import OutboxMessage

    if not settings.LUMBUNG_DEMO_OUTBOX_PAGE:
        raise Http404
    to = (request.GET.get("to") or "").strip()
    messages = OutboxMessage.objects.filter(route="console").order_by("-created_at", "-id")
    if to:
        digits = "".join(ch for ch in to if ch.isdigit())
        messages = messages.filter(to__contains=digits[-9:]) if digits else messages.none()
    return render(request, "notify/demo_outbox.html", {"messages_sent": messages[:30], "to": to})
