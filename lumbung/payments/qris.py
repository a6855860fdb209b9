"""The platform's static QRIS with the amount set, and the payment's reference in it; rendered by segno.

The merchant payload comes from ``LUMBUNG_QRIS_MERCHANT_PAYLOAD`` (EMVCo MPM, static: tag 01 = 11).
``lokal.set_qris_amount`` makes it dynamic with the amount in tag 54 and a fresh CRC; we then put the
intent's reference into the additional data (tag 62, sub-tag 01 "bill number") so finance can match
the acquirer's settlement report by reference *and* exact amount, and recompute the CRC (tag 63).
"""

from __future__ import annotations

import io
from decimal import Decimal

import segno
from django.conf import settings
from lokal import parse_qris, qris_crc, set_qris_amount

from lumbung.core.errors import DomainError


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def payload_with_amount(amount: Decimal, reference: str, *, merchant_payload: str | None = None) -> str:
    """A dynamic QRIS for ``amount`` rupiah whose bill number (62/01) is ``reference`` (≤ 25 chars)."""
    base = merchant_payload if merchant_payload is not None else settings.LUMBUNG_QRIS_MERCHANT_PAYLOAD
    if not base:
        raise DomainError("QRIS is not configured.", code="qris_not_configured")
    if len(reference) > 25:
        raise ValueError("a QRIS bill number is at most 25 characters")
    with_amount = set_qris_amount(base, format(amount.quantize(Decimal(1)), "f"))
    info = parse_qris(with_amount)
    fields = [(f.tag, f.value) for f in info.fields if f.tag != "63"]
    additional = next((f for f in info.fields if f.tag == "62"), None)
    children = [(c.tag, c.value) for c in (additional.children or [])] if additional else []
    children = [("01", reference), *((t, v) for t, v in children if t != "01")]
    new62 = "".join(_tlv(t, v) for t, v in children)
    if additional is None:
        at = next((i for i, (t, _) in enumerate(fields) if int(t) > 62), len(fields))
        fields.insert(at, ("62", new62))
    else:
        fields = [(t, new62 if t == "62" else v) for t, v in fields]
    body = "".join(_tlv(t, v) for t, v in fields) + "6304"
    return body + qris_crc(body)


def svg(payload: str, *, scale: int = 4) -> str:
    """An inline SVG of the code (no XML declaration), small enough for a 2G page."""
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(
        out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title="QRIS", svgclass="qris"
    )
    return out.getvalue().decode()
