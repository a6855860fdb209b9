"""Drop-off intake: a seller brings the goods of a paid order; the agent weighs, checks, decides.

Accepting (all in the caller's transaction, or nothing):
1. the order is locked; if still "paid", the intake counts as the seller's acceptance
   (``order_set_status`` to accepted, the agent as actor, source "centre");
2. logistics makes the parcel at this centre (sender = the shop's village, recipient = the order's
   address, pickup parcels to their pickup centre) and weighs it in (``parcel_intake``);
3. the order moves to handed over; the seller hears it by SMS (outbox).
Rejecting writes only the ``DropOff`` row and tells the seller, in their language, what to fix.
An order whose shop is not in one of this centre's villages is another centre's: refused, no change.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import NO_PHONE_PREFIX, Membership, Role
from lumbung.core import audit
from lumbung.core.errors import Conflict, ValidationFailed
from lumbung.core.permissions import require
from lumbung.logistics.services import Party, parcel_create, parcel_intake
from lumbung.notify.services import message_queue
from lumbung.orders.models import Order
from lumbung.orders.services import order_lock, order_set_status
from lumbung.orders.states import OrderStatus

from .. import conf
from ..errors import NotAtCounter, OtherCentre, WeightFarOff
from ..models import DropOff, ServiceCentre

S = OrderStatus
MAX_REASON = 255


def weight_far_off(*, declared_g: int, measured_g: int) -> bool:
    """Further than ``LUMBUNG_INTAKE_WEIGHT_TOLERANCE_G`` grams or ``..._PERCENT`` % from declared."""
    if declared_g <= 0:
        return False
    diff = abs(measured_g - declared_g)
    return diff > conf.weight_tolerance_g() or diff * 100 > declared_g * conf.weight_tolerance_percent()


def order_is_for_centre(order: Order, centre: ServiceCentre) -> bool:
    """The drop-off centre for an order is one serving the seller's village."""
    return centre.villages.filter(pk=order.shop.village_id).exists()


def _reachable(phone: str) -> bool:
    return bool(phone) and not phone.startswith(NO_PHONE_PREFIX)


def seller_contacts(order: Order) -> list[tuple[str, str]]:
    """(phone, language) of the shop's active owners and staff that can get an SMS."""
    rows = (
        Membership.objects.filter(
            organisation_id=order.shop.organisation_id, role__in=(Role.OWNER, Role.STAFF), is_active=True
        )
        .select_related("user")
        .order_by("role", "pk")
    )
    return [(m.user.phone, m.user.language) for m in rows if m.user.is_active and _reachable(m.user.phone)]


def _tell_seller(order: Order, template: str, context: dict) -> None:
    for phone, language in seller_contacts(order):
        message_queue(to=phone, template=template, context=context, language=language or "id")


def _check_order(order: Order, centre: ServiceCentre) -> None:
    if not order_is_for_centre(order, centre):
        raise OtherCentre(
            _(
                "Order %(code)s is not from a village this centre serves. The seller drops it at their own centre."
            )
            % {"code": order.code},
            details={"order": order.code},
        )
    if order.status == S.PLACED:
        raise NotAtCounter(
            _("Order %(code)s is not paid yet. Take the goods only for a paid order.") % {"code": order.code},
            details={"order": order.code, "status": order.status},
        )
    if order.status not in (S.PAID, S.ACCEPTED):
        raise NotAtCounter(
            _("Order %(code)s is already %(status)s; it cannot be dropped off.")
            % {"code": order.code, "status": S(order.status).label},
            details={"order": order.code, "status": order.status},
        )


def _sender(order: Order) -> Party:
    shop = order.shop
    phones = [phone for phone, _lang in seller_contacts(order)]
    return Party(
        name=shop.name,
        phone=(phones[0] if phones else shop.organisation.phone) or "",
        village=shop.village,
        address=shop.organisation.address or "",
    )


def _recipient(order: Order, centre_phone: str) -> Party:
    phone = order.recipient_phone or order.buyer.phone or centre_phone
    return Party(
        name=order.recipient_name or order.buyer.name or order.code,
        phone=phone,
        village=order.village,
        address=order.street,
        postcode=order.postcode,
    )


def _door_centre(order: Order):
    """For door delivery: a centre serving the buyer's village does the last mile, if there is one."""
    from ..selectors import centres_serving

    centre = centres_serving(order.village).first()
    return centre.organisation if centre is not None else None


