"""The double-entry ledger: accounts, journal entries and their postings.

Rules this module keeps (see docs/ledger.md):
- Sign convention: a posting's ``amount`` is signed, **debit positive, credit negative**. Each entry's
  postings sum to zero per currency.
- An account's cached ``balance`` is kept on the account's *normal side*: debit-normal accounts (asset,
  expense) hold ``sum(amount)``, credit-normal ones (liability, revenue, equity) hold ``-sum(amount)``.
  So an escrow or a payable (liabilities) and cash in hand (an asset) are all "never below zero", and
  a database check refuses a negative balance unless the account ``allow_negative``.
- The balance changes only through ``services.entry_post`` (one conditional ``UPDATE ... SET balance =
  balance + d``), never by read-modify-write.
- Entries and postings are append-only: ``save()`` of a stored row, ``delete()`` and queryset
  ``update()``/``delete()`` raise here, and database triggers (migration 0002) refuse raw SQL too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import Conflict
from lumbung.core.ids import new_public_id
from lumbung.core.money import CURRENCY_CHOICES, DECIMAL_PLACES, MAX_DIGITS, Money


class AppendOnlyViolation(Conflict):
    code = "ledger_append_only"
    default_message = _("Ledger records cannot be changed or deleted; post a reversing entry instead.")


class AccountType(models.TextChoices):
    ASSET = "asset", _("asset")
    LIABILITY = "liability", _("liability")
    REVENUE = "revenue", _("revenue")
    EXPENSE = "expense", _("expense")
    EQUITY = "equity", _("equity")


# Debit-normal types grow with debits (positive postings); the others grow with credits.
DEBIT_NORMAL = frozenset({AccountType.ASSET, AccountType.EXPENSE})


def normal_sign(account_type: str) -> int:
    """+1 if a debit raises this type's balance, -1 if a credit does."""
    return 1 if account_type in DEBIT_NORMAL else -1


class LedgerAccount(models.Model):
    """One account in one currency. ``code`` is its stable name in the chart of accounts."""

    code = models.CharField(_("code"), max_length=120, unique=True)
    type = models.CharField(_("type"), max_length=12, choices=AccountType.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    # Who the account belongs to, as "org:<public_id>" or "user:<public_id>"; blank for the platform's own.
    owner = models.CharField(_("owner"), max_length=40, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=160, blank=True)
    allow_negative = models.BooleanField(_("may go below zero"), default=False)
    # A cache of the postings, on the account's normal side; ``ledger verify`` proves it.
    balance = models.DecimalField(
        _("balance"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=0
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0) | Q(allow_negative=True), name="ledger_account_balance_allowed"
            ),
        ]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")

    def __str__(self) -> str:
        return self.name or self.code

    @property
    def sign(self) -> int:
        return normal_sign(self.type)

    @property
    def balance_money(self) -> Money:
        return Money(self.balance, self.currency)


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk writes that would rewrite history are refused before they reach the database."""

    def update(self, **kwargs):
        raise AppendOnlyViolation()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyViolation()

    def delete(self):
        raise AppendOnlyViolation()

    def _raw_delete(self, using):  # the deletion collector's fast path
        raise AppendOnlyViolation()

    delete.queryset_only = True  # type: ignore[attr-defined]
    _raw_delete.alters_data = True  # type: ignore[attr-defined]


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyViolation()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyViolation()


class JournalEntry(AppendOnlyModel):
    """One business event, told as postings that balance. Corrections are new, reversing entries."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    # Free text from the caller, e.g. "order:7k2m...": the ledger never looks inside it.
    reference = models.CharField(_("reference"), max_length=128, blank=True, db_index=True)
    memo = models.CharField(_("memo"), max_length=255, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # One-to-one: an entry is reversed at most once, and the database says so too.
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    idempotency_key = models.CharField(max_length=128, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} ({self.public_id})"


class Posting(AppendOnlyModel):
    """One line of an entry: a signed amount on one account (debit positive, credit negative)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(_("amount"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_posting_not_zero")]
        indexes = [models.Index(fields=["account", "entry"], name="ledger_posting_account_entry")]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount} {self.currency}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)
