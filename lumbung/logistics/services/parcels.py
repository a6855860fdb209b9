"""Parcel writes: create, intake (weigh, check, accept or refuse), and the one status writer.

``parcel_set_status`` is the only code that changes ``Parcel.status``. It locks the row, refuses
any move the transition map (``status.PARCEL_TRANSITIONS``) does not allow, writes a
``ParcelEvent`` (who, when, from, to, why) and emits ``logistics.parcel_status_changed`` after the
transaction commits, so orders and centres can follow without logistics knowing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import OrganisationKind
from lumbung.core import audit, events
from lumbung.core.errors import Conflict, ValidationFailed
from lumbung.core.permissions import require
from lumbung.regions.models import Area

from ..models import Parcel, ParcelEvent, ParcelStatus, ServiceLevel, ShippingMethod
from ..status import P, parcel_can_move

PARCEL_STATUS_CHANGED = "logistics.parcel_status_changed"
MAX_WEIGHT_G = 1_000_000  # one tonne: anything heavier is freight, never a parcel
MAX_SIDE_CM = 300


class IllegalParcelMove(Conflict):
    code = "illegal_parcel_move"
    default_message = _("The parcel cannot move to that status from where it is now.")


@dataclass(frozen=True)
class Party:
    """A sender or recipient as printed on the label (a snapshot, not a link to an account)."""

    name: str
    phone: str
    village: Area
    address: str = ""
    postcode: str = ""


def _check_weight(grams, field: str) -> int:
    if isinstance(grams, bool) or not isinstance(grams, int) or not 0 < grams <= MAX_WEIGHT_G:
        raise ValidationFailed(
            _("The weight must be a whole number of grams, above zero and at most one tonne."),
            details={"field": field},
        )
    return grams


def _check_dimensions(dimensions) -> tuple[int | None, int | None, int | None]:
    if dimensions is None:
        return (None, None, None)
    try:
        length, width, height = (int(v) for v in dimensions)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Give length, width and height in whole centimetres."), details={"field": "dimensions_cm"}
        ) from None
    if not all(0 < v <= MAX_SIDE_CM for v in (length, width, height)):
        raise ValidationFailed(
            _("Each side must be between 1 and %(max)s cm.") % {"max": MAX_SIDE_CM},
            details={"field": "dimensions_cm"},
        )
    return (length, width, height)


def _check_party(party: Party, which: str) -> None:
    if not party.name.strip():
        raise ValidationFailed(_("A name is required."), details={"field": f"{which}.name"})
    if which == "recipient" and not party.phone.strip():
        raise ValidationFailed(
            _("The recipient's phone number is required."), details={"field": "recipient.phone"}
        )
    if party.village is None or party.village.level < 3:
        raise ValidationFailed(
            _("Choose a village (or a Chinese county), not a whole regency or province."),
            details={"field": f"{which}.village"},
        )


def _check_centre(organisation, field: str) -> None:
    if (
        organisation is None
        or organisation.kind != OrganisationKind.SERVICE_CENTRE
        or not organisation.is_active
    ):
        raise ValidationFailed(_("Choose an active service centre."), details={"field": field})


@transaction.atomic
def parcel_create(
    *,
    origin_centre,
    sender: Party,
    recipient: Party,
    declared_weight_g: int,
    reference: str = "",
    delivery_method: str = ShippingMethod.DOOR,
    destination_centre=None,
    service_level: str = ServiceLevel.REGULAR,
    contents: str = "",
    declared_value: Decimal | int = 0,
    cod_amount: Decimal | int = 0,
    dimensions_cm: tuple[int, int, int] | None = None,
    actor=None,
) -> Parcel:
    """A new parcel at ``origin_centre`` (status ``created``). With an ``actor``, they must be an
    agent of that centre; system callers (orders creating the parcel at checkout) pass none."""
    _check_centre(origin_centre, "origin_centre")
    if destination_centre is not None:
        _check_centre(destination_centre, "destination_centre")
    if delivery_method not in ShippingMethod.values:
        raise ValidationFailed(
            _("Choose delivery to the door or pickup at the service centre."),
            details={"field": "delivery_method"},
        )
    if delivery_method == ShippingMethod.PICKUP and destination_centre is None:
        raise ValidationFailed(
            _("A pickup parcel needs the centre where it will be collected."),
            details={"field": "destination_centre"},
        )
    if service_level not in ServiceLevel.values:
        raise ValidationFailed(_("Choose economy, regular or express."), details={"field": "service_level"})
    _check_party(sender, "sender")
    _check_party(recipient, "recipient")
    _check_weight(declared_weight_g, "declared_weight_g")
    length, width, height = _check_dimensions(dimensions_cm)
    if Decimal(declared_value) < 0 or Decimal(cod_amount) < 0:
        raise ValidationFailed(_("Amounts cannot be negative."), details={"field": "declared_value"})
    if len(reference) > 64:
        raise ValidationFailed(_("The reference is too long."), details={"field": "reference"})
    if actor is not None:
        require(actor, "logistics.manage_batches", origin_centre)
    parcel = Parcel.objects.create(
        reference=reference,
        origin_centre=origin_centre,
        destination_centre=destination_centre,
        delivery_method=delivery_method,
        service_level=service_level,
        sender_name=sender.name.strip(),
        sender_phone=sender.phone.strip(),
        sender_village=sender.village,
        sender_address=sender.address.strip(),
        recipient_name=recipient.name.strip(),
        recipient_phone=recipient.phone.strip(),
        recipient_village=recipient.village,
        recipient_address=recipient.address.strip(),
        recipient_postcode=recipient.postcode.strip(),
        contents=contents.strip()[:120],
        declared_value=Decimal(declared_value),
        cod_amount=Decimal(cod_amount),
        declared_weight_g=declared_weight_g,
        length_cm=length,
        width_cm=width,
        height_cm=height,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ParcelEvent.objects.create(
        parcel=parcel,
        from_status=P.CREATED,
        to_status=P.CREATED,
        actor=parcel.created_by,
        source="centre",
        reason=str(_("Parcel created")),
    )
    events.emit(
        PARCEL_STATUS_CHANGED,
        reference=parcel.reference,
        parcel_public_id=parcel.public_id,
        parcel_code=parcel.code,
        status=parcel.status,
        previous="",
        at=parcel.status_changed_at,
    )
    return parcel


def parcel_lock(parcel: Parcel) -> Parcel:
    return Parcel.objects.select_for_update().get(pk=parcel.pk)


@transaction.atomic
def parcel_set_status(
    *,
    parcel: Parcel,
    to: str,
    actor=None,
    source: str = "",
    reason: str = "",
    at: datetime | None = None,
) -> Parcel:
    """The one writer of a parcel's status. Refuses illegal moves with ``IllegalParcelMove``."""
    locked = parcel_lock(parcel)
    current = locked.status
    if not parcel_can_move(current, to):
        raise IllegalParcelMove(
            _("The parcel is “%(current)s”; it cannot become “%(to)s”.")
            % {
                "current": ParcelStatus(current).label,
                "to": ParcelStatus(to).label if to in ParcelStatus.values else to,
            },
            details={"from": current, "to": to, "parcel": locked.code},
        )
    moment = at or timezone.now()
    locked.status = to
    locked.status_changed_at = moment
    locked.save(update_fields=["status", "status_changed_at"])
    ParcelEvent.objects.create(
        parcel=locked,
        from_status=current,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        source=source[:16],
        reason=str(reason)[:255],
        at=moment,
    )
    events.emit(
        PARCEL_STATUS_CHANGED,
        reference=locked.reference,
        parcel_public_id=locked.public_id,
        parcel_code=locked.code,
        status=to,
        previous=current,
        at=moment,
    )
    # Keep the caller's object in step with the row.
    parcel.status, parcel.status_changed_at = locked.status, locked.status_changed_at
    return locked


