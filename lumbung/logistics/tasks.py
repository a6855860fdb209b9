"""Periodic logistics jobs (plain services; ``celery beat`` or ``lumbung tick`` runs them)."""

from __future__ import annotations

import logging
from datetime import timedelta

from lumbung.core.periodic import periodic

from . import biteship
from .models import Carrier, Shipment
from .services.shipments import shipments_book_pending, tracking_refresh
from .status import FINAL_PARCEL_STATES

log = logging.getLogger(__name__)


@periodic("logistics.book_pending_shipments", every=timedelta(minutes=10), atomic=False)
def book_pending_shipments() -> int:
    """Book the parcels whose carrier did not answer when their batch closed."""
    return shipments_book_pending()


@periodic("logistics.refresh_tracking", every=timedelta(hours=1), atomic=False)
def refresh_tracking() -> int:
    """Poll tracking for live shipments, in case a webhook was lost. Returns new events stored."""
    shipments = (
        Shipment.objects.filter(state=Shipment.State.BOOKED, carrier__adapter=Carrier.Adapter.BITESHIP)
        .exclude(parcel__status__in=FINAL_PARCEL_STATES)
        .exclude(tracking_id="")
        .order_by("pk")[:500]
    )
    new = 0
    for shipment in shipments:
        try:
            new += tracking_refresh(shipment=shipment)
        except biteship.CarrierUnavailable:
            log.warning("tracking refresh: Biteship did not answer; trying again next run")
            break
        except biteship.CarrierRefused as exc:
            log.warning("tracking refresh for shipment %s refused: %s", shipment.public_id, exc.details)
    return new
