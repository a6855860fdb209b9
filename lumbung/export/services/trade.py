"""RFQ → quote → contract.

- A buyer posts an RFQ; matching invites verified exporters offering the HS code (best first); a
  facilitator may invite more. Only invited exporters quote, once each, in the RFQ's currency.
- The RFQ closes at its deadline (periodic job ``export.close_rfqs``) or once it has ``max_quotes``.
- The buyer may counter once per quote; the exporter accepts or rejects the counter.
- Acceptance checks the quote is still valid, the quantity reaches the MOQ and the currency matches,
  then writes the contract (price from the tier for the quantity, or the accepted counter), the
  document requirements, and the first contract event. Any refusal writes nothing.
- ``contract_set_status`` is the one way a contract changes status (``CONTRACT_TRANSITIONS``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core import audit
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.money import CURRENCIES, CurrencyMismatch, quantum
from lumbung.core.periodic import periodic
from lumbung.core.permissions import require

from .. import notifications, selectors
from ..models import (
    CONTRACT_TRANSITIONS,
    Contract,
    ContractEvent,
    Counter,
    CounterStatus,
    DocumentRequirement,
    Exporter,
    Incoterm,
    Quote,
    QuoteStatus,
    QuoteTier,
    Rfq,
    RfqInvite,
    RfqStatus,
    Unit,
)
from .common import decimal_in, invalid, text_in
from .documents_rules import documents_for

GRADES = ("A", "B", "C", "EXPORT_PREMIUM", "EXPORT_STANDARD")
MAX_QUOTES_LIMIT = 20


class QuoteExpired(Conflict):
    code = "quote_expired"
    default_message = _("This quote is no longer valid: ask the exporter for a new one.")


class BelowMoq(ValidationFailed):
    code = "below_moq"
    default_message = _("The quantity is below the exporter's minimum order.")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    default_message = _("A contract in this state cannot make that change.")


def _country(value: Any, field: str) -> str:
    text = str(value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", text):
        raise invalid(field, _("Use the two-letter country code, e.g. HK or CN."))
    return text


def _currency(value: Any) -> str:
    if value not in CURRENCIES:
        raise invalid("currency", _("Choose USD, CNY or IDR."))
    return value


def _incoterm(value: Any) -> str:
    if value not in Incoterm.values:
        raise invalid("incoterm", _("Choose an Incoterm: EXW, FOB, CFR, CIF, CPT, DAP or DDP."))
    return value


def rfq_post(
    *,
    buyer,
    buyer_company: str,
    product: str,
    hs_code: str,
    quantity: Any,
    unit: str,
    destination_country: str,
    destination_port: str,
    incoterm: str,
    target_date: date,
    currency: str,
    deadline: datetime,
    max_quotes: int = 5,
    spec: str = "",
) -> Rfq:
    """Post an RFQ and invite the matching exporters."""
    if not getattr(buyer, "is_authenticated", False):
        raise Forbidden()
    hs = selectors.hs_code_by_code(str(hs_code or ""))
    if hs is None:
        raise invalid("hs_code", _("Choose an HS code from the list."))
    if unit not in Unit.values:
        raise invalid("unit", _("Choose kilograms or tonnes."))
    now = timezone.now()
    if deadline <= now:
        raise invalid("deadline", _("The deadline for quotes must be in the future."))
    if target_date <= timezone.localdate(deadline):
        raise invalid("target_date", _("The wanted-by date must come after the deadline for quotes."))
    if not 1 <= int(max_quotes) <= MAX_QUOTES_LIMIT:
        raise invalid("max_quotes", _("Ask for 1 to 20 quotes."))
    with transaction.atomic():
        rfq = Rfq.objects.create(
            buyer=buyer,
            buyer_company=text_in(buyer_company, field="buyer_company", max_length=160),
            buyer_language=(getattr(buyer, "language", "") or "en")[:8],
            product=text_in(product, field="product", max_length=160),
            hs_code=hs,
            spec=text_in(spec, field="spec", max_length=4000, required=False),
            quantity=decimal_in(quantity, field="quantity"),
            unit=unit,
            destination_country=_country(destination_country, "destination_country"),
            destination_port=text_in(destination_port, field="destination_port", max_length=80),
            incoterm=_incoterm(incoterm),
            target_date=target_date,
            currency=_currency(currency),
            deadline=deadline,
            max_quotes=int(max_quotes),
        )
        for exporter in selectors.exporters_matching(rfq):
            RfqInvite.objects.create(rfq=rfq, exporter=exporter)
            notifications.rfq_invited(rfq=rfq, exporter=exporter)
        audit.record("export.rfq_posted", actor=buyer, obj=rfq, data={"hs": hs.code})
    return rfq


def rfq_invite(*, actor, rfq: Rfq, exporter: Exporter) -> RfqInvite:
    """A facilitator invites one more exporter to quote (once)."""
    require(actor, "export.facilitate")
    if rfq.status != RfqStatus.OPEN:
        raise Conflict(_("This request is no longer open for quotes."))
    try:
        with transaction.atomic():
            invite = RfqInvite.objects.create(rfq=rfq, exporter=exporter, by_facilitator=actor)
            notifications.rfq_invited(rfq=rfq, exporter=exporter)
            return invite
    except IntegrityError:
        raise Conflict(_("This exporter is already invited.")) from None


def _tiers(items: Any) -> list[tuple[Decimal, Decimal]]:
    if not items:
        raise invalid("tiers", _("Give at least one price."))
    tiers = []
    for item in items:
        minimum = decimal_in(item.get("min_quantity"), field="tiers", positive=False)
        price = decimal_in(item.get("unit_price"), field="tiers", places=2)
        tiers.append((minimum, price))
    tiers.sort()
    if len({m for m, _p in tiers}) != len(tiers):
        raise invalid("tiers", _("Each price tier needs a different minimum quantity."))
    return tiers


def quote_submit(
    *,
    actor,
    rfq: Rfq,
    exporter: Exporter,
    currency: str,
    tiers: list[dict[str, Any]],
    moq: Any,
    incoterm: str,
    named_port: str,
    lead_time_days: int,
    valid_until: date,
    deposit_percent: int,
    payment_terms: str,
    packaging: str,
) -> Quote:
    require(actor, "export.manage_exporter", exporter)
    if currency != rfq.currency:
        raise CurrencyMismatch(
            _("Quote in %(currency)s, the currency the buyer asked for.") % {"currency": rfq.currency},
            details={"field": "currency", "expected": rfq.currency},
        )
    cleaned = _tiers(tiers)
    minimum = decimal_in(moq, field="moq")
    if cleaned[0][0] > minimum:
        raise invalid("tiers", _("The first price tier must start at or below the minimum order."))
    if valid_until < timezone.localdate():
        raise invalid("valid_until", _("A quote must be valid until today or later."))
    if not 1 <= int(lead_time_days) <= 365:
        raise invalid("lead_time_days", _("Lead time is 1 to 365 days."))
    if not 0 <= int(deposit_percent) <= 100:
        raise invalid("deposit_percent", _("The deposit is 0 to 100 percent."))
    fields = {
        "named_port": text_in(named_port, field="named_port", max_length=80),
        "payment_terms": text_in(payment_terms, field="payment_terms", max_length=255),
        "packaging": text_in(packaging, field="packaging", max_length=255),
    }
    with transaction.atomic():
        rfq = Rfq.objects.select_for_update().get(pk=rfq.pk)
        if rfq.status != RfqStatus.OPEN or rfq.deadline <= timezone.now():
            raise Conflict(_("This request is closed for quotes."), code="rfq_closed")
        if not rfq.invites.filter(exporter=exporter).exists():
            raise Forbidden(_("Only exporters invited to this request may quote."))
        if rfq.quotes.filter(exporter=exporter).exists():
            raise Conflict(_("You have already quoted on this request."), code="already_quoted")
        quote = Quote.objects.create(
            rfq=rfq,
            exporter=exporter,
            currency=currency,
            moq=minimum,
            incoterm=_incoterm(incoterm),
            lead_time_days=int(lead_time_days),
            valid_until=valid_until,
            deposit_percent=int(deposit_percent),
            submitted_by=actor,
            **fields,
        )
        QuoteTier.objects.bulk_create(
            [QuoteTier(quote=quote, min_quantity=m, unit_price=p) for m, p in cleaned]
        )
        if rfq.quotes.count() >= rfq.max_quotes:
            _close(rfq)
        notifications.quote_received(quote=quote)
    return quote


def _close(rfq: Rfq) -> None:
    rfq.status = RfqStatus.CLOSED
    rfq.closed_at = timezone.now()
    rfq.save(update_fields=["status", "closed_at"])


@periodic("export.close_rfqs", every=timedelta(minutes=5))
def rfqs_close_due() -> int:
    """Close every open RFQ whose deadline has passed."""
    closed = 0
    for pk in Rfq.objects.filter(status=RfqStatus.OPEN, deadline__lte=timezone.now()).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            rfq = Rfq.objects.select_for_update().get(pk=pk)
            if rfq.status == RfqStatus.OPEN:
                _close(rfq)
                closed += 1
    return closed


def counter_make(*, buyer, quote: Quote, unit_price: Any, message: str = "") -> Counter:
    """The buyer's one counter-offer on a quote."""
    if quote.rfq.buyer_id != buyer.pk:
        raise Forbidden()
    if quote.rfq.status in (RfqStatus.AWARDED, RfqStatus.CANCELLED):
        raise Conflict(_("This request is already decided."))
    price = decimal_in(unit_price, field="unit_price", places=2)
    note = text_in(message, field="message", max_length=500, required=False)
    try:
        with transaction.atomic():
            counter = Counter.objects.create(quote=quote, unit_price=price, message=note)
            notifications.quote_answered(quote=quote, event="countered", price=price)
            return counter
    except IntegrityError:
        raise Conflict(_("You can counter a quote only once."), code="already_countered") from None


