"""Logistics reads: quotes and the rate engine (``rates``, ``engine``) and parcels, batches and
tracking (``parcels``). Everything is re-exported here: ``from lumbung.logistics.selectors import …``.
"""

from __future__ import annotations

from .engine import (
    CarrierQuote,
    ParcelQuote,
    carrier_quotes,
    chargeable_weight_g,
    parcel_quote,
    volumetric_weight_g,
)
from .parcels import (
    PublicStep,
    PublicTracking,
    batch_by_code,
    batch_by_public_id,
    batches_for_courier,
    batches_of_centre,
    carriers_active,
    parcel_by_code,
    parcel_by_public_id,
    parcel_events,
    parcel_public_tracking,
    parcels_at_centre,
    parcels_by_reference,
    parcels_ready_to_batch,
    shipment_current,
)
from .rates import (
    GRAMS_PER_KG,
    CrossBorderNotQuoted,
    NoRateCard,
    QuoteDetail,
    WeightOutOfRange,
    chargeable_kg,
    rate_card_current,
    shipping_quote,
    shipping_quote_detail,
)

__all__ = [
    "GRAMS_PER_KG",
    "CarrierQuote",
    "CrossBorderNotQuoted",
    "NoRateCard",
    "ParcelQuote",
    "PublicStep",
    "PublicTracking",
    "QuoteDetail",
    "WeightOutOfRange",
    "batch_by_code",
    "batch_by_public_id",
    "batches_for_courier",
    "batches_of_centre",
    "carrier_quotes",
    "carriers_active",
    "chargeable_kg",
    "chargeable_weight_g",
    "parcel_by_code",
    "parcel_by_public_id",
    "parcel_events",
    "parcel_public_tracking",
    "parcel_quote",
    "parcels_at_centre",
    "parcels_by_reference",
    "parcels_ready_to_batch",
    "rate_card_current",
    "shipment_current",
    "shipping_quote",
    "shipping_quote_detail",
    "volumetric_weight_g",
]
