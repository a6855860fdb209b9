"""Payments test fixtures.

- ``world``: a payer, another user, a centre with its agent, platform staff, and a "test" reference
  resolver (standing in for orders until it registers "order") with escrow accounts per reference.
- ``gateway``: the gateway sandbox on a thread of this process (a real HTTP server speaking Midtrans),
  with LUMBUNG_MIDTRANS_BASE_URL pointed at it. ``GatewayClient`` drives its control endpoints.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import requests

from lumbung.accounts.models import Membership, OrganisationKind, Role
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.core.money import Money
from lumbung.core.sandbox import SandboxConfig, make_sandbox_server
from lumbung.ledger.verify import ledger_verify
from lumbung.payments import references, services
from lumbung.payments.accounts import escrow_order

SERVER_KEY = "SB-Mid-server-test-key"


class GatewayClient:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def charges(self) -> list[dict]:
        return requests.get(f"{self.url}/_sandbox/charges", timeout=5).json()["charges"]

    def requests(self) -> list[str]:
        return requests.get(f"{self.url}/_sandbox/charges", timeout=5).json()["requests"]

    def control(self, name: str, order_id: str, **params) -> dict:
        response = requests.post(
            f"{self.url}/_sandbox/{name}", json={"order_id": order_id}, params=params, timeout=60
        )
        response.raise_for_status()
        return response.json()

    def fail_next(self, count: int) -> None:
        requests.post(f"{self.url}/_sandbox/fail", json={"count": count}, timeout=5).raise_for_status()


@pytest.fixture
def gateway(settings):
    import lumbung.payments.sandbox  # noqa: F401  registers "gateway"

    server = make_sandbox_server(
        SandboxConfig(name="gateway", port=0, api_key=SERVER_KEY, extra={"notify_pending": "0"}),
        log_requests=False,
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LUMBUNG_MIDTRANS_BASE_URL = url
    settings.LUMBUNG_MIDTRANS_SERVER_KEY = SERVER_KEY
    settings.LUMBUNG_MIDTRANS_NOTIFICATION_URL = ""
    try:
        yield GatewayClient(url)
    finally:
        server.shutdown()
        server.server_close()


class World:
    """People and payable references for one test."""

    def __init__(self) -> None:
        self.payer = UserFactory(name="Siti")
        self.other = UserFactory(name="Budi")
        self.centre = OrganisationFactory(kind=OrganisationKind.SERVICE_CENTRE, name="Pusat Layanan Bainiu")
        self.agent = UserFactory(name="Agen")
        Membership.objects.create(user=self.agent, organisation=self.centre, role=Role.CENTRE_AGENT)
        self.staff = UserFactory(name="Keuangan", is_staff=True)
        self.dues: dict[str, tuple[int, Money]] = {}

    def due(self, name: str, amount, *, payer=None) -> str:
        """A reference "test:<name>" that ``payer`` (default: the payer) may pay."""
        reference = f"test:{name}"
        self.dues[reference] = ((payer or self.payer).pk, Money(Decimal(str(amount)), "IDR"))
        return reference

    def resolve(self, reference: str, user):
        due = self.dues.get(reference)
        if due is None or user is None or due[0] != getattr(user, "pk", None):
            return None
        return references.Payable(
            reference, escrow_order(reference.split(":", 1)[1]), due[1], label=reference
        )

    def allocation(self, reference: str) -> services.Allocation:
        return services.Allocation(
            reference, escrow_order(reference.split(":", 1)[1]), self.dues[reference][1]
        )

    def intent(self, method: str, *refs: str, payer=None):
        return services.intent_create(
            payer=payer or self.payer, allocations=[self.allocation(r) for r in refs], method=method
        )


@pytest.fixture
def world(db):
    w = World()
    references.register("test")(w.resolve)
    yield w
    references.unregister("test")


def assert_ledger_balanced() -> None:
    report = ledger_verify()
    problems = (
        report.unbalanced_entries,
        report.stale_balances,
        report.negative_accounts,
        report.unbalanced_currencies,
    )
    assert not any(problems), problems


def balance(code: str) -> Decimal:
    from lumbung.ledger.models import LedgerAccount

    account = LedgerAccount.objects.filter(code=code).first()
    return account.balance if account else Decimal(0)
