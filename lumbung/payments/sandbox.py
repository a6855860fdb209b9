"""The payment gateway sandbox: Midtrans Core API v2 as a tiny WSGI app (``lumbung sandbox gateway``).

It speaks what our adapter speaks, with the same Basic auth (``--api-key`` is the server key) and
the same JSON shapes, keeps charges in memory (or in ``--store``), and sends HTTP notifications signed
the Midtrans way (``signature_key`` = SHA512(order_id + status_code + gross_amount + server key)) to
``X-Override-Notification`` from the charge, else ``--callback-url``. No Django settings, no database.

Midtrans endpoints:
- ``POST /v2/charge``: bank_transfer (bca/bni/bri → ``va_numbers``, permata → ``permata_va_number``),
  echannel (``bill_key``, ``biller_code``), qris (``qr_string`` + ``generate-qr-code`` action),
  gopay/shopeepay (``deeplink-redirect`` action). A used order_id answers status_code 406. After the
  charge a "pending" notification follows (``--set notify_pending=0`` turns that off).
- ``GET /v2/{order_id}/status``, ``POST /v2/{order_id}/cancel`` (pending only, else 412),
  ``POST /v2/{order_id}/refund`` (settled e-wallet/QRIS only; same ``refund_key`` → same answer;
  more than what is left → 412), then a refund / partial_refund notification.

Control endpoints (tests, demos):
- ``POST /_sandbox/pay {"order_id"}``: the customer pays (settlement), then the notification is sent
  ``?duplicate=N`` times; ``?reorder=1`` adds a late, stale "pending" one after; ``?notify=0`` sends
  none (a lost notification, for the status re-check job).
- ``POST /_sandbox/expire {"order_id"}``: the gateway expires it and notifies.
- ``POST /_sandbox/notify-bad-signature {"order_id"}``: a settlement notification with a wrong
  signature (the charge itself does not change).
- ``POST /_sandbox/fail {"count"}``: the next K API calls answer 503 (``--fail-first K`` at start).
- ``GET /_sandbox/charges``, ``POST /_sandbox/reset``, ``GET /_sandbox/health``.
Every control answer lists the HTTP status each notification got back (``callbackStatuses``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from lumbung.core.sandbox import SandboxConfig, sandbox
from lumbung.payments.signature import gross_amount_text, signature_key

DEFAULT_SERVER_KEY = "SB-Mid-server-lumbung-sandbox"  # the same demo default as settings
MERCHANT_ID = "G000LUMBUNG"
WIB = timedelta(hours=7)
# Midtrans' status_code per transaction_status in status answers and notifications.
STATUS_CODES = {
    "pending": "201",
    "settlement": "200",
    "capture": "200",
    "deny": "202",
    "cancel": "200",
    "expire": "407",
    "refund": "200",
    "partial_refund": "200",
}
REFUNDABLE = {"qris", "gopay", "shopeepay", "credit_card"}
VA_PREFIX = {"bca": "12345", "bni": "9888", "bri": "88810", "permata": "8778"}
ORDER_PATH = re.compile(r"^/v2/([A-Za-z0-9\-_.~]{1,50})/(status|cancel|refund)$")
SANDBOX_QRIS = (
    "00020101021226610014COM.GO-JEK.WWW01189360091431234567890210G0000000010303UMI"
    "51440014ID.CO.QRIS.WWW0215ID10200000000010303UMI5204549953033605802ID5913SANDBOX MIDTR"
    "6007JAKARTA6105101106304"
)


def midtrans_time(moment: datetime | None = None) -> str:
    """Midtrans' transaction_time: "2024-07-04 10:53:53" in GMT+7."""
    return ((moment or datetime.now(UTC)) + WIB).strftime("%Y-%m-%d %H:%M:%S")


def error(code: str, message: str) -> dict[str, Any]:
    return {"status_code": code, "status_message": message, "id": str(uuid.uuid4())}


def qris_string(order_id: str, gross_amount: str) -> str:
    from lokal import qris_crc, set_qris_amount

    base = SANDBOX_QRIS + qris_crc(SANDBOX_QRIS)
    return set_qris_amount(base, gross_amount.split(".")[0])


