"""A buyer's request for quotation, the exporters' quotes (with price tiers and one counter), the contract."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_code, new_public_id
from lumbung.core.money import CURRENCY_CHOICES, DECIMAL_PLACES, MAX_DIGITS, Money

from .profiles import WEIGHT, Exporter, HsCode

PRICE = {"max_digits": MAX_DIGITS, "decimal_places": DECIMAL_PLACES}


class Incoterm(models.TextChoices):
    EXW = "EXW", _("EXW — ex works (buyer collects at the BUMDes)")
    FOB = "FOB", _("FOB — free on board at the port of loading")
    CFR = "CFR", _("CFR — cost and freight to the port of destination")
    CIF = "CIF", _("CIF — cost, insurance and freight to the port of destination")
    CPT = "CPT", _("CPT — carriage paid to the named place")
    DAP = "DAP", _("DAP — delivered at the named place, duties unpaid")
    DDP = "DDP", _("DDP — delivered, duties paid")


class Unit(models.TextChoices):
    KG = "kg", _("kilogram")
    TONNE = "t", _("tonne")


class RfqStatus(models.TextChoices):
    OPEN = "open", _("open for quotes")
    CLOSED = "closed", _("closed, comparing quotes")
    AWARDED = "awarded", _("awarded")
    CANCELLED = "cancelled", _("cancelled")


class Rfq(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_rfqs")
    buyer_company = models.CharField(_("importing company"), max_length=160)
    buyer_language = models.CharField(max_length=8, default="en")
    product = models.CharField(_("product"), max_length=160)
    hs_code = models.ForeignKey(HsCode, on_delete=models.PROTECT, related_name="+")
    spec = models.TextField(_("specification"), blank=True)
    quantity = models.DecimalField(_("quantity"), **WEIGHT)
    unit = models.CharField(_("unit"), max_length=2, choices=Unit.choices, default=Unit.KG)
    destination_country = models.CharField(_("destination country"), max_length=2)
    destination_port = models.CharField(_("destination port"), max_length=80)
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices)
    target_date = models.DateField(_("wanted by"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    deadline = models.DateTimeField(_("quotes until"))
    max_quotes = models.PositiveSmallIntegerField(_("close after this many quotes"), default=5)
    status = models.CharField(max_length=10, choices=RfqStatus.choices, default=RfqStatus.OPEN, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request for quotation")
        verbose_name_plural = _("requests for quotation")

    def __str__(self) -> str:
        return f"RFQ {self.product} {self.quantity} {self.unit}"

    @property
    def quantity_kg(self):
        return self.quantity * 1000 if self.unit == Unit.TONNE else self.quantity


class RfqInvite(models.Model):
    """An exporter asked to quote: suggested by matching, or invited by a facilitator."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="invites")
    exporter = models.ForeignKey(Exporter, on_delete=models.CASCADE, related_name="invites")
    by_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rfq", "exporter"], name="export_invite_once")]

    def __str__(self) -> str:
        return f"{self.rfq_id}:{self.exporter_id}"


class QuoteStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("not chosen")


class Quote(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="quotes")
    exporter = models.ForeignKey(Exporter, on_delete=models.PROTECT, related_name="quotes")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    moq = models.DecimalField(_("minimum order (in the RFQ's unit)"), **WEIGHT)
    incoterm = models.CharField(max_length=3, choices=Incoterm.choices)
    named_port = models.CharField(_("named port or place"), max_length=80)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"))
    valid_until = models.DateField(_("valid until"))
    deposit_percent = models.PositiveSmallIntegerField(_("deposit (%)"), default=30)
    payment_terms = models.CharField(_("payment terms"), max_length=255)
    packaging = models.CharField(_("packaging"), max_length=255)
    status = models.CharField(
        max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "exporter"], name="export_one_quote_per_exporter"),
            models.CheckConstraint(condition=models.Q(deposit_percent__lte=100), name="export_deposit_pct"),
        ]

    def __str__(self) -> str:
        return f"Quote {self.public_id} by {self.exporter}"


