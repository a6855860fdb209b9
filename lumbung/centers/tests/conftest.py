"""Centre test fixtures: the seeded rate card and default fee rule (also after a flushing test)."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest


@pytest.fixture(autouse=True)
def seeded_rates(request):
    if request.node.get_closest_marker("django_db") is None:
        return
    from django.apps import apps

    from lumbung.orders.models import FeeRule

    importlib.import_module("lumbung.logistics.migrations.0002_seed_rate_card").seed(apps, None)
    if not FeeRule.objects.filter(category__isnull=True).exists():
        FeeRule.objects.create(
            platform_fee_percent=Decimal("5.00"),
            centre_commission_percent=Decimal("3.00"),
            valid_from="2024-01-01T00:00:00Z",
        )


@pytest.fixture
def aftersales_port():
    """The port after-sales registers at start-up (tests name it to say what they rely on)."""
    from lumbung.aftersales.centre_port import PORT
    from lumbung.centers.ports import aftersales_provide

    previous = aftersales_provide(PORT)
    yield PORT
    aftersales_provide(previous)
