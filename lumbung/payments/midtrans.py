"""The Midtrans Core API v2 adapter: charge, status, cancel, refund.

It reaches Midtrans (or ``lumbung sandbox gateway``) only through ``LUMBUNG_MIDTRANS_BASE_URL``, with
HTTP Basic auth (the server key as user name, empty password) and a timeout on every call. Callers
must never hold row locks while calling it (services create and commit the intent first, call, then
re-lock and store the answer).

Midtrans answers most business errors with HTTP 200 and a ``status_code`` in the body, so success
is decided on that field: "200" (done) and "201" (pending, e.g. a new charge).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import DomainError

from .models import Method

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = 5.0

# Our method -> (payment_type, extra request object)
CHARGE_SHAPES: dict[str, tuple[str, dict[str, Any]]] = {
    Method.GATEWAY_VA_BCA: ("bank_transfer", {"bank_transfer": {"bank": "bca"}}),
    Method.GATEWAY_VA_BNI: ("bank_transfer", {"bank_transfer": {"bank": "bni"}}),
    Method.GATEWAY_VA_BRI: ("bank_transfer", {"bank_transfer": {"bank": "bri"}}),
    Method.GATEWAY_VA_PERMATA: ("bank_transfer", {"bank_transfer": {"bank": "permata"}}),
    Method.GATEWAY_ECHANNEL: (
        "echannel",
        {"echannel": {"bill_info1": "Payment:", "bill_info2": "Lumbung"}},
    ),
    Method.GATEWAY_QRIS: ("qris", {"qris": {"acquirer": "gopay"}}),
    Method.GATEWAY_GOPAY: ("gopay", {"gopay": {"enable_callback": False}}),
    Method.GATEWAY_SHOPEEPAY: ("shopeepay", {"shopeepay": {}}),
}
OK_CODES = {"200", "201"}


class GatewayUnavailable(DomainError):
    """Network failure, timeout or a 5xx: the outcome is unknown, so try again later (same order id)."""

    code = "gateway_unavailable"
    default_message = _("The payment gateway did not answer. Please try again in a moment.")
    status = 502


class GatewayRefused(DomainError):
    """The gateway understood and said no (``status_code`` is in ``details``)."""

    code = "gateway_refused"
    default_message = _("The payment gateway refused the request.")
    status = 502


@dataclass(frozen=True)
class ChargeResult:
    transaction_id: str
    transaction_status: str
    va_bank: str = ""
    va_number: str = ""
    biller_code: str = ""
    qr_string: str = ""
    deeplink_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


def _server_key() -> str:
    key = settings.LUMBUNG_MIDTRANS_SERVER_KEY
    if not key:
        raise GatewayUnavailable(_("The payment gateway is not configured."), code="gateway_not_configured")
    return key


def _call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    url = settings.LUMBUNG_MIDTRANS_BASE_URL.rstrip("/") + path
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if settings.LUMBUNG_MIDTRANS_NOTIFICATION_URL and path == "/v2/charge":
        headers["X-Override-Notification"] = settings.LUMBUNG_MIDTRANS_NOTIFICATION_URL
    try:
        response = requests.request(
            method,
            url,
            json=body,
            headers=headers,
            auth=(_server_key(), ""),
            timeout=(CONNECT_TIMEOUT, settings.LUMBUNG_MIDTRANS_TIMEOUT_SECONDS),
        )
    except requests.RequestException as exc:
        log.warning("Midtrans %s %s failed: %s", method, path, exc)
        raise GatewayUnavailable(details={"error": type(exc).__name__}) from exc
    if response.status_code >= 500:
        raise GatewayUnavailable(details={"http_status": response.status_code})
    try:
        data = response.json()
    except ValueError as exc:
        raise GatewayUnavailable(details={"http_status": response.status_code}) from exc
    if not isinstance(data, dict):
        raise GatewayUnavailable(details={"http_status": response.status_code})
    code = str(data.get("status_code", response.status_code))
    if code.startswith("5"):
        raise GatewayUnavailable(
            details={"status_code": code, "message": str(data.get("status_message", ""))}
        )
    if code not in OK_CODES:
        raise GatewayRefused(
            details={"status_code": code, "message": str(data.get("status_message", ""))[:200]}
        )
    return data


def _action(data: dict[str, Any], name: str) -> str:
    for action in data.get("actions") or []:
        if isinstance(action, dict) and action.get("name") == name:
            return str(action.get("url", ""))
    return ""


def charge(
    *, order_id: str, gross_amount: Decimal, method: str, expiry_minutes: int, customer: dict[str, str]
) -> ChargeResult:
    """POST /v2/charge. ``gross_amount`` is whole rupiah (Midtrans charges IDR only)."""
    payment_type, extra = CHARGE_SHAPES[method]
    body = {
        "payment_type": payment_type,
        "transaction_details": {"order_id": order_id, "gross_amount": int(gross_amount)},
        "customer_details": customer,
        "custom_expiry": {"expiry_duration": expiry_minutes, "unit": "minute"},
        **extra,
    }
    return parse_charge(_call("POST", "/v2/charge", body))


def parse_charge(data: dict[str, Any]) -> ChargeResult:
    """What a payer needs from a charge (or a status answer, which carries the same fields)."""
    va_bank, va_number = "", ""
    for item in data.get("va_numbers") or []:
        if isinstance(item, dict):
            va_bank, va_number = str(item.get("bank", "")), str(item.get("va_number", ""))
            break
    if data.get("permata_va_number"):
        va_bank, va_number = "permata", str(data["permata_va_number"])
    if data.get("bill_key"):
        va_bank, va_number = "mandiri", str(data["bill_key"])
    return ChargeResult(
        transaction_id=str(data.get("transaction_id", "")),
        transaction_status=str(data.get("transaction_status", "")),
        va_bank=va_bank,
        va_number=va_number,
        biller_code=str(data.get("biller_code", "")),
        qr_string=str(data.get("qr_string", "")),
        deeplink_url=_action(data, "deeplink-redirect"),
        raw=data,
    )


def status(order_id: str) -> dict[str, Any]:
    """GET /v2/{order_id}/status: the same fields as a notification (signature_key included)."""
    return _call("GET", f"/v2/{order_id}/status")


def cancel(order_id: str) -> dict[str, Any]:
    """POST /v2/{order_id}/cancel: only while the transaction is still pending."""
    return _call("POST", f"/v2/{order_id}/cancel")


def refund(*, order_id: str, refund_key: str, amount: Decimal, reason: str) -> dict[str, Any]:
    """POST /v2/{order_id}/refund. The same ``refund_key`` again is the same refund, not a second one."""
    body = {"refund_key": refund_key, "amount": int(amount), "reason": reason[:255]}
    return _call("POST", f"/v2/{order_id}/refund", body)
