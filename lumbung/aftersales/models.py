"""After-sales cases: a return, complaint or dispute about one order (or some of its lines).

Rules these tables keep (``services`` is the one way to write them):
- A case's status changes only through ``case_set_status``, which follows ``states.TRANSITIONS``
  and writes a ``CaseEvent`` (who, for whom, when, what, message). Events are append-only.
- One order has at most one active case at a time (a partial unique index, not just a check), so
  a double submit or two tabs cannot open two.
- Money never moves here: a refund goes through ``orders.services.order_refund``; the case keeps
  what was decided and the parcels made for a return or a replacement.
- Photos are kept as one small WebP each, re-encoded from pixels (no EXIF), in the database: they
  are evidence, served only through a permission-checked view, and commit with the case.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_code, new_public_id
from lumbung.core.money import CURRENCY_CHOICES, DECIMAL_PLACES, MAX_DIGITS, Money

from .states import ACTIVE, CaseKind, CaseStatus, Remedy


def new_case_code() -> str:
    return "K" + new_code(7)


def _money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True, **kwargs
    )


class Case(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    code = models.CharField(_("case code"), max_length=12, unique=True, default=new_case_code, editable=False)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="aftersales_cases")
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    reason = models.TextField(_("what is wrong"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The agent who filed it for the villager (under an acting-for grant), if any.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The mediating centre: the order's pickup centre, else the first centre serving the buyer's village.
    centre = models.ForeignKey(
        "centers.ServiceCentre", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    # The seller's answer, waiting for the buyer.
    offer = models.CharField(_("seller's offer"), max_length=12, choices=Remedy.choices, blank=True)
    offer_amount = _money_field(_("refund offered"))
    offer_message = models.TextField(_("seller's message"), blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    # What ended it.
    outcome = models.CharField(_("outcome"), max_length=12, choices=Remedy.choices, blank=True)
    outcome_amount = _money_field(_("refunded"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_parcel = models.ForeignKey(
        "logistics.Parcel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replacement_parcel = models.ForeignKey(
        "logistics.Parcel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The deadline of the current step (seller's answer, buyer's reply, centre's decision); none after.
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    opened_at = models.DateTimeField(default=timezone.now)
    escalated_at = models.DateTimeField(null=True, blank=True)
    platform_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="aftersales_case_status_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status__in=sorted(ACTIVE)), name="aftersales_one_active_case"
            ),
            models.CheckConstraint(
                condition=Q(offer_amount__isnull=True) | Q(offer_amount__gt=0),
                name="aftersales_offer_positive",
            ),
            models.CheckConstraint(
                condition=Q(outcome_amount__isnull=True) | Q(outcome_amount__gt=0),
                name="aftersales_outcome_positive",
            ),
        ]
        verbose_name = _("after-sales case")
        verbose_name_plural = _("after-sales cases")

    def __str__(self) -> str:
        return self.code

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def offer_money(self) -> Money | None:
        return Money(self.offer_amount, self.currency) if self.offer_amount is not None else None

    @property
    def outcome_money(self) -> Money | None:
        return Money(self.outcome_amount, self.currency) if self.outcome_amount is not None else None

    @property
    def claimed_value(self) -> Decimal:
        """What the lines named in the case cost (the whole goods when none are named)."""
        lines = [c.line for c in self.lines.all()]
        if not lines:
            return self.order.subtotal
        return sum((line.line_total for line in lines), Decimal(0))


class CaseLine(models.Model):
    """An order line the case is about (all of its units)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "line"], name="aftersales_caseline_once")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.line_id}"


class CasePhoto(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    webp = models.BinaryField()
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    MAX_BYTES = 40 * 1024
    LONGEST_SIDE = 960

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.public_id


class CaseEvent(models.Model):
    """One step of a case: who (and for whom), when, what, and what they said. Append-only."""

    class Action(models.TextChoices):
        OPENED = "opened", _("opened the case")
        OFFERED = "offered", _("answered")
        ACCEPTED = "accepted", _("accepted the offer")
        REFUSED = "refused", _("refused the offer")
        ESCALATED = "escalated", _("passed to the service centre")
        TO_PLATFORM = "to_platform", _("passed to Lumbung staff")
        DECIDED = "decided", _("decided")
        REFUNDED = "refunded", _("refund sent")
        PARCEL = "parcel", _("parcel created")
        WITHDRAWN = "withdrawn", _("withdrew the case")
        COMMENTED = "commented", _("wrote")

    class Role(models.TextChoices):
        BUYER = "buyer", _("buyer")
        SELLER = "seller", _("seller")
        CENTRE = "centre", _("service centre")
        PLATFORM = "platform", _("Lumbung staff")
        SYSTEM = "system", _("Lumbung")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    action = models.CharField(max_length=16, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("case events are append-only")
