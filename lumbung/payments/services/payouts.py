"""Payouts: a seller or centre takes money from its payable/commission account to its bank account.

Ledger, per payout (see docs/payments.md):
- requested:  Dr payable:seller:<org> (or commission:agent:<org)  / Cr clearing:payout:bank
- bank paid:  Dr clearing:payout:bank / Cr bank:platform:main
- bank failed: Dr clearing:payout:bank / Cr the payable again (the money is back, visibly)

Batches: staff put every requested payout of a currency into one bulk-transfer CSV the bank takes,
then upload the bank's result CSV; re-uploading the same result changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import Role
from lumbung.accounts.selectors import roles_in
from lumbung.core.errors import Forbidden, NotFound, ValidationFailed
from lumbung.core.money import Money
from lumbung.ledger.models import LedgerAccount
from lumbung.ledger.services import Line, account_get_or_create, entry_post

from .. import accounts
from ..models import Payout, PayoutBatch, PayoutStatus

BATCH_COLUMNS = ["reference", "bank_code", "account_number", "account_name", "amount", "currency", "remark"]
RESULT_COLUMNS = ["reference", "status", "bank_reference", "reason"]
PAYOUT_ROLES = {Role.OWNER, Role.BUMDES_MANAGER}
_BANK_CODE = re.compile(r"^[0-9]{3,4}$")
_ACCOUNT_NUMBER = re.compile(r"^[0-9]{5,20}$")


@dataclass(frozen=True)
class Destination:
    bank_code: str  # the bank's 3-digit clearing code, e.g. 014 BCA, 009 BNI, 002 BRI
    account_number: str
    account_name: str


@dataclass(frozen=True)
class ResultRow:
    reference: str
    status: str  # success | failed
    bank_reference: str = ""
    reason: str = ""


def may_request_payout(user: Any, owner_org: Any) -> bool:
    return bool(roles_in(user, owner_org) & PAYOUT_ROLES)


def _check_destination(destination: Destination) -> Destination:
    name = " ".join(destination.account_name.split())
    errors = {}
    if not _BANK_CODE.match(destination.bank_code or ""):
        errors["bank_code"] = str(_("A bank code is 3 or 4 digits."))
    if not _ACCOUNT_NUMBER.match(destination.account_number or ""):
        errors["account_number"] = str(_("An account number is 5 to 20 digits."))
    if not name or len(name) > 70 or any(c in name for c in ',;"\n'):
        errors["account_name"] = str(_("Give the account holder's name (up to 70 letters, no commas)."))
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return Destination(destination.bank_code, destination.account_number, name)


def payout_request(
    *, owner_org: Any, account_code: str, amount: Money, destination: Destination, actor: Any = None
) -> Payout:
    """Take ``amount`` out of the organisation's payable/commission account for a bank transfer."""
    if accounts.payout_owner_suffix(account_code) != owner_org.public_id:
        raise Forbidden(_("That account does not belong to this organisation."))
    if not isinstance(amount, Money) or amount.amount <= 0:
        raise ValidationFailed(_("A payout must be more than zero."))
    destination = _check_destination(destination)
    account = LedgerAccount.objects.filter(code=account_code).first()
    if account is None:
        raise NotFound(_("There is no money in that account yet."))
    if account.currency != amount.currency:
        raise ValidationFailed(
            _("Account %(account)s keeps %(currency)s.")
            % {"account": account_code, "currency": account.currency},
            code="currency_mismatch",
        )
    with transaction.atomic():
        account_get_or_create(code=accounts.PAYOUT_CLEARING, currency=amount.currency)
        payout = Payout.objects.create(
            owner_org=owner_org,
            account_code=account_code,
            amount=amount.amount,
            currency=amount.currency,
            bank_code=destination.bank_code,
            account_number=destination.account_number,
            account_name=destination.account_name,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )
        # Debiting a liability lowers it; the ledger refuses more than the balance.
        entry = entry_post(
            kind="payments.payout_requested",
            reference=f"payout:{payout.public_id}",
            lines=[Line(account_code, amount), Line(accounts.PAYOUT_CLEARING, -amount)],
            idempotency_key=f"payments:payout:{payout.public_id}",
            created_by=actor,
        )
        payout.entry = entry.public_id
        payout.save(update_fields=["entry"])
    return payout


