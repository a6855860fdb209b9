"""The Biteship adapter: courier rates, orders, tracking, and its order-status webhook.

Biteship (https://biteship.com/docs/api) is an Indonesian courier aggregator. We speak its public
REST API v1 and nothing else, reaching it (or ``lumbung sandbox courier``) only through
``LUMBUNG_BITESHIP_BASE_URL``, with the API key in the ``Authorization`` header and a timeout on
every call. Callers never hold row locks while calling it.

- ``rates()``        POST /v1/rates/couriers   → ``pricing[]`` (company, type, price, duration, COD)
- ``order_create()`` POST /v1/orders           → order id, ``courier.tracking_id``/``waybill_id``
- ``order_get()``    GET  /v1/orders/{id}
- ``tracking_get()`` GET  /v1/trackings/{id}   → ``history[]`` of {status, note, updated_at}

Webhooks (``order.status``, ``order.waybill_id``, ``order.price``) carry no signature of their own
in Biteship's public documentation, so the endpoint is configured with a shared secret header
(``verify_webhook``); the payload has no event id either, so ``event_id_for`` derives one.

Biteship's order statuses and what they mean for a parcel are in ``PARCEL_STATUS_FOR``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import requests
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import DomainError

from . import conf

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = 5.0

# Biteship order status → the parcel status it implies (None: the carrier's business only).
# ``on_hold`` while out for delivery is a failed attempt; ``disposed`` is how a lost parcel ends.
PARCEL_STATUS_FOR: dict[str, str | None] = {
    "confirmed": None,
    "scheduled": None,
    "allocated": None,
    "picking_up": None,
    "picked": "in_transit",
    "on_hold": None,
    "dropping_off": "out_for_delivery",
    "delivered": "delivered",
    "return_in_transit": "returning",
    "returned": "returned",
    "disposed": "lost",
    "cancelled": None,
    "rejected": None,
    "courier_not_found": None,
}
KNOWN_STATUSES = frozenset(PARCEL_STATUS_FOR)


class CarrierUnavailable(DomainError):
    """Network failure, timeout or a 5xx: the outcome is unknown; try again later."""

    code = "carrier_unavailable"
    default_message = _("The courier service did not answer. Please try again in a moment.")
    status = 502


class CarrierRefused(DomainError):
    """Biteship understood and said no (its ``error`` and ``code`` are in ``details``)."""

    code = "carrier_refused"
    default_message = _("The courier service refused the request.")
    status = 502


@dataclass(frozen=True)
class CourierRate:
    company: str
    courier_name: str
    service_code: str
    service_name: str
    service_type: str
    price: Decimal
    duration: str
    cash_on_delivery: bool


@dataclass(frozen=True)
class TrackingEntry:
    status: str
    note: str
    updated_at: datetime


@dataclass(frozen=True)
class OrderResult:
    id: str
    status: str
    tracking_id: str
    waybill_id: str
    courier_company: str
    courier_type: str
    price: Decimal | None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TrackingResult:
    id: str
    order_id: str
    waybill_id: str
    status: str
    history: list[TrackingEntry]


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None and value != "" else None
    except InvalidOperation:
        return None


def parse_time(value: Any) -> datetime | None:
    """Biteship's ISO 8601 times ("2024-05-01T10:06:42+07:00"); naive ones are taken as UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = parse_datetime(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone=timezone.utc)
    return moment


def _call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    key = conf.biteship_api_key()
    if not key:
        raise CarrierUnavailable(_("The courier service is not configured."), code="carrier_not_configured")
    url = conf.biteship_base_url() + path
    headers = {"Authorization": key, "Content-Type": "application/json", "Accept": "application/json"}
    try:
        response = requests.request(
            method, url, json=body, headers=headers, timeout=(CONNECT_TIMEOUT, conf.biteship_timeout())
        )
    except requests.RequestException as exc:
        log.warning("Biteship %s %s failed: %s", method, path, exc)
        raise CarrierUnavailable(details={"error": type(exc).__name__}) from exc
    if response.status_code >= 500:
        raise CarrierUnavailable(details={"http_status": response.status_code})
    try:
        data = response.json()
    except ValueError as exc:
        raise CarrierUnavailable(details={"http_status": response.status_code}) from exc
    if not isinstance(data, dict):
        raise CarrierUnavailable(details={"http_status": response.status_code})
    if response.status_code >= 400 or data.get("success") is False:
        raise CarrierRefused(
            details={
                "http_status": response.status_code,
                "error": str(data.get("error", ""))[:200],
                "biteship_code": data.get("code"),
            }
        )
    return data


