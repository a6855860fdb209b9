"""PDF documents for the counter: parcel labels (A6 or 100 × 150 mm thermal) and batch manifests.

Every document is set in the committed Noto Sans SC subset (``fonts/``), so Indonesian and Chinese
names and addresses print side by side. A label carries the parcel code three ways: a Code 128
barcode (drawn as vector bars from python-barcode's module pattern), a QR code (segno, drawn as
vector squares) holding the public tracking URL, and the code in large type for reading aloud.

Reads only: nothing here writes to the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import segno
from barcode.codex import Code128
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from lumbung.core.money import Money, format_money

from .models import Batch, Parcel

FONT_PATH = Path(__file__).with_name("fonts") / "NotoSansSC-Lumbung.ttf"
FONT = "NotoSansSC"
SIZES: dict[str, tuple[float, float]] = {"a6": (105.0, 148.0), "100x150": (100.0, 150.0)}
MARGIN = 4.0
MODULE_MM = 0.5  # one Code 128 module: 4 dots at 203 dpi, 6 at 300 dpi
QUIET_MODULES = 10


class LabelSizeUnknown(ValueError):
    pass


def _new_pdf(page: tuple[float, float] | str, *, title: str) -> FPDF:
    pdf = FPDF(unit="mm", format=page)
    pdf.set_title(title)
    pdf.set_creator("Lumbung")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font(FONT, "", str(FONT_PATH))
    pdf.set_font(FONT, size=9)
    return pdf


def draw_code128(
    pdf: FPDF, text: str, *, x: float, y: float, height: float, module: float = MODULE_MM
) -> float:
    """Draw ``text`` as Code 128 bars at (x, y); returns the width used (quiet zones included)."""
    pattern = Code128(text).build()[0]
    pdf.set_fill_color(0, 0, 0)
    start = x + QUIET_MODULES * module
    run = 0
    for index, bit in enumerate(pattern + "0"):
        if bit == "1":
            run += 1
            continue
        if run:
            pdf.rect(start + (index - run) * module, y, run * module, height, style="F")
            run = 0
    return (len(pattern) + 2 * QUIET_MODULES) * module


def draw_qr(pdf: FPDF, data: str, *, x: float, y: float, size: float) -> None:
    """Draw ``data`` as a QR code (error level M) filling a ``size`` mm square, quiet zone included."""
    qr = segno.make(data, error="m", micro=False)
    rows = qr.matrix
    border = 4
    cell = size / (len(rows) + 2 * border)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(
                    x + (border + start) * cell, y + (border + r) * cell, (c - start) * cell, cell, style="F"
                )
            else:
                c += 1


def _kg(grams: int) -> str:
    return f"{Decimal(grams) / 1000:.2f}".replace(".", ",") + " kg"


def _area_line(area) -> str:
    return area.path or area.name


def tracking_url(parcel: Parcel, base_url: str = "") -> str:
    return f"{base_url.rstrip('/')}/logistics/track/{parcel.code}"


def _label_page(pdf: FPDF, parcel: Parcel, *, width: float, height: float, base_url: str) -> None:
    pdf.add_page()
    inner = width - 2 * MARGIN
    y = MARGIN
    # Header: service and delivery, large, for sorting at a glance.
    pdf.set_font(FONT, size=8)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner / 2, 4, "LUMBUNG")
    pdf.set_xy(MARGIN + inner / 2, y)
    pdf.cell(inner / 2, 4, parcel.get_delivery_method_display(), align="R")
    y += 4.5
    pdf.set_font(FONT, size=16)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 7, parcel.get_service_level_display().upper())
    y += 8
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, y, width - MARGIN, y)
    y += 2
    # Barcode and code.
    bar_height = 16.0
    used = draw_code128(pdf, parcel.code, x=MARGIN, y=y, height=bar_height)
    qr_size = min(30.0, inner - used - 1)
    if qr_size >= 22:
        draw_qr(pdf, tracking_url(parcel, base_url), x=width - MARGIN - qr_size, y=y - 2, size=qr_size)
    y += bar_height + 1
    pdf.set_font(FONT, size=14)
    pdf.set_xy(MARGIN, y)
    pdf.cell(used, 6, parcel.code, align="C")
    y = max(y + 7, MARGIN + 14.5 + 2 + qr_size) if qr_size >= 22 else y + 7
    if qr_size < 22:  # narrow page: the QR goes under the code
        draw_qr(pdf, tracking_url(parcel, base_url), x=MARGIN, y=y, size=26)
        y += 27
    pdf.line(MARGIN, y, width - MARGIN, y)
    y += 1.5
    # Recipient, large: the part a courier reads at the door.
    pdf.set_font(FONT, size=7)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 3.5, _("TO"))
    y += 3.5
    pdf.set_font(FONT, size=13)
    pdf.set_xy(MARGIN, y)
    pdf.multi_cell(inner, 5.5, f"{parcel.recipient_name}  {parcel.recipient_phone}")
    y = pdf.get_y()
    pdf.set_font(FONT, size=10)
    lines = [parcel.recipient_address, _area_line(parcel.recipient_village)]
    if parcel.recipient_postcode:
        lines[-1] += f" {parcel.recipient_postcode}"
    if parcel.destination_centre_id:
        lines.append(_("Pickup at: %(centre)s") % {"centre": parcel.destination_centre.name})
    pdf.set_xy(MARGIN, y)
    pdf.multi_cell(inner, 4.6, "\n".join(line for line in lines if line))
    y = pdf.get_y() + 1.5
    pdf.line(MARGIN, y, width - MARGIN, y)
    y += 1.5
    # Sender.
    pdf.set_font(FONT, size=7)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 3.5, _("FROM"))
    y += 3.5
    pdf.set_font(FONT, size=9)
    pdf.set_xy(MARGIN, y)
    sender = [f"{parcel.sender_name}  {parcel.sender_phone}".strip()]
    sender.append(
        ", ".join(part for part in (parcel.sender_address, _area_line(parcel.sender_village)) if part)
    )
    sender.append(_("Dropped at: %(centre)s") % {"centre": parcel.origin_centre.name})
    pdf.multi_cell(inner, 4, "\n".join(sender))
    y = pdf.get_y() + 1.5
    pdf.line(MARGIN, y, width - MARGIN, y)
    y += 1.5
    # Weight, size, money to collect.
    pdf.set_font(FONT, size=9)
    facts = [_("Weight: %(weight)s") % {"weight": _kg(parcel.weight_g)}]
    if parcel.dimensions:
        facts.append("{} × {} × {} cm".format(*parcel.dimensions))
    if parcel.contents:
        facts.append(parcel.contents)
    pdf.set_xy(MARGIN, y)
    pdf.multi_cell(inner, 4, " · ".join(facts))
    y = pdf.get_y()
    if parcel.cod_amount:
        pdf.set_font(FONT, size=12)
        pdf.set_xy(MARGIN, y + 1)
        pdf.cell(
            inner, 6, _("COLLECT %(amount)s") % {"amount": format_money(Money(parcel.cod_amount, "IDR"))}
        )
        y += 7
    # Footer: batch and date.
    pdf.set_font(FONT, size=7)
    pdf.set_xy(MARGIN, height - MARGIN - 4)
    footer = [date_format(timezone.localtime(parcel.created_at), "SHORT_DATE_FORMAT")]
    if parcel.batch_id:
        footer.append(parcel.batch.code)
    pdf.cell(inner, 4, "  ".join(footer), align="R")


def labels_pdf(parcels: Iterable[Parcel], *, size: str = "a6", base_url: str = "") -> bytes:
    """One label per page, in order. ``size`` is ``a6`` or ``100x150`` (thermal printers)."""
    if size not in SIZES:
        raise LabelSizeUnknown(size)
    width, height = SIZES[size]
    pdf = _new_pdf((width, height), title=_("Parcel labels"))
    for parcel in parcels:
        _label_page(pdf, parcel, width=width, height=height, base_url=base_url)
    if pdf.page == 0:
        pdf.add_page()
    return bytes(pdf.output())


def label_pdf(parcel: Parcel, *, size: str = "a6", base_url: str = "") -> bytes:
    return labels_pdf([parcel], size=size, base_url=base_url)


def manifest_pdf(batch: Batch, *, printed_at: datetime | None = None) -> bytes:
    """The batch manifest (A4): who hands what to whom, one line per parcel, and two signatures."""
    pdf = _new_pdf("A4", title=_("Manifest %(code)s") % {"code": batch.code})
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    inner = pdf.w - 24
    pdf.set_font(FONT, size=16)
    pdf.cell(inner * 0.6, 8, _("Manifest %(code)s") % {"code": batch.code})
    draw_code128(pdf, batch.code, x=12 + inner - 48, y=12, height=10, module=0.4)
    pdf.ln(12)
    pdf.set_font(FONT, size=10)
    moment = printed_at or timezone.now()
    rows = [
        (_("Centre"), f"{batch.origin_centre.name} — {_area_line(batch.origin_centre.village)}"),
        (_("Carrier"), batch.carrier.name),
        (_("Destination hub"), batch.destination_area.path if batch.destination_area else _("Mixed")),
        (_("Status"), batch.get_status_display()),
        (_("Printed"), date_format(timezone.localtime(moment), "DATETIME_FORMAT")),
    ]
    if batch.handed_over_at:
        who = batch.handed_over_to.name if batch.handed_over_to else ""
        rows.append(
            (
                _("Handed over"),
                f"{date_format(timezone.localtime(batch.handed_over_at), 'DATETIME_FORMAT')} {who}",
            )
        )
    for label, value in rows:
        pdf.cell(40, 5.5, label)
        pdf.multi_cell(inner - 40, 5.5, value)
    pdf.ln(3)
    parcels = list(batch.parcels.all())
    widths = (8, 30, 52, 52, 18, 26)
    headers = ("#", _("Parcel"), _("Recipient"), _("Destination"), _("Weight"), _("Collect"))
    pdf.set_font(FONT, size=9)
    pdf.set_fill_color(230, 230, 230)
    for w, text in zip(widths, headers, strict=True):
        pdf.cell(w, 6, text, border=1, fill=True)
    pdf.ln()
    total_g = 0
    total_cod = Decimal(0)
    for number, parcel in enumerate(parcels, start=1):
        total_g += parcel.weight_g
        total_cod += parcel.cod_amount
        cod = format_money(Money(parcel.cod_amount, "IDR")) if parcel.cod_amount else "—"
        cells = (
            str(number),
            parcel.code,
            parcel.recipient_name[:28],
            (
                parcel.recipient_village.name
                + (f" ({parcel.destination_centre.name})" if parcel.destination_centre_id else "")
            )[:30],
            _kg(parcel.weight_g),
            cod,
        )
        for w, text in zip(widths, cells, strict=True):
            pdf.cell(w, 6, text, border=1)
        pdf.ln()
    pdf.ln(2)
    pdf.set_font(FONT, size=10)
    pdf.cell(
        inner,
        6,
        _("%(count)s parcels, %(weight)s in all; cash to collect %(cod)s")
        % {"count": len(parcels), "weight": _kg(total_g), "cod": format_money(Money(total_cod, "IDR"))},
    )
    pdf.ln(16)
    half = inner / 2
    pdf.cell(half, 6, _("Agent: ____________________"))
    pdf.cell(half, 6, _("Courier: ____________________"))
    return bytes(pdf.output())
