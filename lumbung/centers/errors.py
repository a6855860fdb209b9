"""Errors the counter shows (each a DomainError: translated message, stable code, HTTP status)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import Conflict, Forbidden, RateLimited, ValidationFailed


class OtherCentre(Forbidden):
    code = "other_centre"
    default_message = _("This belongs to another service centre. Nothing was changed.")


class NotAtCounter(Conflict):
    code = "not_at_counter"
    default_message = _("This cannot be done at the counter now.")


class WeightFarOff(ValidationFailed):
    code = "weight_far_off"
    default_message = _("The weight is far from what the seller declared. Weigh again, or confirm it.")


class PickupCodeWrong(ValidationFailed):
    code = "pickup_code_invalid"
    default_message = _("That pickup code is not right. Ask the buyer to read it again.")


class PickupCodeUsed(Conflict):
    code = "pickup_code_used"
    default_message = _("This pickup code was already used. The parcel was handed over before.")


class PickupCodeExpired(Conflict):
    code = "pickup_code_expired"
    default_message = _("This pickup code has expired. The parcel goes back to the seller.")


class PickupCodeLocked(RateLimited):
    code = "pickup_code_locked"
    default_message = _("Too many wrong codes for this parcel. Wait, then try again.")
