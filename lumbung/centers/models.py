"""Village service centres: the counter where villagers pick up parcels, pay cash and get help.

A centre *is* an organisation of kind ``service_centre`` (lumbung.accounts); this row adds what only
a centre has: the villages it serves, its address and opening hours, and the regency hub it reports
to. Its agents are memberships with ``Role.CENTRE_AGENT`` on the organisation, and its cash drawer
is the ledger account ``cash:centre:<organisation public_id>`` (see ``accounts.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_public_id
from lumbung.core.money import CURRENCY_CHOICES, DECIMAL_PLACES, MAX_DIGITS, Money

from .accounts import cash_account_code

# (field, label) in week order; the text is free ("08.00–16.00", "closed", "after Friday prayers").
WEEKDAYS = (
    ("hours_mon", _("Monday")),
    ("hours_tue", _("Tuesday")),
    ("hours_wed", _("Wednesday")),
    ("hours_thu", _("Thursday")),
    ("hours_fri", _("Friday")),
    ("hours_sat", _("Saturday")),
    ("hours_sun", _("Sunday")),
)


def _hours_field(label):
    return models.CharField(label, max_length=60, blank=True, help_text=_("Local time; blank means closed."))


class ServiceCentre(models.Model):
    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="service_centre",
        limit_choices_to={"kind": "service_centre"},
        verbose_name=_("organisation"),
    )
    villages = models.ManyToManyField(
        "regions.Area",
        blank=True,
        related_name="service_centres",
        limit_choices_to={"level": 4},
        verbose_name=_("villages served"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    hours_mon = _hours_field(_("Monday"))
    hours_tue = _hours_field(_("Tuesday"))
    hours_wed = _hours_field(_("Wednesday"))
    hours_thu = _hours_field(_("Thursday"))
    hours_fri = _hours_field(_("Friday"))
    hours_sat = _hours_field(_("Saturday"))
    hours_sun = _hours_field(_("Sunday"))
    is_active = models.BooleanField(_("active"), default=True)
    # A regency hub collects the village centres' parcels for the carrier; a hub has no hub itself.
    hub = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spokes",
        verbose_name=_("regency hub"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def public_id(self) -> str:
        """A centre is known by its organisation's public id (one thing, one id)."""
        return self.organisation.public_id

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def cash_account_code(self) -> str:
        return cash_account_code(self.organisation.public_id)

    @property
    def opening_hours(self) -> list[tuple[str, str]]:
        """(day, hours) in week order, in the centre's own time zone; blank hours mean closed."""
        return [(str(label), getattr(self, field)) for field, label in WEEKDAYS]

    @property
    def timezone(self) -> str:
        return self.organisation.village.timezone

    @property
    def currency(self) -> str:
        """The drawer's currency: rupiah for Indonesian centres, yuan for Chinese ones."""
        return "CNY" if self.organisation.village.country == "CN" else "IDR"


class CashDeposit(models.Model):
    """An agent took cash from the centre's drawer to the bank (ledger: Dr bank / Cr the drawer)."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    centre = models.ForeignKey(
        ServiceCentre, on_delete=models.PROTECT, related_name="cash_deposits", verbose_name=_("centre")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("agent")
    )
    amount = models.DecimalField(_("amount"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    # What the bank gave back: the slip or transfer number, so the deposit can be matched later.
    bank_reference = models.CharField(_("bank slip number"), max_length=64)
    journal_entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="+", editable=False
    )
    # One key per intended deposit (a form key or the API's Idempotency-Key), unique per centre.
    idempotency_key = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "idempotency_key"], name="centers_deposit_key"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="centers_deposit_positive"),
        ]
        verbose_name = _("cash deposit")
        verbose_name_plural = _("cash deposits")

    def __str__(self) -> str:
        return f"{self.centre} {self.money} ({self.bank_reference})"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


class DropOff(models.Model):
    """A seller brought the goods of a paid order to the counter: weighed, checked, accepted or not.

    An accepted drop-off made the order's parcel (logistics) and moved the order to handed over; a
    rejected one changed nothing but told the seller what to fix. One accepted drop-off per order.
    """

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="drop_offs")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    weight_grams = models.PositiveIntegerField(_("weighed (g)"))
    declared_weight_g = models.PositiveIntegerField(_("declared (g)"))
    # The scale was far from the declared weight and the agent confirmed it anyway.
    weight_flagged = models.BooleanField(default=False)
    items_counted = models.PositiveIntegerField(_("items counted"))
    count_ok = models.BooleanField(_("count matches the order"))
    condition_ok = models.BooleanField(_("goods in good condition"))
    standards_ok = models.BooleanField(_("standards mark present"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    parcel = models.ForeignKey(
        "logistics.Parcel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(outcome="accepted"), name="centers_dropoff_accepted_once"
            ),
            models.CheckConstraint(
                condition=Q(outcome="accepted", parcel__isnull=False)
                | Q(outcome="rejected", parcel__isnull=True),
                name="centers_dropoff_parcel_iff_accepted",
            ),
        ]
        verbose_name = _("drop-off")
        verbose_name_plural = _("drop-offs")

    def __str__(self) -> str:
        return f"{self.centre} {self.order_id} {self.outcome}"


class PickupCode(models.Model):
    """The 6-digit code that lets the recipient collect a parcel (or sign for it at the door).

    Only its salted HMAC is kept. Single use; it expires after ``LUMBUNG_PICKUP_DAYS``.
    """

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="pickup_codes")
    parcel = models.OneToOneField("logistics.Parcel", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pickup code")
        verbose_name_plural = _("pickup codes")

    def __str__(self) -> str:
        return f"pickup {self.parcel_id}"

    def is_open(self, at=None) -> bool:
        return self.used_at is None and self.expires_at > (at or timezone.now())


class DeliveryProof(models.Model):
    """How a centre's agent proved a door delivery: the recipient's code, a photo or a signed name."""

    class Kind(models.TextChoices):
        CODE = "code", _("pickup code")
        PHOTO = "photo", _("photo")
        SIGNATURE = "signature", _("signed name")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="+")
    parcel = models.OneToOneField("logistics.Parcel", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    signature_name = models.CharField(_("signed by"), max_length=120, blank=True)
    # A small WebP (at most 640 px, re-encoded here): enough to see the parcel at the door.
    photo_webp = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery proof")
        verbose_name_plural = _("delivery proofs")

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.kind}"


class AssistedAct(models.Model):
    """Something an agent did for a villager at the counter, under the villager's consent (ActingFor).

    The audit log holds the act as well (``accounts.assisted_act_record``); this row is the receipt
    the villager takes home (printable slip, SMS when they have a phone).
    """

    class Kind(models.TextChoices):
        ORDER = "order", _("order placed")
        CASH = "cash", _("cash paid")
        LISTING = "listing", _("product listed")
        ACCEPT = "accept", _("order accepted for the seller")
        COMPLAINT = "complaint", _("complaint filed")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="assisted_acts")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    villager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grant = models.ForeignKey("accounts.ActingFor", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, blank=True)
    idempotency_key = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "idempotency_key"], name="centers_assisted_act_key")
        ]
        verbose_name = _("assisted act")
        verbose_name_plural = _("assisted acts")

    def __str__(self) -> str:
        return f"{self.kind}: {self.summary}"

    @property
    def money(self) -> Money | None:
        return Money(self.amount, self.currency) if self.amount is not None and self.currency else None

    @property
    def case_public_id(self) -> str:
        """The after-sales case a complaint receipt is about ("" for other acts)."""
        return self.reference.removeprefix("case:") if self.reference.startswith("case:") else ""