@transaction.atomic
def parcel_intake(
    *,
    parcel: Parcel,
    actor,
    measured_weight_g: int,
    dimensions_cm: tuple[int, int, int] | None = None,
    accept: bool = True,
    reason: str = "",
) -> Parcel:
    """The agent weighs and checks a drop-off: accepted at the centre, or refused (with a reason)."""
    require(actor, "logistics.handle_parcel", parcel)
    _check_weight(measured_weight_g, "measured_weight_g")
    length, width, height = _check_dimensions(dimensions_cm)
    if not accept and not reason.strip():
        raise ValidationFailed(_("Say why the parcel is refused."), details={"field": "reason"})
    locked = parcel_lock(parcel)
    if locked.status != P.CREATED:
        raise IllegalParcelMove(
            details={"from": locked.status, "to": P.ACCEPTED_AT_CENTRE if accept else P.REFUSED}
        )
    locked.measured_weight_g = measured_weight_g
    if dimensions_cm is not None:
        locked.length_cm, locked.width_cm, locked.height_cm = length, width, height
    locked.save(update_fields=["measured_weight_g", "length_cm", "width_cm", "height_cm"])
    audit.record(
        "logistics.parcel_intake",
        actor=actor,
        obj=locked,
        data={"accepted": accept, "measured_weight_g": measured_weight_g, "reason": reason},
    )
    return parcel_set_status(
        parcel=locked,
        to=P.ACCEPTED_AT_CENTRE if accept else P.REFUSED,
        actor=actor,
        source="centre",
        reason=reason or str(_("Weighed and checked at the counter")),
    )