def payout_batch_create(*, actor: Any, currency: str = "IDR") -> PayoutBatch:
    """Every requested payout in ``currency`` goes into one new batch (locked, in pk order)."""
    with transaction.atomic():
        rows = list(
            Payout.objects.select_for_update()
            .filter(status=PayoutStatus.REQUESTED, currency=currency)
            .order_by("pk")
        )
        if not rows:
            raise ValidationFailed(_("There are no payouts waiting."), code="nothing_to_pay")
        batch = PayoutBatch.objects.create(currency=currency, created_by=actor)
        Payout.objects.filter(pk__in=[p.pk for p in rows]).update(status=PayoutStatus.BATCHED, batch=batch)
    return batch


def payout_batch_csv(batch: PayoutBatch) -> str:
    """The bulk-transfer file: one row per payout, amounts as plain decimals (no thousands marks)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(BATCH_COLUMNS)
    for p in batch.payouts.order_by("pk"):
        writer.writerow(
            [
                p.public_id,
                p.bank_code,
                p.account_number,
                p.account_name,
                format(p.money.amount, "f"),
                p.currency,
                f"LUMBUNG PAYOUT {p.public_id}"[:35],
            ]
        )
    return out.getvalue()


def payout_result_parse(text: str) -> list[ResultRow]:
    """Read the bank's result CSV (header: reference,status,bank_reference,reason)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"reference", "status"} <= {f.strip() for f in reader.fieldnames}:
        raise ValidationFailed(
            _("The result file needs the columns: %(columns)s.") % {"columns": ", ".join(RESULT_COLUMNS)},
            code="bad_result_file",
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        status = row.get("status", "").lower()
        if status not in {"success", "failed"}:
            raise ValidationFailed(
                _("Line %(line)s: the status must be success or failed.") % {"line": number},
                code="bad_result_file",
            )
        rows.append(ResultRow(row["reference"], status, row.get("bank_reference", ""), row.get("reason", "")))
    if not rows:
        raise ValidationFailed(_("The result file has no rows."), code="bad_result_file")
    return rows


def payout_batch_confirm(*, batch: PayoutBatch, rows: list[ResultRow], actor: Any) -> dict[str, int]:
    """Apply the bank's answer. Paid rows leave the bank; failed rows go back to the payable."""
    counts = {"paid": 0, "failed": 0, "unchanged": 0}
    with transaction.atomic():
        payouts = {
            p.public_id: p for p in Payout.objects.select_for_update().filter(batch=batch).order_by("pk")
        }
        unknown = sorted({r.reference for r in rows} - set(payouts))
        if unknown:
            raise ValidationFailed(
                _("These references are not in this batch: %(refs)s.") % {"refs": ", ".join(unknown[:5])},
                code="bad_result_file",
            )
        for row in rows:
            payout = payouts[row.reference]
            if payout.status != PayoutStatus.BATCHED:
                counts["unchanged"] += 1
                continue
            money = payout.money
            back_to = accounts.BANK if row.status == "success" else payout.account_code
            account_get_or_create(code=back_to, currency=payout.currency)
            entry = entry_post(
                kind="payments.payout_paid" if row.status == "success" else "payments.payout_failed",
                reference=f"payout:{payout.public_id}",
                lines=[Line(accounts.PAYOUT_CLEARING, money), Line(back_to, -money)],
                memo=(row.bank_reference or row.reason)[:255],
                idempotency_key=f"payments:payout_result:{payout.public_id}",
                created_by=actor,
            )
            payout.status = PayoutStatus.PAID if row.status == "success" else PayoutStatus.FAILED
            payout.result_entry = entry.public_id
            payout.bank_reference = row.bank_reference[:64]
            payout.failure_reason = row.reason[:255]
            payout.completed_at = timezone.now()
            payout.save()
            counts["paid" if row.status == "success" else "failed"] += 1
        if not any(p.status == PayoutStatus.BATCHED for p in payouts.values()):
            batch.confirmed_at = batch.confirmed_at or timezone.now()
            batch.confirmed_by = batch.confirmed_by or actor
            batch.save(update_fields=["confirmed_at", "confirmed_by"])
    return counts