@transaction.atomic
def drop_off_intake(
    *,
    agent,
    centre: ServiceCentre,
    order: Order,
    weight_grams: int,
    items_counted: int,
    count_ok: bool,
    condition_ok: bool,
    standards_ok: bool,
    accept: bool,
    reason: str = "",
    weight_confirmed: bool = False,
    dimensions_cm: tuple[int, int, int] | None = None,
) -> DropOff:
    """Weigh and check a paid order's goods at the counter, then accept (parcel made) or reject."""
    require(agent, "centers.operate", centre)
    if isinstance(weight_grams, bool) or not isinstance(weight_grams, int) or weight_grams <= 0:
        raise ValidationFailed(
            _("Weigh the goods: whole grams, above zero."), details={"field": "weight_grams"}
        )
    if isinstance(items_counted, bool) or not isinstance(items_counted, int) or items_counted < 0:
        raise ValidationFailed(_("Count the items."), details={"field": "items_counted"})
    reason = " ".join((reason or "").split())[:MAX_REASON]
    order = order_lock(order)
    _check_order(order, centre)
    if DropOff.objects.filter(order=order, outcome=DropOff.Outcome.ACCEPTED).exists():
        raise Conflict(_("These goods were already taken in."), code="already_taken_in")
    declared = order.weight_grams or weight_grams
    flagged = weight_far_off(declared_g=declared, measured_g=weight_grams)
    if not accept:
        if not reason:
            raise ValidationFailed(
                _("Tell the seller what to fix before they come back."), details={"field": "reason"}
            )
        drop = DropOff.objects.create(
            centre=centre,
            order=order,
            agent=agent,
            outcome=DropOff.Outcome.REJECTED,
            weight_grams=weight_grams,
            declared_weight_g=declared,
            weight_flagged=flagged,
            items_counted=items_counted,
            count_ok=bool(count_ok),
            condition_ok=bool(condition_ok),
            standards_ok=bool(standards_ok),
            reason=reason,
        )
        _tell_seller(
            order,
            "drop_off_rejected",
            {"code": order.code, "centre": centre.name, "reason": reason},
        )
        audit.record("centers.drop_off_rejected", actor=agent, obj=order, data={"reason": reason})
        return drop
    if not (count_ok and condition_ok and standards_ok):
        raise ValidationFailed(
            _(
                "Accept only when the count, the condition and the standards mark are all right. Otherwise reject and say why."
            ),
            code="checklist_incomplete",
            details={"field": "checklist"},
        )
    if flagged and not weight_confirmed:
        raise WeightFarOff(
            _(
                "The scale says %(measured)s g but the order declares %(declared)s g. Weigh again, or confirm the weight."
            )
            % {"measured": weight_grams, "declared": declared},
            details={"field": "weight_grams", "declared_g": declared, "measured_g": weight_grams},
        )
    if order.status == S.PAID:
        # Bringing the goods of a paid order to the counter is the seller's acceptance.
        order_set_status(
            order=order,
            to=S.ACCEPTED,
            actor=agent,
            source="centre",
            reason=str(_("accepted at the drop-off counter")),
            notify=False,
        )
    pickup = order.shipping_method == "pickup" and order.pickup_centre_id
    parcel = parcel_create(
        origin_centre=centre.organisation,
        sender=_sender(order),
        recipient=_recipient(order, centre.organisation.phone),
        declared_weight_g=declared,
        reference=order.escrow_reference,
        delivery_method="pickup" if pickup else "door",
        destination_centre=order.pickup_centre.organisation if pickup else _door_centre(order),
        contents=", ".join(line.name for line in order.lines.all())[:120],
        declared_value=order.subtotal if order.currency == "IDR" else 0,
        dimensions_cm=dimensions_cm,
        actor=agent,
    )
    parcel = parcel_intake(
        parcel=parcel,
        actor=agent,
        measured_weight_g=weight_grams,
        dimensions_cm=dimensions_cm,
        accept=True,
        reason=str(_("Weighed and checked at the drop-off counter")),
    )
    order_set_status(
        order=order,
        to=S.HANDED_OVER,
        actor=agent,
        source="centre",
        reason=str(
            _("dropped off at %(centre)s, parcel %(parcel)s") % {"centre": centre.name, "parcel": parcel.code}
        ),
    )
    drop = DropOff.objects.create(
        centre=centre,
        order=order,
        agent=agent,
        outcome=DropOff.Outcome.ACCEPTED,
        weight_grams=weight_grams,
        declared_weight_g=declared,
        weight_flagged=flagged,
        items_counted=items_counted,
        count_ok=True,
        condition_ok=True,
        standards_ok=True,
        reason=reason,
        parcel=parcel,
    )
    _tell_seller(
        order,
        "drop_off_accepted",
        {"code": order.code, "centre": centre.name, "parcel": parcel.code, "grams": weight_grams},
    )
    audit.record(
        "centers.drop_off_accepted",
        actor=agent,
        obj=order,
        data={"parcel": parcel.public_id, "weight_grams": weight_grams, "flagged": flagged},
    )
    return drop
