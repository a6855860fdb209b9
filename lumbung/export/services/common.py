"""Small helpers the export services share: field errors, decimals, weights."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import ValidationFailed

KG = Decimal("0.001")


def invalid(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={"field": field})


def decimal_in(value: Any, *, field: str, places: int = 3, positive: bool = True) -> Decimal:
    if isinstance(value, float):
        value = str(value)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise invalid(field, _("Enter a number.")) from None
    if not number.is_finite():
        raise invalid(field, _("Enter a number."))
    if number.as_tuple().exponent < -places:
        raise invalid(field, _("Use at most %(n)d decimals.") % {"n": places})
    if positive and number <= 0:
        raise invalid(field, _("Enter a number above zero."))
    if number >= Decimal(10) ** 11:
        raise invalid(field, _("That number is too large."))
    return number


def text_in(value: Any, *, field: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise invalid(field, _("This field is required."))
    if len(text) > max_length:
        raise invalid(field, _("At most %(n)d characters.") % {"n": max_length})
    return text