class QuoteTier(models.Model):
    """From ``min_quantity`` (in the RFQ's unit) up, this price per unit."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="tiers")
    min_quantity = models.DecimalField(**WEIGHT)
    unit_price = models.DecimalField(**PRICE)

    class Meta:
        ordering = ["min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "min_quantity"], name="export_tier_unique"),
            models.CheckConstraint(condition=models.Q(unit_price__gt=0), name="export_tier_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.min_quantity}+ at {self.unit_price}"


class CounterStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the exporter")
    ACCEPTED = "accepted", _("accepted by the exporter")
    REJECTED = "rejected", _("rejected by the exporter")


class Counter(models.Model):
    """The buyer's one counter-offer on a quote (OneToOne: a second one is refused by the database)."""

    quote = models.OneToOneField(Quote, on_delete=models.CASCADE, related_name="counter")
    unit_price = models.DecimalField(**PRICE)
    message = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=CounterStatus.choices, default=CounterStatus.PENDING)
    at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Counter {self.unit_price}"


class ContractStatus(models.TextChoices):
    AWAITING_DEPOSIT = "awaiting_deposit", _("waiting for the deposit")
    IN_PREPARATION = "in_preparation", _("pooling, inspection and documents")
    SHIPPED = "shipped", _("shipped")
    ARRIVED = "arrived", _("arrived")
    COMPLETED = "completed", _("completed, balance released")
    CANCELLED = "cancelled", _("cancelled")


CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.AWAITING_DEPOSIT: frozenset({ContractStatus.IN_PREPARATION, ContractStatus.CANCELLED}),
    ContractStatus.IN_PREPARATION: frozenset({ContractStatus.SHIPPED, ContractStatus.CANCELLED}),
    ContractStatus.SHIPPED: frozenset({ContractStatus.ARRIVED}),
    ContractStatus.ARRIVED: frozenset({ContractStatus.COMPLETED}),
    ContractStatus.COMPLETED: frozenset(),
    ContractStatus.CANCELLED: frozenset(),
}


class Contract(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code)
    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="contracts")
    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="contract")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exporter = models.ForeignKey(Exporter, on_delete=models.PROTECT, related_name="contracts")
    goods = models.CharField(_("goods"), max_length=255)
    hs_code = models.ForeignKey(HsCode, on_delete=models.PROTECT, related_name="+")
    quantity_kg = models.DecimalField(_("quantity (kg)"), **WEIGHT)
    tolerance_percent = models.DecimalField(_("quantity tolerance (± %)"), max_digits=4, decimal_places=1)
    unit_price_per_kg = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=4)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    total = models.DecimalField(**PRICE)
    deposit = models.DecimalField(**PRICE)
    incoterm = models.CharField(max_length=3, choices=Incoterm.choices)
    named_port = models.CharField(max_length=80)
    destination_country = models.CharField(max_length=2)
    destination_port = models.CharField(max_length=80)
    delivery_from = models.DateField()
    delivery_to = models.DateField()
    payment_terms = models.CharField(max_length=255)
    inspection_terms = models.CharField(max_length=255)
    packaging = models.CharField(max_length=255)
    allowed_grades = models.JSONField(default=list)
    buyer_language = models.CharField(max_length=8, default="en")
    status = models.CharField(
        max_length=20, choices=ContractStatus.choices, default=ContractStatus.AWAITING_DEPOSIT, db_index=True
    )
    transport_document = models.CharField(_("B/L or AWB number"), max_length=40, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export contract")
        verbose_name_plural = _("export contracts")

    def __str__(self) -> str:
        return f"Contract {self.code}"

    @property
    def total_money(self) -> Money:
        return Money(self.total, self.currency)

    @property
    def deposit_money(self) -> Money:
        return Money(self.deposit, self.currency)

    @property
    def balance_money(self) -> Money:
        return Money(self.total - self.deposit, self.currency)


class ContractEvent(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"