def _last_mile(parcel: Parcel, actor, to: str, reason: str) -> Parcel:
    require(actor, "logistics.deliver_parcel", parcel)
    return parcel_set_status(parcel=parcel, to=to, actor=actor, source="centre", reason=reason)


@transaction.atomic
def parcel_receive_at_centre(*, parcel: Parcel, actor, reason: str = "") -> Parcel:
    """The destination centre scans in a parcel the carrier dropped (→ at the destination hub)."""
    return _last_mile(parcel, actor, P.AT_DESTINATION_HUB, reason or str(_("Received at the centre")))


@transaction.atomic
def parcel_ready_for_pickup(*, parcel: Parcel, actor, reason: str = "") -> Parcel:
    """On the centre's shelf; the centre then gives the recipient a pickup code (centers)."""
    return _last_mile(parcel, actor, P.READY_FOR_PICKUP, reason or str(_("On the shelf for pickup")))


@transaction.atomic
def parcel_collect(*, parcel: Parcel, actor, reason: str = "") -> Parcel:
    """The recipient collected it (centers checks the pickup code before calling this)."""
    return _last_mile(parcel, actor, P.COLLECTED, reason or str(_("Collected by the recipient")))


@transaction.atomic
def parcel_out_for_delivery(*, parcel: Parcel, actor, reason: str = "") -> Parcel:
    """The centre takes it to the door (from the hub, or again after a failed attempt)."""
    return _last_mile(parcel, actor, P.OUT_FOR_DELIVERY, reason or str(_("Out for delivery by the centre")))


@transaction.atomic
def parcel_mark_delivered(*, parcel: Parcel, actor, reason: str = "") -> Parcel:
    return _last_mile(parcel, actor, P.DELIVERED, reason or str(_("Delivered to the door")))


@transaction.atomic
def parcel_delivery_failed(*, parcel: Parcel, actor, reason: str) -> Parcel:
    if not reason.strip():
        raise ValidationFailed(_("Say why the delivery failed."), details={"field": "reason"})
    return _last_mile(parcel, actor, P.FAILED_DELIVERY, reason)


@transaction.atomic
def parcel_return_to_sender(*, parcel: Parcel, actor, reason: str) -> Parcel:
    if not reason.strip():
        raise ValidationFailed(_("Say why the parcel goes back."), details={"field": "reason"})
    return _last_mile(parcel, actor, P.RETURNING, reason)