def counter_answer(*, actor, quote: Quote, accept: bool) -> Counter:
    require(actor, "export.manage_exporter", quote.exporter)
    with transaction.atomic():
        counter = Counter.objects.select_for_update().filter(quote=quote).first()
        if counter is None or counter.status != CounterStatus.PENDING:
            raise Conflict(_("There is no counter-offer waiting for an answer."))
        counter.status = CounterStatus.ACCEPTED if accept else CounterStatus.REJECTED
        counter.answered_at = timezone.now()
        counter.save(update_fields=["status", "answered_at"])
    return counter


def quote_price_for(quote: Quote, quantity: Decimal) -> Decimal:
    """The agreed counter price, else the tier whose minimum is the highest one at or below ``quantity``."""
    counter = Counter.objects.filter(quote=quote).first()
    if counter is not None and counter.status == CounterStatus.ACCEPTED:
        return counter.unit_price
    price = None
    for tier in quote.tiers.order_by("min_quantity"):
        if tier.min_quantity <= quantity:
            price = tier.unit_price
    if price is None:
        raise BelowMoq(details={"field": "quantity", "moq": str(quote.moq)})
    return price


def quote_accept(
    *,
    buyer,
    quote: Quote,
    currency: str,
    quantity: Any = None,
    tolerance_percent: Any = "5",
    delivery_from: date | None = None,
    delivery_to: date | None = None,
    inspection_terms: str = "",
    allowed_grades: list[str] | None = None,
) -> Contract:
    """The buyer accepts a quote: the contract is written, or nothing is."""
    rfq = quote.rfq
    if rfq.buyer_id != buyer.pk:
        raise Forbidden()
    if currency != quote.currency:
        raise CurrencyMismatch(
            _("This quote is in %(currency)s.") % {"currency": quote.currency},
            details={"field": "currency", "expected": quote.currency},
        )
    today = timezone.localdate()
    if quote.valid_until < today:
        raise QuoteExpired(details={"valid_until": quote.valid_until.isoformat()})
    qty = rfq.quantity if quantity in (None, "") else decimal_in(quantity, field="quantity")
    if qty < quote.moq:
        raise BelowMoq(
            _("The quantity %(qty)s is below the minimum order of %(moq)s.") % {"qty": qty, "moq": quote.moq},
            details={"field": "quantity", "moq": str(quote.moq)},
        )
    tolerance = decimal_in(tolerance_percent, field="tolerance_percent", places=1, positive=False)
    if tolerance > 10:
        raise invalid("tolerance_percent", _("A quantity tolerance is at most ±10%."))
    grades = list(allowed_grades or ["A", "EXPORT_PREMIUM", "EXPORT_STANDARD"])
    if not grades or set(grades) - set(GRADES):
        raise invalid("allowed_grades", _("Choose grades from the list."))
    start = delivery_from or today + timedelta(days=quote.lead_time_days)
    end = delivery_to or max(start, rfq.target_date)
    if end < start:
        raise invalid("delivery_to", _("The delivery window ends before it starts."))
    price = quote_price_for(quote, qty)
    per_kg = (price / 1000 if rfq.unit == Unit.TONNE else price).quantize(Decimal("0.0001"))
    quantity_kg = qty * 1000 if rfq.unit == Unit.TONNE else qty
    total = (qty * price).quantize(quantum(quote.currency), rounding=ROUND_HALF_UP)
    deposit = (total * quote.deposit_percent / 100).quantize(quantum(quote.currency), rounding=ROUND_HALF_UP)
    with transaction.atomic():
        rfq = Rfq.objects.select_for_update().get(pk=rfq.pk)
        if rfq.status in (RfqStatus.AWARDED, RfqStatus.CANCELLED):
            raise Conflict(_("This request is already decided."), code="rfq_decided")
        contract = Contract.objects.create(
            rfq=rfq,
            quote=quote,
            buyer=buyer,
            exporter=quote.exporter,
            goods=f"{rfq.product} ({rfq.spec[:200]})" if rfq.spec else rfq.product,
            hs_code=rfq.hs_code,
            quantity_kg=quantity_kg,
            tolerance_percent=tolerance,
            unit_price_per_kg=per_kg,
            currency=quote.currency,
            total=total,
            deposit=deposit,
            incoterm=quote.incoterm,
            named_port=quote.named_port,
            destination_country=rfq.destination_country,
            destination_port=rfq.destination_port,
            delivery_from=start,
            delivery_to=end,
            payment_terms=quote.payment_terms,
            inspection_terms=text_in(
                inspection_terms, field="inspection_terms", max_length=255, required=False
            )
            or str(_("Pre-shipment inspection of every lot by a Lumbung quality inspector.")),
            packaging=quote.packaging,
            allowed_grades=grades,
            buyer_language=rfq.buyer_language,
        )
        DocumentRequirement.objects.bulk_create(
            [
                DocumentRequirement(
                    contract=contract,
                    kind=need.kind,
                    reason=need.reason,
                    generated=need.generated,
                    needed_to_ship=need.needed_to_ship,
                )
                for need in documents_for(
                    hs_code=rfq.hs_code.code,
                    destination_country=rfq.destination_country,
                    incoterm=quote.incoterm,
                )
            ]
        )
        Quote.objects.filter(pk=quote.pk).update(status=QuoteStatus.ACCEPTED)
        rfq.quotes.exclude(pk=quote.pk).update(status=QuoteStatus.DECLINED)
        rfq.status = RfqStatus.AWARDED
        rfq.closed_at = rfq.closed_at or timezone.now()
        rfq.save(update_fields=["status", "closed_at"])
        ContractEvent.objects.create(
            contract=contract, to_status=contract.status, actor=buyer, reason="signed"
        )
        audit.record("export.contract_signed", actor=buyer, obj=contract, data={"total": str(total)})
        notifications.quote_answered(quote=quote, event="accepted")
    return contract


def contract_set_status(*, contract: Contract, to: str, actor=None, reason: str = "") -> Contract:
    """Move a contract along ``CONTRACT_TRANSITIONS``; refuse anything else; record the event."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if to not in CONTRACT_TRANSITIONS.get(contract.status, frozenset()):
            raise IllegalTransition(details={"from": contract.status, "to": to})
        ContractEvent.objects.create(
            contract=contract, from_status=contract.status, to_status=to, actor=actor, reason=reason[:255]
        )
        contract.status = to
        contract.save(update_fields=["status"])
    return contract