class GatewaySandbox:
    """The WSGI app. One lock around the state; notifications go out after the lock is released."""

    def __init__(self, config: SandboxConfig) -> None:
        self.server_key = config.api_key or DEFAULT_SERVER_KEY
        self.callback_url = config.callback_url
        self.notify_pending = config.extra.get("notify_pending", "1") not in {"0", "false", "no"}
        self.store = config.store
        self.lock = threading.Lock()
        self.fail_next = max(config.fail_first, 0)
        self.charges: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self.va_counter = 0
        if self.store and os.path.exists(self.store):
            with open(self.store, encoding="utf-8") as fh:
                saved = json.load(fh)
            self.charges = saved.get("charges", {})
            self.va_counter = saved.get("va_counter", 0)

    # --- WSGI plumbing ------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        body = b""
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        status, payload = self.route(method, path, environ, body, query)
        data = json.dumps(payload).encode()
        start_response(
            f"{status.value} {status.phrase}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]

    def route(self, method, path, environ, body, query):
        control = {
            ("POST", "/_sandbox/pay"): self.control_pay,
            ("POST", "/_sandbox/expire"): self.control_expire,
            ("POST", "/_sandbox/notify-bad-signature"): self.control_bad_signature,
            ("POST", "/_sandbox/fail"): self.control_fail,
            ("POST", "/_sandbox/reset"): self.control_reset,
            ("GET", "/_sandbox/charges"): self.control_charges,
            ("GET", "/_sandbox/health"): lambda *a: (HTTPStatus.OK, {"ok": True, "sandbox": "gateway"}),
        }
        if (method, path) in control:
            return control[(method, path)](environ, self._json(body) or {}, query)
        api = (method, path) == ("POST", "/v2/charge") or ORDER_PATH.match(path)
        if not api:
            return HTTPStatus.NOT_FOUND, error("404", f"no {method} {path}")
        if not self._authorised(environ):
            return HTTPStatus.UNAUTHORIZED, error(
                "401", "Access denied due to unauthorized transaction, please check client or server key"
            )
        with self.lock:
            self.requests.append(f"{method} {path}")
            if self.fail_next > 0:
                self.fail_next -= 1
                return HTTPStatus.SERVICE_UNAVAILABLE, error("503", "Service unavailable (injected)")
        if path == "/v2/charge":
            return self.charge(environ, self._json(body))
        match = ORDER_PATH.match(path)
        order_id, action = match.group(1), match.group(2)
        if action == "status" and method == "GET":
            return self.status(order_id)
        if action == "cancel" and method == "POST":
            return self.cancel(order_id)
        if action == "refund" and method == "POST":
            return self.refund(order_id, self._json(body) or {})
        return HTTPStatus.METHOD_NOT_ALLOWED, error("405", "method not allowed")

    def _authorised(self, environ) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, _password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == self.server_key

    @staticmethod
    def _json(body: bytes) -> Any:
        try:
            value = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        return value

    def _save(self) -> None:  # called with the lock held
        if not self.store:
            return
        tmp = self.store + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"charges": self.charges, "va_counter": self.va_counter}, fh)
        os.replace(tmp, self.store)

    # --- the Midtrans API ---------------------------------------------------------------------
    def charge(self, environ, request):
        if not isinstance(request, dict):
            return HTTPStatus.BAD_REQUEST, error("400", "Bad request: body must be JSON")
        details = request.get("transaction_details")
        payment_type = request.get("payment_type")
        if not isinstance(details, dict) or not details.get("order_id"):
            return HTTPStatus.BAD_REQUEST, error("400", "transaction_details.order_id is required")
        try:
            amount = Decimal(str(details.get("gross_amount")))
        except InvalidOperation:
            amount = Decimal(0)
        if amount <= 0 or amount != amount.to_integral_value():
            return HTTPStatus.BAD_REQUEST, error(
                "400", "transaction_details.gross_amount must be a whole number"
            )
        order_id = str(details["order_id"])
        now = datetime.now(UTC)
        expiry = request.get("custom_expiry") or {}
        minutes = int(expiry.get("expiry_duration", 24 * 60)) if isinstance(expiry, dict) else 24 * 60
        charge = {
            "transaction_id": str(uuid.uuid4()),
            "order_id": order_id,
            "merchant_id": MERCHANT_ID,
            "gross_amount": gross_amount_text(amount),
            "currency": "IDR",
            "payment_type": payment_type,
            "transaction_time": midtrans_time(now),
            "expiry_time": midtrans_time(now + timedelta(minutes=minutes)),
            "transaction_status": "pending",
            "fraud_status": "accept",
            "refund_amount": "0.00",
            "refunds": {},
            "notify_url": environ.get("HTTP_X_OVERRIDE_NOTIFICATION", "") or self.callback_url,
        }
        with self.lock:
            if order_id in self.charges:
                return HTTPStatus.OK, error(
                    "406", "The request could not be processed: order_id has been used"
                )
            extra, message = self._payment_details(payment_type, request, charge)
            if extra is None:
                return HTTPStatus.OK, error("400", message)
            charge.update(extra)
            self.charges[order_id] = charge
            self._save()
        answer = {**self._public(charge), "status_code": "201", "status_message": message}
        if self.notify_pending and charge["notify_url"]:
            self._notify_later(dict(charge))
        return HTTPStatus.OK, answer

    def _payment_details(self, payment_type, request, charge):
        order_id = charge["order_id"]
        base = f"https://sandbox.lumbung.invalid/v2/{payment_type}/{charge['transaction_id']}"
        if payment_type == "bank_transfer":
            bank = (request.get("bank_transfer") or {}).get("bank")
            if bank not in VA_PREFIX:
                return None, "bank_transfer.bank must be bca, bni, bri or permata"
            self.va_counter += 1
            number = f"{VA_PREFIX[bank]}{self.va_counter:011d}"
            if bank == "permata":
                return {"permata_va_number": number}, "Success, PERMATA VA transaction is successful"
            return (
                {"va_numbers": [{"bank": bank, "va_number": number}]},
                f"Success, Bank Transfer transaction is created ({bank.upper()})",
            )
        if payment_type == "echannel":
            self.va_counter += 1
            return (
                {"bill_key": f"{self.va_counter:012d}", "biller_code": "70012"},
                "OK, Mandiri Bill transaction is successful",
            )
        if payment_type == "qris":
            return (
                {
                    "qr_string": qris_string(order_id, charge["gross_amount"]),
                    "acquirer": (request.get("qris") or {}).get("acquirer", "gopay"),
                    "actions": [{"name": "generate-qr-code", "method": "GET", "url": f"{base}/qr-code"}],
                },
                "QRIS transaction is created",
            )
        if payment_type in {"gopay", "shopeepay"}:
            scheme = "gojek://gopay/merchanttransfer" if payment_type == "gopay" else "shopeeid://main"
            actions = [
                {
                    "name": "deeplink-redirect",
                    "method": "GET",
                    "url": f"{scheme}?tref={charge['transaction_id']}",
                },
                {"name": "get-status", "method": "GET", "url": f"{base}/status"},
                {"name": "cancel", "method": "POST", "url": f"{base}/cancel"},
            ]
            if payment_type == "gopay":
                actions.insert(0, {"name": "generate-qr-code", "method": "GET", "url": f"{base}/qr-code"})
            return {"actions": actions}, f"{payment_type.capitalize()} transaction is created"
        return None, f"payment_type {payment_type!r} is not supported by this sandbox"

    def _public(self, charge: dict[str, Any]) -> dict[str, Any]:
        hidden = {"refunds", "notify_url"}
        status = charge["transaction_status"]
        data = {k: v for k, v in charge.items() if k not in hidden}
        data["status_code"] = STATUS_CODES.get(status, "200")
        if status == "settlement":
            data["settlement_time"] = charge.get("settlement_time", "")
        return data

    def _signed(self, charge: dict[str, Any], *, override_status: str | None = None) -> dict[str, Any]:
        data = self._public(charge)
        if override_status:
            data["transaction_status"] = override_status
            data["status_code"] = STATUS_CODES[override_status]
        data["status_message"] = "midtrans payment notification"
        data["signature_key"] = signature_key(
            data["order_id"], data["status_code"], data["gross_amount"], self.server_key
        )
        return data

    def status(self, order_id):
        with self.lock:
            charge = self.charges.get(order_id)
            if charge is None:
                return HTTPStatus.OK, error("404", "Transaction doesn't exist.")
            answer = self._signed(charge)
        answer["status_message"] = "Success, transaction is found"
        return HTTPStatus.OK, answer

    def cancel(self, order_id):
        with self.lock:
            charge = self.charges.get(order_id)
            if charge is None:
                return HTTPStatus.OK, error("404", "Transaction doesn't exist.")
            if charge["transaction_status"] not in {"pending", "cancel"}:
                return HTTPStatus.OK, error("412", "Merchant cannot modify the status of the transaction")
            charge["transaction_status"] = "cancel"
            self._save()
            answer = {**self._public(charge), "status_message": "Success, transaction is canceled"}
            snapshot = dict(charge)
        self._notify_later(snapshot)
        return HTTPStatus.OK, answer

    def refund(self, order_id, request):
        with self.lock:
            charge = self.charges.get(order_id)
            if charge is None:
                return HTTPStatus.OK, error("404", "Transaction doesn't exist.")
            key = str(request.get("refund_key") or uuid.uuid4())
            if key in charge["refunds"]:
                return HTTPStatus.OK, charge["refunds"][key]
            if charge["payment_type"] not in REFUNDABLE or charge["transaction_status"] not in {
                "settlement",
                "partial_refund",
            }:
                return HTTPStatus.OK, error("412", "Merchant cannot modify the status of the transaction")
            gross = Decimal(charge["gross_amount"])
            done = Decimal(charge["refund_amount"])
            try:
                amount = Decimal(str(request.get("amount", gross - done)))
            except InvalidOperation:
                return HTTPStatus.OK, error("400", "amount must be a number")
            if amount <= 0 or done + amount > gross:
                return HTTPStatus.OK, error("412", "Refund amount is greater than the remaining amount")
            done += amount
            charge["refund_amount"] = gross_amount_text(done)
            charge["transaction_status"] = "refund" if done == gross else "partial_refund"
            answer = {
                **self._public(charge),
                "status_code": "200",
                "status_message": "Success, refund request is approved",
                "refund_chargeback_id": len(charge["refunds"]) + 1,
                "refund_amount": gross_amount_text(amount),
                "refund_key": key,
            }
            charge["refunds"][key] = answer
            self._save()
            snapshot = dict(charge)
        self._notify_later(snapshot)
        return HTTPStatus.OK, answer

    # --- notifications ------------------------------------------------------------------------
    def _post(self, url: str, payload: dict[str, Any]) -> int:
        request = urllib.request.Request(  # noqa: S310  a URL the operator or our app gave
            url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    def _notify_later(self, charge: dict[str, Any]) -> None:
        """As Midtrans does: the API answers first, the notification follows on its own."""
        threading.Thread(target=self._notify, args=(charge,), daemon=True).start()

    def _notify(
        self, charge: dict[str, Any], *, override_status: str | None = None, bad: bool = False
    ) -> int:
        url = charge.get("notify_url") or self.callback_url
        if not url:
            return 0
        payload = self._signed(charge, override_status=override_status)
        if bad:
            payload["signature_key"] = "0" * 128
        return self._post(url, payload)

    # --- control endpoints --------------------------------------------------------------------
    def _change(self, order_id: str, to: str, allowed: set[str]):
        with self.lock:
            charge = self.charges.get(order_id)
            if charge is None:
                return None, (HTTPStatus.NOT_FOUND, error("404", "Transaction doesn't exist."))
            if charge["transaction_status"] not in allowed:
                return None, (HTTPStatus.CONFLICT, error("412", f"charge is {charge['transaction_status']}"))
            charge["transaction_status"] = to
            if to == "settlement":
                charge["settlement_time"] = midtrans_time()
            self._save()
            return dict(charge), None

    def control_pay(self, environ, request, query):
        charge, failure = self._change(str(request.get("order_id", "")), "settlement", {"pending"})
        if failure:
            return failure
        statuses = []
        if query.get("notify", "1") != "0":
            for _ in range(max(int(query.get("duplicate", "1") or 1), 1)):
                statuses.append(self._notify(charge))
            if query.get("reorder") == "1":
                statuses.append(self._notify(charge, override_status="pending"))
        return HTTPStatus.OK, {"order_id": charge["order_id"], "callbackStatuses": statuses}

    def control_expire(self, environ, request, query):
        charge, failure = self._change(str(request.get("order_id", "")), "expire", {"pending"})
        if failure:
            return failure
        return HTTPStatus.OK, {"order_id": charge["order_id"], "callbackStatuses": [self._notify(charge)]}

    def control_bad_signature(self, environ, request, query):
        with self.lock:
            charge = self.charges.get(str(request.get("order_id", "")))
            snapshot = dict(charge) if charge else None
        if snapshot is None:
            return HTTPStatus.NOT_FOUND, error("404", "Transaction doesn't exist.")
        status = self._notify(snapshot, override_status="settlement", bad=True)
        return HTTPStatus.OK, {"order_id": snapshot["order_id"], "callbackStatuses": [status]}

    def control_fail(self, environ, request, query):
        try:
            count = int(request.get("count", 1))
        except (TypeError, ValueError):
            return HTTPStatus.BAD_REQUEST, error("400", "count must be a number")
        with self.lock:
            self.fail_next = max(count, 0)
        return HTTPStatus.OK, {"failNext": self.fail_next}

    def control_reset(self, environ, request, query):
        with self.lock:
            self.charges.clear()
            self.requests.clear()
            self.fail_next = 0
            self._save()
        return HTTPStatus.OK, {"reset": True}

    def control_charges(self, environ, request, query):
        with self.lock:
            return HTTPStatus.OK, {
                "charges": [self._public(c) for c in self.charges.values()],
                "requests": list(self.requests),
            }


@sandbox("gateway")
def gateway_sandbox(config: SandboxConfig) -> GatewaySandbox:
    return GatewaySandbox(config)
