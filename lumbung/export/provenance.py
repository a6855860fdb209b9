"""Provenance: what the public page and QR code of an export lot or a retail pack show.

Only what a buyer may see: village and region, producers' FIRST names and only for producers who
agreed (ProvenanceConsent), harvest and pack dates, passed inspections and the exporter's valid
certificates. Never phone numbers, weights per person, prices or payouts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import segno
from django.urls import reverse

from .models import ExportLot, LotComponent, ProvenanceConsent, RetailPack
from .selectors import exporter_certificates


@dataclass
class Provenance:
    lot: ExportLot
    pack: RetailPack | None
    language: str
    villages: list[str] = field(default_factory=list)
    producers: list[str] = field(default_factory=list)
    others: int = 0
    harvested: tuple[date, date] | None = None
    packed: tuple[date, date] | None = None
    inspections: list = field(default_factory=list)
    certificates: list = field(default_factory=list)


def provenance_for(public_id: str) -> Provenance | None:
    pack = RetailPack.objects.select_related("lot").filter(public_id=public_id).first()
    lot = pack.lot if pack else ExportLot.objects.filter(public_id=public_id).first()
    if lot is None:
        return None
    lot = ExportLot.objects.select_related(
        "pool__contract", "pool__exporter__organisation__village", "inspection"
    ).get(pk=lot.pk)
    components = list(
        LotComponent.objects.filter(lot=lot).select_related("delivery__producer", "delivery__village")
    )
    deliveries = [c.delivery for c in components]
    consenting = set(
        ProvenanceConsent.objects.filter(
            producer__in=[d.producer_id for d in deliveries], show_first_name=True
        ).values_list("producer_id", flat=True)
    )
    names = []
    for d in deliveries:
        if d.producer_id in consenting:
            first = (d.producer.name or "").split(" ")[0]
            if first and first not in names:
                names.append(first)
    producers_total = len({d.producer_id for d in deliveries})
    harvest = sorted(d.harvested_on for d in deliveries)
    packs = sorted(d.packed_on for d in deliveries if d.packed_on)
    inspections = [lot.inspection] if lot.inspection and lot.inspection.outcome == "approved" else []
    return Provenance(
        lot=lot,
        pack=pack,
        language=lot.pool.contract.buyer_language or "en",
        villages=sorted({d.village.path for d in deliveries}),
        producers=names,
        others=producers_total - len(consenting),
        harvested=(harvest[0], harvest[-1]) if harvest else None,
        packed=(packs[0], packs[-1]) if packs else None,
        inspections=inspections,
        certificates=list(exporter_certificates(lot.pool.exporter)),
    )


def provenance_path(public_id: str) -> str:
    return reverse("export:provenance", kwargs={"public_id": public_id})


def qr_svg(url: str) -> bytes:
    """A QR code (error correction M) for ``url`` as a small SVG."""
    qr = segno.make(url, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return out.getvalue()
