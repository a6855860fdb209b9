"""The SMS gateway sandbox: Infobip's SMS API v2 as a tiny WSGI app (``lumbung sandbox sms``).

It speaks what our adapter and webhooks speak, and nothing of Django (no settings, no database):

- ``POST /sms/2/text/advanced`` with ``Authorization: App <api key>``: stores each destination's
  message once per ``messageId`` (a second send of the same id gets the first answer back and is
  only counted), answers ``{"bulkId", "messages": [{"messageId", "to", "status": {...}}]}``. A
  destination that is not 8-15 digits is answered with status group REJECTED, as Infobip does.
  With ``notifyUrl`` on the message (or ``--set report_url=URL``) it then POSTs a signed delivery
  report ``{"results": [{"messageId", "status": {... DELIVERED ...}, "doneAt", ...}]}``.
- ``GET /_sandbox/messages?to=62812...``: what it holds (for tests and demos).
- ``POST /_sandbox/fail {"count": K}``: the next K sends answer 503 (``--fail-first K`` at start).
- ``POST /_sandbox/inbound {"from", "text"}``: sends a signed inbound (MO) webhook in Infobip's
  ``{"results": [...], "messageCount", "pendingMessageCount"}`` shape to ``--callback-url``.
- ``POST /_sandbox/reset`` forgets everything; ``GET /_sandbox/health`` says it is up.

Callbacks carry ``X-Lumbung-Signature: sha256=<hmac of the body>`` made with ``--secret``.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from lumbung.core.sandbox import SandboxConfig, sandbox
from lumbung.notify import signing

DEFAULT_API_KEY = "sandbox-sms-key"  # the same demo defaults as settings.LUMBUNG_SMS_*
DEFAULT_SECRET = "sandbox-sms-webhook-secret"  # noqa: S105  a demo value, like the API key

STATUS_ACCEPTED = {
    "groupId": 1,
    "groupName": "PENDING",
    "id": 26,
    "name": "PENDING_ACCEPTED",
    "description": "Message sent to next instance",
}
STATUS_REJECTED_DESTINATION = {
    "groupId": 5,
    "groupName": "REJECTED",
    "id": 52,
    "name": "REJECTED_DESTINATION",
    "description": "Invalid destination address",
}
STATUS_DELIVERED = {
    "groupId": 3,
    "groupName": "DELIVERED",
    "id": 5,
    "name": "DELIVERED_TO_HANDSET",
    "description": "Message delivered to handset",
}
NO_ERROR = {
    "groupId": 0,
    "groupName": "OK",
    "id": 0,
    "name": "NO_ERROR",
    "description": "No Error",
    "permanent": False,
}


def infobip_time(moment: datetime | None = None) -> str:
    """Infobip's format: 2019-11-09T16:00:00.000+0000."""
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def service_error(message_id: str, text: str) -> dict[str, Any]:
    return {"requestError": {"serviceException": {"messageId": message_id, "text": text}}}


def digits(value: str) -> str:
    return "".join(ch for ch in str(value) if ch.isdigit())


