"""Logistics models: the rate card, parcels and their events, carriers, batches, shipments, tracking."""

from ..status import BatchStatus, ParcelStatus
from .carriers import Batch, Carrier, Shipment, TrackingEvent, TrackingSource
from .parcels import Parcel, ParcelEvent, new_parcel_code
from .rates import ABSOLUTE_MAX_WEIGHT_KG, ZONE_FIELDS, RateCard, ServiceLevel, ShippingMethod

__all__ = [
    "ABSOLUTE_MAX_WEIGHT_KG",
    "ZONE_FIELDS",
    "Batch",
    "BatchStatus",
    "Carrier",
    "Parcel",
    "ParcelEvent",
    "ParcelStatus",
    "RateCard",
    "ServiceLevel",
    "Shipment",
    "ShippingMethod",
    "TrackingEvent",
    "TrackingSource",
    "new_parcel_code",
]
