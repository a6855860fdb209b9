"""Payments: intents (what a payer owes and how they pay), their events, gateway notifications,
refunds, payouts and exchange rates.

Rules kept here and in ``services``:
- An intent moves only through ``intent_set_status`` along ``TRANSITIONS``; each move writes a
  ``PaymentEvent`` (who, when, from, to, why).
- Money is Decimal with a currency (``lumbung.core.money``); the ledger is the book of record, these
  rows say what happened and point at its entries.
- A gateway notification is stored once per provider event id (UNIQUE), so a duplicate is a no-op.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_public_id
from lumbung.core.money import CURRENCY_CHOICES, DECIMAL_PLACES, MAX_DIGITS, Money


class Method(models.TextChoices):
    GATEWAY_VA_BCA = "gateway_va_bca", _("BCA virtual account")
    GATEWAY_VA_BNI = "gateway_va_bni", _("BNI virtual account")
    GATEWAY_VA_BRI = "gateway_va_bri", _("BRI virtual account")
    GATEWAY_VA_PERMATA = "gateway_va_permata", _("Permata virtual account")
    GATEWAY_ECHANNEL = "gateway_echannel", _("Mandiri bill payment")
    GATEWAY_QRIS = "gateway_qris", _("QRIS (checked automatically)")
    GATEWAY_GOPAY = "gateway_ewallet_gopay", _("GoPay")
    GATEWAY_SHOPEEPAY = "gateway_ewallet_shopeepay", _("ShopeePay")
    QRIS = "qris", _("QRIS (platform code)")
    CASH = "cash", _("Cash at a service centre")


GATEWAY_METHODS = frozenset(m for m in Method.values if m.startswith("gateway_"))
VA_METHODS = frozenset(
    {
        Method.GATEWAY_VA_BCA,
        Method.GATEWAY_VA_BNI,
        Method.GATEWAY_VA_BRI,
        Method.GATEWAY_VA_PERMATA,
        Method.GATEWAY_ECHANNEL,
    }
)
# Midtrans refunds these through its API; a bank transfer (VA) it does not.
GATEWAY_REFUNDABLE = frozenset({Method.GATEWAY_QRIS, Method.GATEWAY_GOPAY, Method.GATEWAY_SHOPEEPAY})


class Status(models.TextChoices):
    PENDING = "pending", _("waiting for payment")
    PAID = "paid", _("paid")
    EXPIRED = "expired", _("expired")
    CANCELLED = "cancelled", _("cancelled")
    FAILED = "failed", _("failed")


# The only moves an intent may make. A late gateway settlement after we expired or cancelled is
# still real money, so it may still mark the intent paid (see docs/payments.md).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.PAID, Status.EXPIRED, Status.CANCELLED, Status.FAILED}),
    Status.EXPIRED: frozenset({Status.PAID}),
    Status.CANCELLED: frozenset({Status.PAID}),
    Status.PAID: frozenset(),
    Status.FAILED: frozenset(),
}
OPEN_STATUSES = (Status.PENDING,)


def money_field(label):
    return models.DecimalField(label, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)


class PaymentIntent(models.Model):
    """What one payer owes for one or more references (orders), and how they are paying it."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_intents"
    )
    method = models.CharField(_("method"), max_length=32, choices=Method.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    refunded_amount = models.DecimalField(
        _("refunded"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=0
    )
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)
    # Gateway: our order_id there is the public id; these hold what the gateway told us.
    provider = models.CharField(max_length=20, blank=True)
    provider_transaction_id = models.CharField(max_length=64, blank=True)
    provider_status = models.CharField(max_length=20, blank=True)
    charged_at = models.DateTimeField(null=True, blank=True)
    charge_error = models.CharField(max_length=255, blank=True)
    va_bank = models.CharField(max_length=20, blank=True)
    va_number = models.CharField(max_length=40, blank=True)
    biller_code = models.CharField(max_length=20, blank=True)
    qris_payload = models.TextField(blank=True)
    deeplink_url = models.URLField(max_length=500, blank=True)
    # Cash: the centre whose drawer took it.
    centre = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_source = models.CharField(max_length=40, blank=True)
    paid_entry = models.CharField(max_length=16, blank=True)  # ledger JournalEntry.public_id
    expires_at = models.DateTimeField(_("pay before"))
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="payments_intent_payer_key",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_intent_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                name="payments_intent_refund_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["status", "method", "created_at"], name="payments_intent_open")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.public_id} {self.method} {self.status}"

    @property
    def total(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def refunded(self) -> Money:
        return Money(self.refunded_amount, self.currency)

    @property
    def is_gateway(self) -> bool:
        return self.method in GATEWAY_METHODS

    @property
    def gateway_order_id(self) -> str:
        return self.public_id


class PaymentAllocation(models.Model):
    """How much of an intent goes to which reference, and which escrow account holds it."""

    intent = models.ForeignKey(PaymentIntent, on_delete=models.CASCADE, related_name="allocations")
    reference = models.CharField(max_length=128, db_index=True)  # e.g. "order:<public_id>"
    escrow_account_code = models.CharField(max_length=120)
    amount = money_field(_("amount"))
    refunded_amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=0)
    # True while the intent is pending or paid: the database allows one live payment per reference.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["intent", "reference"], name="payments_allocation_reference"),
            models.UniqueConstraint(
                fields=["reference"], condition=Q(active=True), name="payments_one_live_payment_per_reference"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class PaymentEvent(models.Model):
    """One status change of an intent: who or what moved it, when, from what to what, and why."""

    intent = models.ForeignKey(PaymentIntent, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=40)  # api, page, webhook, status_check, job, cash, qris_settlement
    reason = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.intent_id}: {self.from_status} → {self.to_status}"


class WebhookEvent(models.Model):
    """A verified provider notification, kept once per provider event id."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=128)  # Midtrans: "<transaction_id>:<transaction_status>"
    order_id = models.CharField(max_length=64, db_index=True)
    transaction_status = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=20, blank=True)  # applied, no_change, stale, mismatch
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_webhook_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"


class FxRate(models.Model):
    """An exchange rate entered by platform staff: ``rate`` units of ``quote`` for one ``base``."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    base = models.CharField(_("from currency"), max_length=3, choices=CURRENCY_CHOICES)
    quote = models.CharField(_("to currency"), max_length=3, choices=CURRENCY_CHOICES)
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    source = models.CharField(_("source"), max_length=120, help_text=_("e.g. Bank Indonesia JISDOR"))
    valid_from = models.DateTimeField(_("valid from"), db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="payments_fx_rate_positive"),
            models.CheckConstraint(condition=~Q(base=models.F("quote")), name="payments_fx_two_currencies"),
        ]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.source})"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("refund pending at the gateway")
    MANUAL = "manual", _("to be transferred by finance")
    SUCCEEDED = "succeeded", _("refunded")


