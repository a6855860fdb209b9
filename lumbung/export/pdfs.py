"""PDFs of the export desk (fpdf2): the contract, proforma and commercial invoices, the packing list.

Text is set in DejaVu Sans when the system has it (Debian's fonts-dejavu-core), so Indonesian and
Latin names print as written; otherwise in the PDF core font, with characters outside Latin-1 shown as
"?". Chinese names therefore print only with a CJK font installed; the data (JSON) always has them.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


class Sheet:
    """A one-column document: a title, label/value rows and tables."""

    def __init__(self, title: str) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        if DEJAVU.exists() and DEJAVU_BOLD.exists():
            self.pdf.add_font("body", "", str(DEJAVU))
            self.pdf.add_font("body", "B", str(DEJAVU_BOLD))
            self.family, self.unicode = "body", True
        else:
            self.family, self.unicode = "helvetica", False
        self.pdf.set_title(self.clean(title))
        self.pdf.set_font(self.family, "B", 15)
        self.pdf.cell(0, 10, self.clean(title), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(self.family, "", 10)

    def clean(self, text) -> str:
        text = str(text)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def row(self, label: str, value) -> None:
        self.pdf.set_font(self.family, "B", 10)
        self.pdf.cell(55, 6, self.clean(label))
        self.pdf.set_font(self.family, "", 10)
        self.pdf.multi_cell(0, 6, self.clean(value), new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(self.family, "B", 12)
        self.pdf.cell(0, 8, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(self.family, "", 10)

    def table(self, header: list[str], rows: list[list]) -> None:
        width = (self.pdf.w - self.pdf.l_margin - self.pdf.r_margin) / len(header)
        self.pdf.set_font(self.family, "B", 9)
        for cell in header:
            self.pdf.cell(width, 6, self.clean(cell), border=1)
        self.pdf.ln()
        self.pdf.set_font(self.family, "", 9)
        for row in rows:
            for cell in row:
                self.pdf.cell(width, 6, self.clean(cell), border=1)
            self.pdf.ln()

    def text(self, value: str) -> None:
        self.pdf.multi_cell(0, 6, self.clean(value), new_x="LMARGIN", new_y="NEXT")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _kg(value: Decimal) -> str:
    return f"{value:,.3f} kg"


def contract_pdf(contract) -> bytes:
    """The contract in the active language (wrap in ``translation.override`` for the reader's)."""
    from .models import DocumentKind

    kinds = dict(DocumentKind.choices)
    sheet = Sheet(_("Export contract %(code)s") % {"code": contract.code})
    exporter = contract.exporter.organisation
    sheet.row(_("Seller"), f"{exporter.name}, {exporter.village.path} (NIB {contract.exporter.nib})")
    sheet.row(_("Buyer"), f"{contract.rfq.buyer_company} ({contract.buyer.get_full_name()})")
    sheet.row(_("Goods"), f"{contract.goods} — HS {contract.hs_code.code}")
    sheet.row(_("Quantity"), f"{_kg(contract.quantity_kg)} ± {contract.tolerance_percent}%")
    sheet.row(_("Price"), f"{contract.currency} {contract.unit_price_per_kg} / kg")
    sheet.row(_("Total"), f"{contract.currency} {contract.total:,}")
    sheet.row(_("Incoterm"), f"{contract.incoterm} {contract.named_port} (Incoterms 2020)")
    sheet.row(_("Destination"), f"{contract.destination_port}, {contract.destination_country}")
    sheet.row(_("Delivery window"), f"{contract.delivery_from:%Y-%m-%d} – {contract.delivery_to:%Y-%m-%d}")
    sheet.row(_("Payment"), f"{contract.payment_terms} ({contract.currency} {contract.deposit:,})")
    sheet.row(_("Inspection"), contract.inspection_terms)
    sheet.row(_("Grades allowed"), ", ".join(contract.allowed_grades))
    sheet.row(_("Packaging"), contract.packaging)
    sheet.heading(_("Documents"))
    for requirement in contract.requirements.all():
        sheet.text(f"- {kinds.get(requirement.kind, requirement.kind)}")
    return sheet.output()
