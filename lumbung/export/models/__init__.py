"""The export desk's tables, split by stage: profiles, trade (RFQ → quote → contract), pooling, shipping.

Rules these tables keep:
- Contracts, pools and lots move only along their transition maps (``CONTRACT_TRANSITIONS``...) through
  one ``set_status`` service that writes an event row.
- Weights are Decimal kilograms with 3 decimals; money is Decimal with the currency beside it.
- Public ids, never primary keys, leave the server.
"""

from .pooling import (
    Delivery,
    DeliveryStatus,
    ExportLot,
    LotComponent,
    LotStatus,
    PayoutRun,
    Pledge,
    Pool,
    PoolStatus,
    ProducerPayout,
    ProvenanceConsent,
    RetailPack,
)
from .profiles import Exporter, ExporterProduct, ExporterStatus, HsCode, Verification
from .shipping import (
    Claim,
    ClaimStatus,
    ContractPayment,
    Document,
    DocumentKind,
    DocumentRequirement,
    Milestone,
    MilestoneKind,
    PaymentKind,
)
from .trade import (
    CONTRACT_TRANSITIONS,
    Contract,
    ContractEvent,
    ContractStatus,
    Counter,
    CounterStatus,
    Incoterm,
    Quote,
    QuoteStatus,
    QuoteTier,
    Rfq,
    RfqInvite,
    RfqStatus,
    Unit,
)

__all__ = [
    "CONTRACT_TRANSITIONS",
    "Claim",
    "ClaimStatus",
    "Contract",
    "ContractEvent",
    "ContractPayment",
    "ContractStatus",
    "Counter",
    "CounterStatus",
    "Delivery",
    "DeliveryStatus",
    "Document",
    "DocumentKind",
    "DocumentRequirement",
    "ExportLot",
    "Exporter",
    "ExporterProduct",
    "ExporterStatus",
    "HsCode",
    "Incoterm",
    "LotComponent",
    "LotStatus",
    "Milestone",
    "MilestoneKind",
    "PaymentKind",
    "PayoutRun",
    "Pledge",
    "Pool",
    "PoolStatus",
    "ProducerPayout",
    "ProvenanceConsent",
    "Quote",
    "QuoteStatus",
    "QuoteTier",
    "RetailPack",
    "Rfq",
    "RfqInvite",
    "RfqStatus",
    "Unit",
    "Verification",
]