class SmsSandbox:
    """The WSGI app. Thread-safe: one lock around the state; callbacks go out on their own threads."""

    def __init__(self, config: SandboxConfig) -> None:
        self.api_key = config.api_key or DEFAULT_API_KEY
        self.secret = config.secret or DEFAULT_SECRET
        self.callback_url = config.callback_url
        self.report_url = config.extra.get("report_url", "")
        self.number = config.extra.get("number", "62811000000")
        self.store = config.store
        self.lock = threading.Lock()
        self.fail_next = max(config.fail_first, 0)
        self.messages: dict[str, dict[str, Any]] = {}
        self.answers: dict[str, dict[str, Any]] = {}
        self.send_requests = 0
        if self.store and os.path.exists(self.store):
            with open(self.store, encoding="utf-8") as fh:
                saved = json.load(fh)
            self.messages = saved.get("messages", {})
            self.answers = saved.get("answers", {})

    # --- WSGI plumbing ------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        body = b""
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
        routes = {
            ("POST", "/sms/2/text/advanced"): self.send,
            ("GET", "/_sandbox/messages"): self.list_messages,
            ("POST", "/_sandbox/fail"): self.inject_failures,
            ("POST", "/_sandbox/inbound"): self.inbound,
            ("POST", "/_sandbox/reset"): self.reset,
            ("GET", "/_sandbox/health"): self.health,
        }
        handler = routes.get((method, path))
        if handler is None:
            status, payload = HTTPStatus.NOT_FOUND, service_error("NOT_FOUND", f"no {method} {path}")
        else:
            status, payload = handler(environ, body)
        data = json.dumps(payload).encode()
        start_response(
            f"{status.value} {status.phrase}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]

    @staticmethod
    def _json(body: bytes) -> Any:
        try:
            return json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None

    def _save(self) -> None:  # called with the lock held
        if not self.store:
            return
        tmp = self.store + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"messages": self.messages, "answers": self.answers}, fh)
        os.replace(tmp, self.store)

    def _post_signed(self, url: str, payload: dict[str, Any]) -> int:
        data = json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310  a URL the operator gave on the command line
            url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", signing.HEADER: signing.sign(data, self.secret)},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    # --- the Infobip API ----------------------------------------------------------------------
    def send(self, environ, body):
        if environ.get("HTTP_AUTHORIZATION", "") != f"App {self.api_key}":
            return HTTPStatus.UNAUTHORIZED, service_error("UNAUTHORIZED", "Invalid login details")
        with self.lock:
            self.send_requests += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                return HTTPStatus.SERVICE_UNAVAILABLE, service_error(
                    "GENERAL_ERROR", "Service unavailable (injected)"
                )
        request = self._json(body)
        if (
            not isinstance(request, dict)
            or not isinstance(request.get("messages"), list)
            or not request["messages"]
        ):
            return HTTPStatus.BAD_REQUEST, service_error("BAD_REQUEST", "Bad request: messages are required")
        bulk_id = str(request.get("bulkId") or uuid.uuid4())
        answers, reports = [], []
        with self.lock:
            for sms in request["messages"]:
                destinations = sms.get("destinations") if isinstance(sms, dict) else None
                if (
                    not isinstance(destinations, list)
                    or not destinations
                    or not isinstance(sms.get("text"), str)
                ):
                    return HTTPStatus.BAD_REQUEST, service_error(
                        "BAD_REQUEST", "Bad request: destinations and text"
                    )
                for destination in destinations:
                    answer, report = self._accept(bulk_id, sms, destination)
                    answers.append(answer)
                    if report:
                        reports.append(report)
            self._save()
        for url, report in reports:
            threading.Thread(target=self._post_signed, args=(url, report), daemon=True).start()
        return HTTPStatus.OK, {"bulkId": bulk_id, "messages": answers}

    def _accept(self, bulk_id: str, sms: dict[str, Any], destination: Any):
        destination = destination if isinstance(destination, dict) else {}
        message_id = str(destination.get("messageId") or uuid.uuid4())
        if message_id in self.answers:  # the same messageId again: the first answer, nothing new stored
            if message_id in self.messages:
                self.messages[message_id]["requests"] += 1
            return self.answers[message_id], None
        to = digits(destination.get("to", ""))
        valid = 8 <= len(to) <= 15 and to == str(destination.get("to", "")).lstrip("+")
        status = STATUS_ACCEPTED if valid else STATUS_REJECTED_DESTINATION
        answer = {"messageId": message_id, "to": to, "status": status, "smsCount": 1}
        self.answers[message_id] = answer
        if not valid:
            return answer, None
        now = infobip_time()
        self.messages[message_id] = {
            "messageId": message_id,
            "bulkId": bulk_id,
            "to": to,
            "from": sms.get("from", ""),
            "text": sms["text"],
            "sentAt": now,
            "requests": 1,
        }
        report_url = sms.get("notifyUrl") or self.report_url
        if not report_url:
            return answer, None
        report = {
            "results": [
                {
                    "bulkId": bulk_id,
                    "messageId": message_id,
                    "to": to,
                    "sentAt": now,
                    "doneAt": infobip_time(),
                    "smsCount": 1,
                    "price": {"pricePerMessage": 0, "currency": "IDR"},
                    "status": STATUS_DELIVERED,
                    "error": NO_ERROR,
                }
            ]
        }
        return answer, (report_url, report)

    # --- control endpoints for tests and demos --------------------------------------------------
    def list_messages(self, environ, body):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        to = digits(query.get("to", [""])[0])
        with self.lock:
            found = [m for m in self.messages.values() if not to or m["to"] == to]
            return HTTPStatus.OK, {
                "messages": found,
                "sendRequests": self.send_requests,
                "failNext": self.fail_next,
            }

    def inject_failures(self, environ, body):
        request = self._json(body)
        try:
            count = int((request or {}).get("count", 1))
        except (TypeError, ValueError):
            return HTTPStatus.BAD_REQUEST, service_error("BAD_REQUEST", "count must be a number")
        with self.lock:
            self.fail_next = max(count, 0)
            return HTTPStatus.OK, {"failNext": self.fail_next}

    def inbound(self, environ, body):
        request = self._json(body)
        if (
            not isinstance(request, dict)
            or not request.get("from")
            or not isinstance(request.get("text"), str)
        ):
            return HTTPStatus.BAD_REQUEST, service_error("BAD_REQUEST", "from and text are required")
        if not self.callback_url:
            return HTTPStatus.CONFLICT, service_error("NO_CALLBACK", "start the sandbox with --callback-url")
        text = request["text"]
        keyword, _, rest = text.strip().partition(" ")
        result = {
            "messageId": str(request.get("messageId") or uuid.uuid4()),
            "from": digits(request["from"]),
            "to": digits(request.get("to") or self.number),
            "text": text,
            "cleanText": rest,
            "keyword": keyword.upper(),
            "receivedAt": infobip_time(),
            "smsCount": 1,
            "price": {"pricePerMessage": 0, "currency": "IDR"},
        }
        status = self._post_signed(
            self.callback_url, {"results": [result], "messageCount": 1, "pendingMessageCount": 0}
        )
        return HTTPStatus.OK, {"messageId": result["messageId"], "callbackStatus": status}

    def reset(self, environ, body):
        with self.lock:
            self.messages.clear()
            self.answers.clear()
            self.fail_next = 0
            self.send_requests = 0
            self._save()
        return HTTPStatus.OK, {"reset": True}

    def health(self, environ, body):
        return HTTPStatus.OK, {"ok": True, "sandbox": "sms"}


@sandbox("sms")
def sms_sandbox(config: SandboxConfig) -> SmsSandbox:
    return SmsSandbox(config)
