"""Exchange rates entered by platform staff, and conversions booked at a recorded rate.

A rate is Decimal (never float), says where it came from and from when, and every conversion names
the rate it used (``fxrate:<public_id>`` in the ledger entry's metadata). No rate, no conversion.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import DomainError, ValidationFailed
from lumbung.core.money import CURRENCIES, Money, quantum
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.services import entry_post, fx_convert_lines

from ..models import FxRate


class FxRateMissing(DomainError):
    code = "fx_rate_missing"
    default_message = _("There is no exchange rate for these currencies yet.")
    status = 409


def fx_rate_enter(
    *, base: str, quote: str, rate: Decimal | str, source: str, actor: Any, valid_from: datetime | None = None
) -> FxRate:
    if isinstance(rate, float):
        raise TypeError("rates are never floats")
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        value = Decimal(0)
    if base not in CURRENCIES or quote not in CURRENCIES or base == quote:
        raise ValidationFailed(_("Choose two different currencies."))
    if not value.is_finite() or value <= 0 or value.as_tuple().exponent < -10:
        raise ValidationFailed(_("A rate is a positive number with at most 10 decimals."))
    if not source or not source.strip():
        raise ValidationFailed(_("Say where the rate comes from."))
    with transaction.atomic():
        return FxRate.objects.create(
            base=base,
            quote=quote,
            rate=value,
            source=source.strip()[:120],
            valid_from=valid_from or timezone.now(),
            entered_by=actor,
        )


def fx_rate_current(base: str, quote: str, *, at: datetime | None = None) -> FxRate:
    """The newest rate for base→quote valid at ``at`` (now); refuses when there is none."""
    rate = (
        FxRate.objects.filter(base=base, quote=quote, valid_from__lte=at or timezone.now())
        .order_by("-valid_from", "-id")
        .first()
    )
    if rate is None:
        raise FxRateMissing(details={"base": base, "quote": quote})
    return rate


def fx_convert(amount: Money, to: str, rate: FxRate) -> Money:
    """``amount`` in ``to`` at ``rate`` (Decimal, rounded half-up to the currency's minor unit)."""
    if (rate.base, rate.quote) != (amount.currency, to):
        raise ValidationFailed(
            _("That rate converts %(base)s to %(quote)s.") % {"base": rate.base, "quote": rate.quote},
            code="fx_rate_wrong_pair",
        )
    return Money((amount.amount * rate.rate).quantize(quantum(to), rounding=ROUND_HALF_UP), to)


def fx_convert_book(
    *,
    source_account: str,
    target_account: str,
    amount: Money,
    rate: FxRate,
    reference: str,
    actor: Any = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Move ``amount`` from one account to another in a different currency, at ``rate``, in the ledger."""
    conversion = fx_convert_lines(
        source=source_account,
        target=target_account,
        amount=amount,
        rate=rate.rate,
        rate_ref=f"fxrate:{rate.public_id}",
    )
    if (conversion.source_amount.currency, conversion.target_amount.currency) != (rate.base, rate.quote):
        raise ValidationFailed(_("That rate does not fit these accounts."), code="fx_rate_wrong_pair")
    metadata = {**conversion.metadata, "fx_rate_id": rate.public_id, "fx_source": rate.source}
    return entry_post(
        kind="payments.fx_conversion",
        reference=reference,
        lines=conversion.lines,
        memo=f"{amount} at {rate.rate} ({rate.source})",
        idempotency_key=idempotency_key,
        created_by=actor,
        metadata=metadata,
    )
