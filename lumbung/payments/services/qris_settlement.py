"""Static-QRIS confirmation: the acquirer's settlement report, uploaded by platform finance.

A static QRIS payment sends no notification to us. Each day the acquirer's merchant portal gives a
settlement report; finance uploads it as CSV (columns ``transaction_time, reference, amount, rrn``;
``reference`` is the bill number (tag 62/01) we put in each code, ``rrn`` the switch's retrieval
reference number). A row pays an intent only when the reference names a pending (or expired)
static-QRIS intent AND the amount is exactly the intent's; everything else is listed for a person
to look at, never guessed. Uploading the same report twice changes nothing (marking paid is
idempotent).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import ValidationFailed

from ..models import Method, PaymentIntent, Status
from .intents import intent_mark_paid

COLUMNS = ["transaction_time", "reference", "amount", "rrn"]


def qris_settlement_import(*, text: str, actor: Any) -> dict[str, list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"reference", "amount", "rrn"} <= {f.strip() for f in reader.fieldnames}:
        raise ValidationFailed(
            _("The settlement file needs the columns: %(columns)s.") % {"columns": ", ".join(COLUMNS)},
            code="bad_settlement_file",
        )
    report: dict[str, list[dict[str, str]]] = {"paid": [], "already_paid": [], "unmatched": []}
    for raw in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        reference, rrn = row.get("reference", ""), row.get("rrn", "")
        try:
            amount = Decimal(row.get("amount", ""))
        except InvalidOperation:
            amount = None
        intent = PaymentIntent.objects.filter(public_id=reference, method=Method.QRIS).first()
        line = {"reference": reference, "amount": row.get("amount", ""), "rrn": rrn}
        if intent is None or amount is None or amount != intent.amount:
            report["unmatched"].append(
                {**line, "why": "no such payment" if intent is None else "amount differs"}
            )
            continue
        if intent.status == Status.PAID:
            same = intent.provider_transaction_id == rrn[:64]
            report["already_paid" if same else "unmatched"].append(
                {**line, "why": "" if same else "paid before with another RRN: a double payment to refund"}
            )
            continue
        if intent.status not in {Status.PENDING, Status.EXPIRED, Status.CANCELLED}:
            report["unmatched"].append({**line, "why": intent.status})
            continue
        intent_mark_paid(intent=intent, source="qris_settlement", provider_ref=rrn, actor=actor)
        report["paid"].append(line)
    return report
