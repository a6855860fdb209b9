"""The courier sandbox: Biteship's API v1 as a tiny WSGI app (``lumbung sandbox courier``).

It speaks what our adapter speaks, and nothing of Django (no settings, no database):

- ``POST /v1/rates/couriers``: ``pricing[]`` per courier service, priced from the postcodes'
  distance and the chargeable (actual or volumetric) weight.
- ``POST /v1/orders``: books an order (``status: confirmed``, ``courier.tracking_id`` and
  ``waybill_id``), then moves it along its scenario on a background thread, firing an
  ``order.status`` webhook at ``--callback-url`` for every step.
- ``GET /v1/orders/{id}``, ``GET /v1/trackings/{tracking_id}`` (the whole ``history``).

Every call needs ``Authorization: <api key>`` (``--api-key``, default ``biteship_test.lumbung-sandbox``;
``Bearer <key>`` is accepted too). Webhooks carry the shared secret in ``X-Lumbung-Webhook-Secret``
(``--secret``).

Scenarios (chosen by a magic word in ``order_note``, or ``POST /_sandbox/orders/{id}/scenario``):

- normal:  confirmed → allocated → picking_up → picked → dropping_off → delivered
- ``[failed]``: … → dropping_off → on_hold (nobody home) → return_in_transit → returned
- ``[lost]``:   … → picked → on_hold (not found at the hub) → disposed

Timing: ``--set step_seconds=S`` (default 2; compressed from hours). ``step_seconds=0`` means
manual: steps happen only on ``POST /_sandbox/orders/{id}/advance``.
``--set duplicates=1`` sends every webhook twice.

Control endpoints (tests, demos): ``GET /_sandbox/orders``, ``POST /_sandbox/orders/{id}/advance``,
``POST /_sandbox/orders/{id}/replay {"order": "reverse"|"same", "times": N}`` (resend webhooks,
out of order on request), ``POST /_sandbox/fail {"count": K}`` (next K API calls answer 503),
``POST /_sandbox/reset``, ``GET /_sandbox/health``.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

from lumbung.core.sandbox import SandboxConfig, sandbox

DEFAULT_API_KEY = "biteship_test.lumbung-sandbox"  # the same demo defaults as logistics.conf
DEFAULT_SECRET = "sandbox-courier-webhook-secret"  # noqa: S105  a demo value
SECRET_HEADER = "X-Lumbung-Webhook-Secret"  # noqa: S105  a header name, not a secret

SCENARIOS: dict[str, list[tuple[str, str]]] = {
    "normal": [
        ("confirmed", "Order has been confirmed. Locating nearest driver to pick up."),
        ("allocated", "Courier has been allocated. Waiting to pick up."),
        ("picking_up", "Courier is on the way to pick up item."),
        ("picked", "Item has been picked and ready to be shipped."),
        ("dropping_off", "Item is on the way to customer."),
        ("delivered", "Item has been delivered."),
    ],
    "failed": [
        ("confirmed", "Order has been confirmed. Locating nearest driver to pick up."),
        ("allocated", "Courier has been allocated. Waiting to pick up."),
        ("picking_up", "Courier is on the way to pick up item."),
        ("picked", "Item has been picked and ready to be shipped."),
        ("dropping_off", "Item is on the way to customer."),
        ("on_hold", "Delivery failed: recipient not at home."),
        ("return_in_transit", "Order is on the way back to the origin."),
        ("returned", "Order has been returned to the origin."),
    ],
    "lost": [
        ("confirmed", "Order has been confirmed. Locating nearest driver to pick up."),
        ("allocated", "Courier has been allocated. Waiting to pick up."),
        ("picking_up", "Courier is on the way to pick up item."),
        ("picked", "Item has been picked and ready to be shipped."),
        ("on_hold", "Item could not be found at the transit hub."),
        ("disposed", "Item declared lost."),
    ],
}

# (company, courier name, service code, service name, service type, price factor, duration)
SERVICES = [
    ("jne", "JNE", "reg", "Reguler", "standard", 1.0, "2 - 3 days"),
    ("jne", "JNE", "yes", "Yakin Esok Sampai", "overnight", 1.8, "1 days"),
    ("sicepat", "SiCepat", "reg", "Reguler", "standard", 0.95, "2 - 3 days"),
    ("sicepat", "SiCepat", "best", "Besok Sampai Tujuan", "overnight", 1.7, "1 days"),
    ("jnt", "J&T", "ez", "EZ", "standard", 1.05, "2 - 4 days"),
    ("anteraja", "AnterAja", "reg", "Regular", "standard", 0.9, "2 - 4 days"),
]
COD_COMPANIES = {"jne", "sicepat", "jnt"}
REQUIRED_ORDER_FIELDS = (
    "origin_contact_name",
    "origin_contact_phone",
    "origin_address",
    "destination_contact_name",
    "destination_contact_phone",
    "destination_address",
    "courier_company",
    "courier_type",
    "delivery_type",
    "items",
)


def now_iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def error(message: str, code: int) -> dict[str, Any]:
    return {"success": False, "error": message, "code": code}


def price_for(origin: str, destination: str, grams: int, factor: float) -> int:
    """Deterministic Biteship-like prices: by how many leading postcode digits match, per kg."""
    same = 0
    for a, b in zip(origin, destination, strict=False):
        if a != b:
            break
        same += 1
    per_kg = {0: 38000, 1: 22000, 2: 14000, 3: 10000}.get(same, 9000)
    kg = max(1, -(-grams // 1000))
    return round(per_kg * kg * factor / 500.0) * 500


class CourierSandbox:
    """The WSGI app. One lock around the state; webhooks go out from the scheduler thread."""

    def __init__(self, config: SandboxConfig) -> None:
        self.api_key = config.api_key or DEFAULT_API_KEY
        self.secret = config.secret or DEFAULT_SECRET
        self.callback_url = config.callback_url
        self.step_seconds = float(config.extra.get("step_seconds", "2"))
        self.duplicates = config.extra.get("duplicates", "0") not in ("", "0", "false")
        self.lock = threading.Lock()
        self.fail_next = max(config.fail_first, 0)
        self.orders: dict[str, dict[str, Any]] = {}
        self.trackings: dict[str, str] = {}
        self.webhooks_sent: list[dict[str, Any]] = []
        self.counter = itertools.count(1)
        self.clock_offset = 0
        self.stop = threading.Event()
        if self.step_seconds > 0:
            threading.Thread(target=self._run, name="courier-scheduler", daemon=True).start()

    # --- WSGI plumbing ---------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        body = b""
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
        status, payload = self.route(method, path, environ, body)
        data = json.dumps(payload).encode()
        start_response(
            f"{status.value} {status.phrase}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]

    def route(self, method: str, path: str, environ, body: bytes):
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["_sandbox"]:
            return self.control(method, parts[1:], body)
        if not self._authorised(environ):
            return HTTPStatus.UNAUTHORIZED, error(
                "Authorization failed. Please check your API key.", 40101001
            )
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return HTTPStatus.SERVICE_UNAVAILABLE, error("Service unavailable (injected)", 50300000)
        if method == "POST" and parts == ["v1", "rates", "couriers"]:
            return self.rates(body)
        if method == "POST" and parts == ["v1", "orders"]:
            return self.order_create(body)
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "orders"]:
            return self.order_get(parts[2])
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "trackings"]:
            return self.tracking_get(parts[2])
        return HTTPStatus.NOT_FOUND, error(f"No route {method} {path}", 40400000)

    def _authorised(self, environ) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "").strip()
        return header in (self.api_key, f"Bearer {self.api_key}")

    @staticmethod
    def _json(body: bytes) -> Any:
        try:
            return json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None

    # --- Biteship API ------------------------------------------------------------------------
    def rates(self, body: bytes):
        request = self._json(body)
        if not isinstance(request, dict):
            return HTTPStatus.BAD_REQUEST, error("Invalid JSON body", 40000001)
        origin = str(request.get("origin_postal_code") or request.get("origin_area_id") or "")
        destination = str(request.get("destination_postal_code") or request.get("destination_area_id") or "")
        couriers = [c.strip() for c in str(request.get("couriers") or "").split(",") if c.strip()]
        items = request.get("items")
        if not origin or not destination or not couriers or not isinstance(items, list) or not items:
            return HTTPStatus.BAD_REQUEST, error(
                "origin, destination, couriers and items are required", 40001001
            )
        grams = 0
        for item in items:
            if not isinstance(item, dict):
                return HTTPStatus.BAD_REQUEST, error("items must be objects", 40001002)
            qty = int(item.get("quantity") or 1)
            actual = int(item.get("weight") or 0)
            volume = int(item.get("length") or 0) * int(item.get("width") or 0) * int(item.get("height") or 0)
            grams += qty * max(actual, -(-volume * 1000 // 6000))
        cod = request.get("destination_cash_on_delivery")
        pricing = []
        for company, name, code, service, kind, factor, duration in SERVICES:
            if company not in couriers or (cod and company not in COD_COMPANIES):
                continue
            pricing.append(
                {
                    "available_collection_method": ["pickup", "drop_off"],
                    "available_for_cash_on_delivery": company in COD_COMPANIES,
                    "available_for_proof_of_delivery": False,
                    "available_for_instant_waybill_id": True,
                    "available_for_insurance": True,
                    "company": company,
                    "courier_name": name,
                    "courier_code": company,
                    "courier_service_name": service,
                    "courier_service_code": code,
                    "description": f"{name} {service}",
                    "duration": duration,
                    "shipment_duration_range": duration.split(" days")[0],
                    "shipment_duration_unit": "days",
                    "service_type": kind,
                    "shipping_type": "parcel",
                    "price": price_for(origin, destination, grams, factor),
                    "type": code,
                }
            )
        return HTTPStatus.OK, {
            "success": True,
            "object": "courier_pricing",
            "message": "Success to retrieve courier pricing",
            "code": 20001003,
            "origin": {"postal_code": origin},
            "destination": {"postal_code": destination},
            "pricing": pricing,
        }

    def order_create(self, body: bytes):
        request = self._json(body)
        if not isinstance(request, dict):
            return HTTPStatus.BAD_REQUEST, error("Invalid JSON body", 40000001)
        missing = [f for f in REQUIRED_ORDER_FIELDS if not request.get(f)]
        if missing:
            return HTTPStatus.BAD_REQUEST, error(f"Missing required field: {missing[0]}", 40002001)
        if not any(s[0] == request["courier_company"] and s[2] == request["courier_type"] for s in SERVICES):
            return HTTPStatus.BAD_REQUEST, error("Courier service is not available", 40002010)
        note = str(request.get("order_note") or "")
        scenario = "lost" if "[lost]" in note else "failed" if "[failed]" in note else "normal"
        with self.lock:
            n = next(self.counter)
            order_id = f"sbx{n:021x}"
            tracking_id = f"trk{n:021x}"
            waybill = f"WYB-{request['courier_company'].upper()}-{100000 + n}"
            grams = sum(int(i.get("weight") or 0) * int(i.get("quantity") or 1) for i in request["items"])
            order = {
                "id": order_id,
                "scenario": scenario,
                "step": 0,
                "next_at": time.monotonic() + self.step_seconds,
                "history": [],
                "request": request,
                "price": price_for(
                    str(request.get("origin_postal_code") or ""),
                    str(request.get("destination_postal_code") or ""),
                    grams,
                    1.0,
                ),
                "tracking_id": tracking_id,
                "waybill_id": waybill,
            }
            self._append(order)  # confirmed
            self.orders[order_id] = order
            self.trackings[tracking_id] = order_id
            answer = self._order_json(order, message="Order successfully created")
        # "confirmed" is in the answer and the history; webhooks start with the next step, so none
        # arrives before the caller has stored the order id.
        return HTTPStatus.OK, answer

    def order_get(self, order_id: str):
        with self.lock:
            order = self.orders.get(order_id)
            if order is None:
                return HTTPStatus.NOT_FOUND, error("Order not found", 40400001)
            return HTTPStatus.OK, self._order_json(order, message="Order successfully retrieved")

    def tracking_get(self, tracking_id: str):
        with self.lock:
            order = self.orders.get(self.trackings.get(tracking_id, ""))
            if order is None:
                return HTTPStatus.NOT_FOUND, error("Tracking not found", 40400002)
            request = order["request"]
            return HTTPStatus.OK, {
                "success": True,
                "messsage": "Successfully get tracking info",
                "object": "tracking",
                "id": tracking_id,
                "waybill_id": order["waybill_id"],
                "courier": {"company": request["courier_company"], "name": "", "phone": ""},
                "origin": {
                    "contact_name": request["origin_contact_name"],
                    "address": request["origin_address"],
                },
                "destination": {
                    "contact_name": request["destination_contact_name"],
                    "address": request["destination_address"],
                },
                "history": [dict(h) for h in order["history"]],
                "link": f"https://track.example/{order['waybill_id']}",
                "order_id": order["id"],
                "status": order["history"][-1]["status"],
            }

    def _order_json(self, order: dict[str, Any], *, message: str) -> dict[str, Any]:
        request = order["request"]
        return {
            "success": True,
            "message": message,
            "object": "order",
            "id": order["id"],
            "shipper": {
                "name": request.get("shipper_contact_name"),
                "phone": request.get("shipper_contact_phone"),
                "organization": request.get("shipper_organization"),
            },
            "origin": {
                "contact_name": request["origin_contact_name"],
                "contact_phone": request["origin_contact_phone"],
                "address": request["origin_address"],
                "postal_code": request.get("origin_postal_code"),
            },
            "destination": {
                "contact_name": request["destination_contact_name"],
                "contact_phone": request["destination_contact_phone"],
                "address": request["destination_address"],
                "postal_code": request.get("destination_postal_code"),
                "cash_on_delivery": request.get("destination_cash_on_delivery"),
            },
            "courier": {
                "tracking_id": order["tracking_id"],
                "waybill_id": order["waybill_id"],
                "company": request["courier_company"],
                "type": request["courier_type"],
                "name": None,
                "phone": None,
                "link": f"https://track.example/{order['waybill_id']}",
            },
            "delivery": {"type": request["delivery_type"], "datetime": order["history"][0]["updated_at"]},
            "reference_id": request.get("reference_id"),
            "items": request["items"],
            "metadata": request.get("metadata") or {},
            "note": request.get("order_note"),
            "price": order["price"],
            "status": order["history"][-1]["status"],
        }

    # --- moving orders along -------------------------------------------------------------------
    def _append(self, order: dict[str, Any]) -> dict[str, Any] | None:
        """Take the next scenario step (lock held). Each step is one second after the last."""
        steps = SCENARIOS[order["scenario"]]
        if order["step"] >= len(steps):
            return None
        status, note = steps[order["step"]]
        self.clock_offset += 1
        entry = {
            "note": note,
            "status": status,
            "updated_at": now_iso(datetime.now(UTC) + timedelta(seconds=self.clock_offset)),
        }
        order["history"].append(entry)
        order["step"] += 1
        order["next_at"] = time.monotonic() + self.step_seconds
        return entry

    def advance(self, order_id: str) -> dict[str, Any] | None:
        with self.lock:
            order = self.orders.get(order_id)
            entry = self._append(order) if order else None
        if entry:
            entry = {**entry, "callback_status": self._send_status(order_id, entry)}
        return entry

    def _run(self) -> None:
        while not self.stop.wait(min(0.05, self.step_seconds)):
            due = []
            with self.lock:
                now = time.monotonic()
                for order in self.orders.values():
                    if order["next_at"] <= now and order["step"] < len(SCENARIOS[order["scenario"]]):
                        entry = self._append(order)
                        if entry:
                            due.append((order["id"], entry))
            for order_id, entry in due:
                self._send_status(order_id, entry)

    def _webhook(self, order_id: str, entry: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            order = self.orders[order_id]
            request = order["request"]
            return {
                "event": "order.status",
                "courier_tracking_id": order["tracking_id"],
                "courier_waybill_id": order["waybill_id"],
                "courier_company": request["courier_company"],
                "courier_type": request["courier_type"],
                "courier_driver_name": "Sandbox Driver",
                "courier_driver_phone": "081200000000",
                "courier_driver_photo_url": "",
                "courier_driver_plate_number": "DN 1234 XY",
                "courier_link": f"https://track.example/{order['waybill_id']}",
                "order_id": order_id,
                "order_price": order["price"],
                "status": entry["status"],
                "note": entry["note"],
                "updated_at": entry["updated_at"],
            }

    def _send_status(self, order_id: str, entry: dict[str, Any]) -> int:
        payload = self._webhook(order_id, entry)
        status = self._post(payload)
        if self.duplicates:
            status = self._post(payload)
        return status

    def _post(self, payload: dict[str, Any]) -> int:
        if not self.callback_url:
            return 0
        data = json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310  a URL the operator gave on the command line
            self.callback_url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", SECRET_HEADER: self.secret},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                code = response.status
        except urllib.error.HTTPError as exc:
            code = exc.code
        except OSError:
            code = 0
        with self.lock:
            self.webhooks_sent.append(
                {"order_id": payload["order_id"], "status": payload["status"], "http": code}
            )
        return code

    # --- control endpoints ---------------------------------------------------------------------
    def control(self, method: str, parts: list[str], body: bytes):
        request = self._json(body) or {}
        if method == "GET" and parts == ["health"]:
            return HTTPStatus.OK, {"ok": True, "sandbox": "courier"}
        if method == "GET" and parts == ["orders"]:
            with self.lock:
                return HTTPStatus.OK, {
                    "orders": [
                        {
                            "id": o["id"],
                            "scenario": o["scenario"],
                            "reference_id": o["request"].get("reference_id"),
                            "status": o["history"][-1]["status"],
                            "history": o["history"],
                        }
                        for o in self.orders.values()
                    ],
                    "webhooks": list(self.webhooks_sent),
                }
        if method == "POST" and parts == ["reset"]:
            with self.lock:
                self.orders.clear()
                self.trackings.clear()
                self.webhooks_sent.clear()
                self.fail_next = 0
            return HTTPStatus.OK, {"reset": True}
        if method == "POST" and parts == ["fail"]:
            with self.lock:
                self.fail_next = max(int(request.get("count", 1)), 0)
                return HTTPStatus.OK, {"failNext": self.fail_next}
        if len(parts) == 3 and parts[0] == "orders" and method == "POST":
            order_id, action = parts[1], parts[2]
            with self.lock:
                order = self.orders.get(order_id)
                if order is None:
                    return HTTPStatus.NOT_FOUND, error("Order not found", 40400001)
                if action == "scenario":
                    scenario = str(request.get("scenario", ""))
                    if scenario not in SCENARIOS:
                        return HTTPStatus.BAD_REQUEST, error(
                            f"scenario is one of {sorted(SCENARIOS)}", 40000002
                        )
                    order["scenario"] = scenario
                    return HTTPStatus.OK, {"id": order_id, "scenario": scenario}
            if action == "advance":
                entry = self.advance(order_id)
                return HTTPStatus.OK, {"id": order_id, "step": entry}
            if action == "replay":
                return HTTPStatus.OK, self.replay(order_id, request)
        return HTTPStatus.NOT_FOUND, error("No such control endpoint", 40400000)

    def replay(self, order_id: str, request: dict[str, Any]) -> dict[str, Any]:
        """Send the order's status webhooks again: the same order, reversed or shuffled, N times."""
        with self.lock:
            history = list(self.orders[order_id]["history"])
        mode = str(request.get("order", "same"))
        if mode == "reverse":
            history.reverse()
        elif mode == "shuffle":
            random.Random(int(request.get("seed", 0))).shuffle(history)
        statuses = []
        for _ in range(max(int(request.get("times", 1)), 1)):
            for entry in history:
                statuses.append(self._post(self._webhook(order_id, entry)))
        return {"id": order_id, "sent": len(statuses), "callback_statuses": statuses}


@sandbox("courier")
def courier_sandbox(config: SandboxConfig) -> CourierSandbox:
    return CourierSandbox(config)