def rates(
    *,
    origin_postal_code: str,
    destination_postal_code: str,
    couriers: str,
    items: list[dict[str, Any]],
    destination_cash_on_delivery: int | None = None,
) -> list[CourierRate]:
    """POST /v1/rates/couriers: what each courier service would charge for these items."""
    body: dict[str, Any] = {
        "origin_postal_code": int(origin_postal_code),
        "destination_postal_code": int(destination_postal_code),
        "couriers": couriers,
        "items": items,
    }
    if destination_cash_on_delivery:
        body["destination_cash_on_delivery"] = destination_cash_on_delivery
    data = _call("POST", "/v1/rates/couriers", body)
    out = []
    for row in data.get("pricing") or []:
        if not isinstance(row, dict):
            continue
        price = _decimal(row.get("price"))
        if price is None:
            continue
        out.append(
            CourierRate(
                company=str(row.get("company") or row.get("courier_code") or ""),
                courier_name=str(row.get("courier_name") or ""),
                service_code=str(row.get("courier_service_code") or row.get("type") or ""),
                service_name=str(row.get("courier_service_name") or ""),
                service_type=str(row.get("service_type") or ""),
                price=price,
                duration=str(row.get("duration") or ""),
                cash_on_delivery=bool(row.get("available_for_cash_on_delivery")),
            )
        )
    return out


def _order_result(data: dict[str, Any]) -> OrderResult:
    courier = data.get("courier") if isinstance(data.get("courier"), dict) else {}
    return OrderResult(
        id=str(data.get("id") or ""),
        status=str(data.get("status") or ""),
        tracking_id=str(courier.get("tracking_id") or ""),
        waybill_id=str(courier.get("waybill_id") or ""),
        courier_company=str(courier.get("company") or ""),
        courier_type=str(courier.get("type") or ""),
        price=_decimal(data.get("price")),
        raw=data,
    )


def order_create(*, body: dict[str, Any]) -> OrderResult:
    """POST /v1/orders. ``body`` is Biteship's order object (see ``services.shipments.order_body``)."""
    result = _order_result(_call("POST", "/v1/orders", body))
    if not result.id:
        raise CarrierUnavailable(details={"error": "no order id in the answer"})
    return result


def order_get(order_id: str) -> OrderResult:
    return _order_result(_call("GET", f"/v1/orders/{order_id}"))


def tracking_get(tracking_id: str) -> TrackingResult:
    data = _call("GET", f"/v1/trackings/{tracking_id}")
    history = []
    for row in data.get("history") or []:
        if not isinstance(row, dict):
            continue
        moment = parse_time(row.get("updated_at"))
        if moment is None or not row.get("status"):
            continue
        history.append(
            TrackingEntry(status=str(row["status"]), note=str(row.get("note") or ""), updated_at=moment)
        )
    return TrackingResult(
        id=str(data.get("id") or tracking_id),
        order_id=str(data.get("order_id") or ""),
        waybill_id=str(data.get("waybill_id") or ""),
        status=str(data.get("status") or ""),
        history=history,
    )


def verify_webhook(header_value: str | None) -> bool:
    """The shared secret header matches (constant time); never true for an empty secret."""
    secret = conf.biteship_webhook_secret()
    if not secret or not header_value:
        return False
    return hmac.compare_digest(header_value.strip().encode(), secret.encode())


def event_id_for(*, order_id: str, status: str, updated_at: str, body: bytes = b"") -> str:
    """Biteship sends no event id: (order, status, time) names one event; the body hash if no time.

    The same key comes from a webhook and from the tracking history, so an event seen both ways
    is stored once.
    """
    if updated_at:
        moment = parse_time(updated_at)
        stamp = moment.isoformat() if moment else updated_at
        return f"{order_id}:{status}:{stamp}"[:128]
    digest = hashlib.sha256(body or json.dumps([order_id, status]).encode()).hexdigest()[:32]
    return f"{order_id}:{status}:{digest}"[:128]
