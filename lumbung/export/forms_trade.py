"""Forms for RFQ, quote, contract and pool pages; the services validate again and have the last word."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import Membership, Role, User
from lumbung.core.money import CURRENCY_CHOICES

from .models import DocumentKind, HsCode, Incoterm, Unit
from .models.pooling import GRADE_CHOICES


class RfqForm(forms.Form):
    buyer_company = forms.CharField(label=_("importing company"), max_length=160)
    product = forms.CharField(label=_("product"), max_length=160)
    hs_code = forms.ModelChoiceField(
        queryset=HsCode.objects.filter(is_active=True), label=_("HS code"), to_field_name="code"
    )
    spec = forms.CharField(label=_("specification"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    quantity = forms.DecimalField(label=_("quantity"), decimal_places=3)
    unit = forms.ChoiceField(label=_("unit"), choices=Unit.choices)
    destination_country = forms.CharField(label=_("destination country (2 letters)"), max_length=2)
    destination_port = forms.CharField(label=_("destination port"), max_length=80)
    incoterm = forms.ChoiceField(label=_("Incoterm"), choices=Incoterm.choices)
    target_date = forms.DateField(label=_("wanted by"))
    currency = forms.ChoiceField(label=_("currency"), choices=CURRENCY_CHOICES)
    deadline = forms.DateTimeField(label=_("quotes until"))
    max_quotes = forms.IntegerField(
        label=_("close after this many quotes"), min_value=1, max_value=20, initial=5
    )


TIER_ROWS = 4


class QuoteForm(forms.Form):
    """A quote with up to ``TIER_ROWS`` price tiers (from this quantity, this price per unit).

    The first tier starts at the minimum order (left blank, it does), later tiers at larger quantities.
    """

    moq = forms.DecimalField(label=_("minimum order"), decimal_places=3)
    incoterm = forms.ChoiceField(label=_("Incoterm"), choices=Incoterm.choices)
    named_port = forms.CharField(label=_("named port or place"), max_length=80)
    lead_time_days = forms.IntegerField(label=_("lead time (days)"), min_value=1, max_value=365)
    valid_until = forms.DateField(label=_("valid until"))
    deposit_percent = forms.IntegerField(label=_("deposit (%)"), min_value=0, max_value=100, initial=30)
    payment_terms = forms.CharField(
        label=_("payment terms"), max_length=255, initial="30% deposit, 70% against documents"
    )
    packaging = forms.CharField(label=_("packaging"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, TIER_ROWS + 1):
            self.fields[f"min_quantity_{i}"] = forms.DecimalField(
                label=_("tier %(n)s: from quantity") % {"n": i},
                decimal_places=3,
                min_value=0,
                required=False,
                help_text=_("leave blank to start at the minimum order") if i == 1 else "",
            )
            self.fields[f"unit_price_{i}"] = forms.DecimalField(
                label=_("tier %(n)s: price per unit") % {"n": i}, decimal_places=2, required=i == 1
            )

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith(("min_quantity_", "unit_price_"))]

    def tier_rows(self):
        """Bound fields by row, for a table in the template."""
        return [(self[f"min_quantity_{i}"], self[f"unit_price_{i}"]) for i in range(1, TIER_ROWS + 1)]

    def clean(self):
        data = super().clean()
        moq = data.get("moq")
        tiers, previous = [], None
        for i in range(1, TIER_ROWS + 1):
            quantity, price = data.get(f"min_quantity_{i}"), data.get(f"unit_price_{i}")
            if f"min_quantity_{i}" in self.errors or f"unit_price_{i}" in self.errors:
                return data
            if quantity is None and price is None:
                continue
            if quantity is None and i == 1:
                quantity = moq
            if quantity is None or price is None:
                self.add_error(
                    f"unit_price_{i}" if price is None else f"min_quantity_{i}",
                    _("Give both the quantity and the price of this tier."),
                )
                return data
            if price <= 0:
                self.add_error(f"unit_price_{i}", _("A price must be more than zero."))
                return data
            if previous is None and moq is not None and quantity != moq:
                self.add_error(
                    f"min_quantity_{i}",
                    _("The first tier starts at the minimum order (%(moq)s).") % {"moq": moq},
                )
                return data
            if previous is not None and quantity <= previous:
                self.add_error(
                    f"min_quantity_{i}", _("Each tier starts at a larger quantity than the one before.")
                )
                return data
            tiers.append({"min_quantity": quantity, "unit_price": price})
            previous = quantity
        data["tiers"] = tiers
        return data


class InviteForm(forms.Form):
    """A facilitator invites more verified exporters to an RFQ (suggested ones first)."""

    exporters = forms.MultipleChoiceField(
        label=_("exporters to invite"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exporters"].choices = [(e.public_id, label) for e, label in candidates]


class CounterForm(forms.Form):
    unit_price = forms.DecimalField(label=_("your price per unit"), decimal_places=2)
    message = forms.CharField(label=_("message"), max_length=500, required=False)


class AcceptForm(forms.Form):
    tolerance_percent = forms.DecimalField(label=_("quantity tolerance (± %)"), initial=5, decimal_places=1)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("document"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("document number"), max_length=64)
    npe = forms.CharField(label=_("NPE number (for the PEB)"), max_length=64, required=False)
    file = forms.FileField(label=_("file (PDF or photo)"), required=False)


class ShipForm(forms.Form):
    transport_document = forms.CharField(label=_("B/L or AWB number"), max_length=40)


class PledgeForm(forms.Form):
    quantity_kg = forms.DecimalField(label=_("I can supply (kg)"), decimal_places=3)
    cap = forms.BooleanField(
        label=_("if that is more than needed, take what is still needed"), required=False
    )


class DeliveryForm(forms.Form):
    producer = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("producer"), to_field_name="public_id"
    )
    weight_kg = forms.DecimalField(label=_("weight (kg)"), decimal_places=3)
    grade = forms.ChoiceField(label=_("grade"), choices=GRADE_CHOICES)
    harvested_on = forms.DateField(label=_("harvest date"))
    packed_on = forms.DateField(label=_("pack date"), required=False)

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(
            organisation=pool.exporter.organisation, role=Role.MEMBER, is_active=True
        ).values("user")
        self.fields["producer"].queryset = User.objects.filter(pk__in=members).order_by("name")


class InspectionForm(forms.Form):
    passed = forms.BooleanField(label=_("the lot passes"), required=False)
    samples = forms.IntegerField(label=_("samples drawn"), min_value=1, max_value=100)
    checklist = forms.CharField(
        label=_("checks, one per line (start a line with ! if it failed)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    moisture_pct = forms.DecimalField(label=_("moisture (%)"), decimal_places=2, required=False)
    photo = forms.FileField(label=_("photo"), required=False)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
