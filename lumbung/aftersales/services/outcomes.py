"""How a case ends, and the money or goods that move with it.

- refund (full or part): ``orders.services.order_refund`` moves the money — out of the order's escrow
  before completion, clawed back from the seller's payable, the platform fee and the centre's
  commission after it. Its idempotency key is the case's, so a case refunds at most once. Orders
  refuses a refund larger than what is left (``refund_too_large``) and the message reaches the user;
  nothing of the case changes then. A *return* that is refunded also gets a return parcel.
- replacement: the order's money stays. The buyer brings the goods back to the case's centre (a
  return parcel to the seller) and the seller sends a replacement at no price (a parcel from the
  centre serving the shop's village, to the buyer through the case's centre).
- reject: nothing moves.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from lumbung.centers.selectors import centres_serving
from lumbung.core import audit
from lumbung.core.errors import DomainError, ValidationFailed
from lumbung.core.money import Money
from lumbung.logistics.models import ShippingMethod
from lumbung.logistics.services import Party, parcel_create
from lumbung.orders.selectors import shop_owners_phones
from lumbung.orders.services import order_refund

from ..models import Case
from ..notifications import _reachable, case_notify
from ..states import CaseKind, Remedy
from .common import Action, Role, S, case_set_status, event_record, hold_release


def _first(*values: str) -> str:
    return next((v.strip() for v in values if v and v.strip()), "")


def _buyer_party(case: Case) -> Party:
    order, buyer = case.order, case.buyer
    helper = case.filed_by or order.assisted_by
    phone = _first(
        order.recipient_phone,
        buyer.phone if _reachable(buyer) else "",
        helper.phone if _reachable(helper) else "",
        case.centre.organisation.phone if case.centre_id else "",
    )
    return Party(
        name=_first(order.recipient_name, buyer.name, buyer.phone),
        phone=phone,
        village=order.village,
        address=order.street,
        postcode=order.postcode,
    )


def _shop_party(case: Case) -> Party:
    shop = case.order.shop
    phones = shop_owners_phones(case.order)
    return Party(
        name=shop.name,
        phone=_first(*phones, shop.organisation.phone),
        village=shop.village,
        address=shop.organisation.address,
    )


def _weight(case: Case) -> int:
    lines = [c.line for c in case.lines.select_related("line")]
    grams = sum(line.weight_grams for line in lines) if lines else case.order.weight_grams
    return max(1, int(grams or 0))


def _return_parcel(case: Case, actor) -> None:
    if case.centre_id is None:
        event_record(
            case=case,
            action=Action.PARCEL,
            role=Role.SYSTEM,
            actor=actor,
            message=_(
                "No service centre serves this village: the return is arranged with the seller directly."
            ),
        )
        return
    parcel = parcel_create(
        origin_centre=case.centre.organisation,
        sender=_buyer_party(case),
        recipient=_shop_party(case),
        declared_weight_g=_weight(case),
        reference=f"aftersales:{case.public_id}",
        delivery_method=ShippingMethod.DOOR,
        contents=_("Return for case %(code)s") % {"code": case.code},
    )
    case.return_parcel = parcel
    case.save(update_fields=["return_parcel", "updated_at"])
    event_record(
        case=case,
        action=Action.PARCEL,
        role=Role.SYSTEM,
        actor=actor,
        message=_("Return parcel %(parcel)s: bring the goods to %(centre)s.")
        % {"parcel": parcel.code, "centre": case.centre.name},
    )


def _replacement_parcel(case: Case, actor) -> None:
    shop = case.order.shop
    origin = centres_serving(shop.village).first() or case.centre
    if origin is None:
        raise ValidationFailed(
            _("No service centre can carry a replacement for this order. Choose a refund instead."),
            details={"field": "remedy"},
        )
    order = case.order
    pickup = order.shipping_method == "pickup" and order.pickup_centre_id is not None
    destination = order.pickup_centre if pickup else case.centre
    parcel = parcel_create(
        origin_centre=origin.organisation,
        sender=_shop_party(case),
        recipient=_buyer_party(case),
        declared_weight_g=_weight(case),
        reference=f"aftersales:{case.public_id}",
        delivery_method=ShippingMethod.PICKUP if pickup else ShippingMethod.DOOR,
        destination_centre=destination.organisation if destination is not None else None,
        contents=_("Replacement for case %(code)s") % {"code": case.code},
        declared_value=0,
    )
    case.replacement_parcel = parcel
    case.save(update_fields=["replacement_parcel", "updated_at"])
    event_record(
        case=case,
        action=Action.PARCEL,
        role=Role.SYSTEM,
        actor=actor,
        message=_("Replacement parcel %(parcel)s: the seller drops it at %(centre)s.")
        % {"parcel": parcel.code, "centre": origin.name},
    )


def case_resolve(
    *,
    case: Case,
    remedy: str,
    amount: Money | None,
    actor,
    role: str,
    action: str,
    message: str,
    on_behalf_of=None,
) -> Case:
    """Apply ``remedy`` to a locked case and close it. The caller checked who may and owns the transaction."""
    if remedy not in Remedy.values:
        raise ValidationFailed(
            _("Choose a refund, a replacement or a rejection."), details={"field": "remedy"}
        )
    person = actor if getattr(actor, "pk", None) else None
    if remedy == Remedy.REFUND:
        if amount is None:
            raise ValidationFailed(_("Say how much to refund."), details={"field": "amount"})
        order_refund(
            order=case.order,
            amount=amount,
            actor=None,  # aftersales checked the decider; orders' own rule is for staff by hand
            reason=_("case %(code)s") % {"code": case.code} + (f": {message}" if message else ""),
            idempotency_key=f"case:{case.public_id}",
        )
        case.outcome_amount = amount.amount
        event_record(
            case=case,
            action=Action.REFUNDED,
            role=role,
            actor=person,
            on_behalf_of=on_behalf_of,
            message=_("Refund of %(amount)s sent to the buyer.") % {"amount": amount},
        )
    case.outcome = remedy
    case.decided_by = person
    case.save(update_fields=["outcome", "outcome_amount", "decided_by", "updated_at"])
    if remedy == Remedy.REPLACEMENT or (remedy == Remedy.REFUND and case.kind == CaseKind.RETURN):
        _return_parcel(case, person)
    if remedy == Remedy.REPLACEMENT:
        _replacement_parcel(case, person)
    case_set_status(
        case=case,
        to=S.RESOLVED,
        action=action,
        role=role,
        actor=person,
        on_behalf_of=on_behalf_of,
        message=message,
    )
    hold_release(case, actor=person)
    audit.record(
        "aftersales.resolve",
        actor=person,
        on_behalf_of=on_behalf_of,
        obj=case,
        data={"remedy": remedy, "amount": str(amount.amount) if amount is not None else "", "by": role},
    )
    case_notify(case, event="resolved", message=message, centre=case.escalated_at is not None)
    return case


def refund_amount(case: Case, value) -> Money:
    """A refund amount in the order's currency, above zero (orders checks what is left)."""
    if isinstance(value, Money):
        money = value
    else:
        try:
            money = Money(Decimal(str(value)), case.currency)
        except (InvalidOperation, ValueError, DomainError):
            raise ValidationFailed(_("Not a valid amount."), details={"field": "amount"}) from None
    if money.amount <= 0:
        raise ValidationFailed(_("A refund must be more than zero."), details={"field": "amount"})
    return money
