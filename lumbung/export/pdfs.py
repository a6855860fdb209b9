"""PDFs of the export desk (fpdf2): the contract, proforma and commercial invoices, the packing list.

Text is set in the Noto Sans SC subset that logistics commits for its labels, so Indonesian and
Chinese names print as written on any machine (the subset has no bold; headings are larger instead).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from fpdf import FPDF

from lumbung.logistics.labels import FONT_PATH


class Sheet:
    """A one-column document: a title, label/value rows and tables."""

    def __init__(self, title: str) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        self.pdf.add_font("body", "", str(FONT_PATH))
        self.pdf.add_font("body", "B", str(FONT_PATH))
        self.family = "body"
        self.pdf.set_title(str(title))
        self.pdf.set_font(self.family, "B", 15)
        self.pdf.cell(0, 10, str(title), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(self.family, "", 10)

    def row(self, label: str, value) -> None:
        self.pdf.set_font(self.family, "B", 10)
        self.pdf.cell(55, 6, str(label))
        self.pdf.set_font(self.family, "", 10)
        self.pdf.multi_cell(0, 6, str(value), new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(self.family, "B", 12)
        self.pdf.cell(0, 8, str(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(self.family, "", 10)

    def table(self, header: list[str], rows: list[list]) -> None:
        width = (self.pdf.w - self.pdf.l_margin - self.pdf.r_margin) / len(header)
        self.pdf.set_font(self.family, "B", 9)
        for cell in header:
            self.pdf.cell(width, 6, str(cell), border=1)
        self.pdf.ln()
        self.pdf.set_font(self.family, "", 9)
        for row in rows:
            for cell in row:
                self.pdf.cell(width, 6, str(cell), border=1)
            self.pdf.ln()

    def text(self, value: str) -> None:
        self.pdf.multi_cell(0, 6, str(value), new_x="LMARGIN", new_y="NEXT")

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


def pack_data(contract) -> dict:
    """The document pack as data: invoice lines, packing list per lot, certificate-of-origin fields."""
    from .models import ExportLot
    from .services.documents_rules import coo_kind

    org = contract.exporter.organisation
    lots = list(ExportLot.objects.filter(pool__contract=contract).prefetch_related("components__delivery"))
    net = sum((lot.net_kg for lot in lots), Decimal(0))
    invoiced_kg = net if lots else contract.quantity_kg
    amount = (invoiced_kg * contract.unit_price_per_kg).quantize(Decimal("0.01"))
    form, _reason = coo_kind(contract.destination_country)
    return {
        "seller": {
            "name": org.name,
            "address": org.village.path,
            "nib": contract.exporter.nib,
            "npwp": contract.exporter.npwp,
        },
        "buyer": {"company": contract.rfq.buyer_company, "name": contract.buyer.get_full_name()},
        "terms": f"{contract.incoterm} {contract.named_port} (Incoterms 2020)",
        "payment_terms": contract.payment_terms,
        "currency": contract.currency,
        "lines": [
            {
                "description": contract.goods,
                "hs_code": contract.hs_code.code,
                "quantity_kg": str(invoiced_kg),
                "unit_price_per_kg": str(contract.unit_price_per_kg),
                "amount": str(amount),
            }
        ],
        "total": str(amount),
        "packing": [
            {
                "lot": lot.code,
                "marks": lot.marks,
                "grade": lot.grade,
                "packages": lot.packages,
                "net_kg": str(lot.net_kg),
                "gross_kg": str(lot.gross_kg),
                "sub_lots": [c.delivery.public_id for c in lot.components.all()],
            }
            for lot in lots
        ],
        "certificate_of_origin": {
            "form": form,
            "exporter": f"{org.name}, {org.village.path}, Indonesia",
            "consignee": contract.rfq.buyer_company,
            "transport": f"{contract.named_port} → {contract.destination_port} ({contract.destination_country})",
            "hs_code": contract.hs_code.code,
            "description": contract.goods,
            "origin_criterion": "WO",  # wholly obtained: grown and processed in the village
            "gross_weight_kg": str(sum((lot.gross_kg for lot in lots), Decimal(0))),
            "invoice_number": f"CI-{contract.code}",
        },
    }


def invoice_pdf(contract, *, commercial: bool) -> bytes:
    data = pack_data(contract)
    title = _("Commercial invoice") if commercial else _("Proforma invoice")
    sheet = Sheet(f"{title} {'CI' if commercial else 'PI'}-{contract.code}")
    sheet.row(
        _("Seller"), f"{data['seller']['name']}, {data['seller']['address']} (NPWP {data['seller']['npwp']})"
    )
    sheet.row(_("Buyer"), data["buyer"]["company"])
    sheet.row(_("Terms"), data["terms"])
    sheet.row(_("Payment"), data["payment_terms"])
    sheet.table(
        [_("Goods"), "HS", _("Quantity (kg)"), _("Price / kg"), _("Amount")],
        [
            [
                line["description"][:30],
                line["hs_code"],
                line["quantity_kg"],
                line["unit_price_per_kg"],
                line["amount"],
            ]
            for line in data["lines"]
        ],
    )
    sheet.row(_("Total"), f"{data['currency']} {data['total']}")
    return sheet.output()


def packing_list_pdf(contract) -> bytes:
    data = pack_data(contract)
    sheet = Sheet(f"{_('Packing list')} PL-{contract.code}")
    sheet.row(_("Seller"), data["seller"]["name"])
    sheet.row(_("Buyer"), data["buyer"]["company"])
    sheet.table(
        [_("Lot"), _("Marks"), _("Packages"), _("Net (kg)"), _("Gross (kg)")],
        [[p["lot"], p["marks"][:24], p["packages"], p["net_kg"], p["gross_kg"]] for p in data["packing"]],
    )
    for p in data["packing"]:
        sheet.text(f"{p['lot']}: {', '.join(p['sub_lots'])}")
    return sheet.output()
