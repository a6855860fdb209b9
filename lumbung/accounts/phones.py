"""Phone numbers to E.164: ``lokal-id`` for Indonesia, ``phonenumbers`` for everyone else."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext_lazy as _
from lokal import parse_phone

from lumbung.core.errors import ValidationFailed


def normalize_phone(raw: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed(_("Enter a phone number."), details={"field": "phone"})
    if not text.startswith("+") or text.startswith("+62"):
        info = parse_phone(text)
        if info.valid and info.e164:
            return info.e164
        if not text.startswith("+"):
            raise ValidationFailed(
                _(
                    "That is not a valid Indonesian phone number. Write it like 0812-3456-7890 or +62 812 3456 7890."
                ),
                details={"field": "phone"},
            )
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(_("That is not a valid phone number."), details={"field": "phone"}) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed(_("That is not a valid phone number."), details={"field": "phone"})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mobile_operator(e164: str) -> str | None:
    """The Indonesian operator a number belongs to (Telkomsel, Indosat, XL...), for top-ups."""
    if not e164.startswith("+62"):
        return None
    return parse_phone(e164).operator
