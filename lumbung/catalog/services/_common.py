"""Shared checks for the catalogue services: who acts (and for whom), clean text, sane numbers."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import AssistPurpose
from lumbung.accounts.services import acting_for_require
from lumbung.core import audit
from lumbung.core.errors import DomainError
from lumbung.core.money import MINOR_UNITS, Money
from lumbung.core.permissions import require

from ..errors import invalid

# Above these a price is a typo, not a product (1 billion rupiah, 10 million yuan per unit).
MAX_PRICE = {"IDR": Decimal("1000000000"), "CNY": Decimal("10000000"), "USD": Decimal("1000000")}
MAX_STOCK = 1_000_000
MAX_WEIGHT_GRAMS = 1_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t]+")


def authorise(*, actor, action: str, obj: Any, on_behalf_of=None) -> None:
    """``actor`` may do ``action`` on ``obj``, in person or for ``on_behalf_of`` through a valid grant.

    Acting for a villager means the villager's rights count, never the agent's own: an agent cannot
    use a grant to reach a shop the villager does not run.
    """
    subject = actor
    if on_behalf_of is not None and on_behalf_of != actor:
        acting_for_check(agent=actor, villager=on_behalf_of)
        subject = on_behalf_of
    require(subject, action, obj)


def acting_for_check(*, agent, villager) -> None:
    """The agent holds the villager's consent to sell for them (accounts decides, and says why not)."""
    acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.SELL)


def audit_record(action: str, *, actor, on_behalf_of=None, obj=None, data: dict | None = None) -> None:
    audit.record(action, actor=actor, on_behalf_of=on_behalf_of, obj=obj, data=data or {})


def clean_line(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    """One line of plain text: markup and control characters removed, spaces collapsed."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = _CONTROL.sub("", strip_tags(text)).replace("\r", " ").replace("\n", " ")
    text = _SPACES.sub(" ", text).strip()
    if required and not text:
        raise invalid(field, _("This field is required."))
    if len(text) > max_length:
        raise invalid(
            field,
            _("Please keep this under %(max)d characters (it has %(n)d).")
            % {"max": max_length, "n": len(text)},
        )
    return text


def clean_text(value: Any, *, field: str, max_length: int = 5000) -> str:
    """Free text (descriptions, stories): markup removed, line breaks kept."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n")
    text = _CONTROL.sub("", strip_tags(text))
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
    if len(text) > max_length:
        raise invalid(
            field,
            _("Please keep this under %(max)d characters (it has %(n)d).")
            % {"max": max_length, "n": len(text)},
        )
    return text


def clean_price(value: Any, *, currency: str, field: str = "price") -> Money:
    """A positive, plausible price in the shop's currency."""
    if isinstance(value, Money):
        if value.currency != currency:
            raise invalid(field, _("Prices in this shop are in %(currency)s.") % {"currency": currency})
        amount = value.amount
    else:
        if isinstance(value, float):
            value = str(value)
        try:
            amount = Decimal(str(value).strip().replace(" ", "")) if value not in (None, "") else None
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite():
            raise invalid(field, _("Please enter the price as a number, e.g. 25000."))
    if amount <= 0:
        raise invalid(field, _("The price must be more than zero."))
    if amount > MAX_PRICE[currency]:
        raise invalid(field, _("That price is too high to be right. Please check the number."))
    if amount != amount.quantize(Decimal(1).scaleb(-MINOR_UNITS[currency])):
        raise invalid(field, _("Too many decimal places for %(currency)s.") % {"currency": currency})
    try:
        return Money(amount, currency)
    except DomainError as exc:
        raise invalid(field, exc.message) from exc


def clean_int(value: Any, *, field: str, minimum: int = 0, maximum: int, message=None) -> int:
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise invalid(field, _("Please enter a whole number.")) from None
    if isinstance(value, bool) or number < minimum:
        raise invalid(field, message or _("This cannot be negative."))
    if number > maximum:
        raise invalid(field, _("That number is too large to be right. Please check it."))
    return number


def clean_quantity(value: Any, *, field: str = "unit_quantity") -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(field, _("Please enter a number.")) from None
    if not number.is_finite() or number <= 0 or number > Decimal("1000000"):
        raise invalid(field, _("The quantity must be more than zero."))
    return number.quantize(Decimal("0.001"))