class Refund(models.Model):
    """Money given back for one reference of a paid intent. Booked when issued; see docs/payments.md."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="refunds")
    reference = models.CharField(max_length=128, db_index=True)
    amount = money_field(_("amount"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    reason = models.CharField(_("reason"), max_length=255)
    status = models.CharField(max_length=12, choices=RefundStatus.choices)
    credit_account_code = models.CharField(max_length=120)
    entry = models.CharField(max_length=16, blank=True)  # ledger entry that booked it
    settle_entry = models.CharField(max_length=16, blank=True)  # manual: the bank transfer's entry
    idempotency_key = models.CharField(max_length=128, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_ref = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.amount} {self.currency} {self.status}"


class PayoutStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    BATCHED = "batched", _("sent to the bank")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed, money returned")


class PayoutBatch(models.Model):
    """A bulk-transfer file for the bank, and the bank's answer to it."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="IDR")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id


class Payout(models.Model):
    """Money a seller or a centre takes out of its payable/commission account to its bank account."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    owner_org = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    account_code = models.CharField(max_length=120)
    amount = money_field(_("amount"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    bank_code = models.CharField(_("bank code"), max_length=12)
    account_number = models.CharField(_("account number"), max_length=34)
    account_name = models.CharField(_("account holder"), max_length=100)
    status = models.CharField(max_length=12, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED)
    batch = models.ForeignKey(
        PayoutBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="payouts"
    )
    entry = models.CharField(max_length=16, blank=True)
    result_entry = models.CharField(max_length=16, blank=True)
    bank_reference = models.CharField(max_length=64, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payout_positive")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.amount} {self.currency} {self.status}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)
