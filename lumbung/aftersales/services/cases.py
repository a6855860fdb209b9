"""The acts on a case: open, answer, accept or refuse an offer, withdraw, write, decide, refer.

Each locks what it changes (the order when opening, the case otherwise), checks who is asking and
the case's state, then writes — so a double submit, or a person racing a periodic job, is served
one after the other and the second is refused (or, through an Idempotency-Key, replayed).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import AssistPurpose
from lumbung.accounts.services import acting_for_require, assisted_act_record
from lumbung.centers.selectors import centres_serving
from lumbung.core import audit
from lumbung.core.errors import Forbidden, ValidationFailed
from lumbung.core.permissions import require
from lumbung.orders.errors import RefundTooLarge
from lumbung.orders.models import Order, OrderLine
from lumbung.orders.services import order_hold, order_lock
from lumbung.orders.states import OrderStatus

from .. import conf
from ..errors import CaseAlreadyOpen, WindowClosed, invalid
from ..models import Case, CaseLine, CasePhoto
from ..notifications import case_notify
from ..photos import photo_encode
from ..rules import is_buyer, is_mediating_agent, is_seller, is_staff
from ..states import ACTIVE, CaseKind, Remedy
from .common import (
    Action,
    Role,
    S,
    buyer_side,
    case_lock,
    case_set_status,
    clean_text,
    event_record,
    hold_release,
    mediator_role,
    must_be,
)
from .outcomes import case_resolve, refund_amount

MIN_REASON = 5


def _centre_for(order: Order):
    """The order's pickup centre, else the first active centre serving the delivery (or buyer's) village."""
    if order.pickup_centre_id is not None:
        return order.pickup_centre
    for village in (order.village, order.buyer.village):
        if village is not None:
            centre = centres_serving(village).first()
            if centre is not None:
                return centre
    return None


def window_open(order: Order, *, now=None) -> bool:
    """Delivered (or completed) and no more than the window since delivery."""
    now = now or timezone.now()
    return (
        order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
        and order.delivered_at is not None
        and now <= order.delivered_at + conf.window()
    )


def _lines(order: Order, lines) -> list[OrderLine]:
    if not lines:
        return []
    wanted = []
    for item in lines:
        public_id = item.public_id if isinstance(item, OrderLine) else str(item)
        if public_id not in wanted:
            wanted.append(public_id)
    found = {line.public_id: line for line in OrderLine.objects.filter(order=order, public_id__in=wanted)}
    if len(found) != len(wanted):
        raise invalid("lines", _("Choose items from this order."))
    return [found[p] for p in wanted]


@transaction.atomic
def case_open(
    *,
    actor,
    order: Order,
    kind: str,
    reason: str,
    lines: Iterable[OrderLine | str] | None = None,
    photos: Iterable = (),
    on_behalf_of=None,
) -> Case:
    """Open a return, complaint or dispute about ``order`` (or some of its lines).

    The buyer opens it, or an agent for the villager ``on_behalf_of`` with a live ``aftersales``
    consent grant. Allowed while the order is delivered (or completed) and within the window after
    delivery; the order's automatic completion waits while the case is active.
    """
    grant = None
    if on_behalf_of is not None:
        grant = acting_for_require(agent=actor, villager=on_behalf_of, purpose=AssistPurpose.AFTERSALES)
        if order.buyer_id != on_behalf_of.pk:
            raise Forbidden(_("This order was bought by someone else."))
    else:
        require(actor, "aftersales.open", order)
    if kind not in CaseKind.values:
        raise invalid("kind", _("Choose a return, a complaint or a dispute."))
    reason = clean_text(reason, field="reason", required=True, min_length=MIN_REASON)
    photos = [p for p in (photos or ()) if p]
    if len(photos) > conf.max_photos():
        raise invalid("photos", _("At most %(n)d photos, please.") % {"n": conf.max_photos()})
    encoded = [photo_encode(upload) for upload in photos]
    order = order_lock(order)
    if not window_open(order):
        if order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
            raise WindowClosed(details={"days": conf.window().days})
        raise WindowClosed(
            _("A problem can be reported once the order is delivered, and not after it was refunded."),
            details={"status": order.status},
        )
    existing = Case.objects.filter(order=order, status__in=ACTIVE).first()
    if existing is not None:
        raise CaseAlreadyOpen(details={"case": existing.public_id})
    chosen = _lines(order, lines)
    buyer = order.buyer
    case = Case.objects.create(
        order=order,
        kind=kind,
        reason=reason,
        buyer=buyer,
        filed_by=actor if grant is not None else None,
        centre=_centre_for(order),
        currency=order.currency,
        due_at=timezone.now() + conf.seller_time(),
    )
    CaseLine.objects.bulk_create([CaseLine(case=case, line=line) for line in chosen])
    for photo in encoded:
        CasePhoto.objects.create(
            case=case,
            webp=photo.data,
            width=photo.width,
            height=photo.height,
            bytes=len(photo.data),
            uploaded_by=actor,
        )
    event_record(
        case=case,
        action=Action.OPENED,
        role=Role.BUYER,
        actor=actor,
        on_behalf_of=buyer if grant is not None else None,
        message=reason,
        to_status=S.OPEN,
    )
    if order.status == OrderStatus.DELIVERED:
        order_hold(
            order=order, held=True, reason=str(_("case %(code)s open") % {"code": case.code}), actor=actor
        )
    data = {"order": order.public_id, "kind": kind, "lines": [line.public_id for line in chosen]}
    if grant is not None:
        assisted_act_record(grant=grant, action="aftersales.case_open", obj=case, data=data)
    else:
        audit.record("aftersales.case_open", actor=actor, obj=case, data=data)
    case_notify(case, event="opened", message=reason)
    return case


@transaction.atomic
def case_answer(*, actor, case: Case, remedy: str, amount=None, message: str = "") -> Case:
    """The seller offers a refund (full or part), a replacement, or rejects with a reason."""
    case = case_lock(case)
    require(actor, "aftersales.seller_act", case)
    must_be(case, S.OPEN, to=S.OFFERED)
    if remedy not in Remedy.values:
        raise invalid("remedy", _("Choose a refund, a replacement or a rejection."))
    message = clean_text(message, field="message", required=remedy == Remedy.REJECT)
    offer_amount = None
    if remedy == Remedy.REFUND:
        money = refund_amount(case, amount)
        left = case.order.refundable_money
        if money.currency != left.currency or money > left:
            raise RefundTooLarge(
                _("At most %(left)s is left to refund on this order.") % {"left": left},
                details={"left": str(left.amount), "currency": left.currency},
            )
        offer_amount = money.amount
    case.offer, case.offer_amount, case.offer_message = remedy, offer_amount, message
    case.offered_at = timezone.now()
    case.save(update_fields=["offer", "offer_amount", "offer_message", "offered_at", "updated_at"])
    case_set_status(
        case=case, to=S.OFFERED, action=Action.OFFERED, role=Role.SELLER, actor=actor, message=message
    )
    audit.record(
        "aftersales.answer", actor=actor, obj=case, data={"remedy": remedy, "amount": str(offer_amount or "")}
    )
    case_notify(case, event="offered", message=message)
    return case


@transaction.atomic
def case_accept(*, actor, case: Case, on_behalf_of=None) -> Case:
    """The buyer takes the seller's offer: the refund, replacement or rejection is carried out."""
    case = case_lock(case)
    grant = buyer_side(actor=actor, case=case, on_behalf_of=on_behalf_of)
    must_be(case, S.OFFERED, to=S.RESOLVED)
    case = case_resolve(
        case=case,
        remedy=case.offer,
        amount=case.offer_money,
        actor=actor,
        role=Role.BUYER,
        action=Action.ACCEPTED,
        message=case.offer_message,
        on_behalf_of=case.buyer if grant is not None else None,
    )
    if grant is not None:
        assisted_act_record(grant=grant, action="aftersales.accept", obj=case)
    return case


def escalate(
    case: Case, *, actor, role: str, message: str, on_behalf_of=None, action: str = Action.ESCALATED
) -> Case:
    """To the centre, or straight to the platform when no centre mediates."""
    if case.centre_id is not None and case.status in (S.OPEN, S.OFFERED):
        case_set_status(
            case=case,
            to=S.ESCALATED_CENTRE,
            action=action,
            role=role,
            actor=actor,
            on_behalf_of=on_behalf_of,
            message=message,
        )
        case_notify(case, event="escalated", message=message, centre=True)
    else:
        case_set_status(
            case=case,
            to=S.ESCALATED_PLATFORM,
            action=Action.TO_PLATFORM if action == Action.ESCALATED else action,
            role=role,
            actor=actor,
            on_behalf_of=on_behalf_of,
            message=message,
        )
        case_notify(case, event="to_platform", message=message, centre=case.escalated_at is not None)
    return case


@transaction.atomic
def case_refuse(*, actor, case: Case, message: str, on_behalf_of=None) -> Case:
    """The buyer refuses the seller's offer: the centre (or the platform) decides."""
    case = case_lock(case)
    grant = buyer_side(actor=actor, case=case, on_behalf_of=on_behalf_of)
    must_be(case, S.OFFERED, to=S.ESCALATED_CENTRE)
    message = clean_text(message, field="message", required=True)
    escalate(
        case,
        actor=actor,
        role=Role.BUYER,
        message=message,
        on_behalf_of=case.buyer if grant else None,
        action=Action.REFUSED,
    )
    if grant is not None:
        assisted_act_record(grant=grant, action="aftersales.refuse", obj=case)
    return case


@transaction.atomic
def case_withdraw(*, actor, case: Case, message: str = "", on_behalf_of=None) -> Case:
    case = case_lock(case)
    grant = buyer_side(actor=actor, case=case, on_behalf_of=on_behalf_of)
    message = clean_text(message, field="message", required=False)
    case_set_status(
        case=case,
        to=S.WITHDRAWN,
        action=Action.WITHDRAWN,
        role=Role.BUYER,
        actor=actor,
        on_behalf_of=case.buyer if grant else None,
        message=message,
    )
    hold_release(case, actor=actor)
    if grant is not None:
        assisted_act_record(grant=grant, action="aftersales.withdraw", obj=case)
    else:
        audit.record("aftersales.withdraw", actor=actor, obj=case)
    case_notify(case, event="withdrawn", message=message, centre=case.escalated_at is not None)
    return case


@transaction.atomic
def case_comment(*, actor, case: Case, message: str, on_behalf_of=None) -> Case:
    """A message on the timeline from the buyer, the seller or the mediator, while the case is active."""
    case = case_lock(case)
    if on_behalf_of is not None:
        buyer_side(actor=actor, case=case, on_behalf_of=on_behalf_of)
        role = Role.BUYER
    elif is_buyer(actor, case):
        role = Role.BUYER
    elif is_seller(actor, case):
        role = Role.SELLER
    elif is_mediating_agent(actor, case):
        role = Role.CENTRE
    elif is_staff(actor):
        role = Role.PLATFORM
    else:
        raise Forbidden()
    if not case.is_active:
        raise ValidationFailed(_("This case is closed."), code="case_closed")
    message = clean_text(message, field="message", required=True)
    event_record(
        case=case,
        action=Action.COMMENTED,
        role=role,
        actor=actor,
        on_behalf_of=case.buyer if on_behalf_of is not None else None,
        message=message,
    )
    case.save(update_fields=["updated_at"])
    case_notify(case, event="commented", message=message, centre=case.escalated_at is not None)
    return case


@transaction.atomic
def case_decide(*, actor, case: Case, remedy: str, amount=None, message: str) -> Case:
    """The centre's agent (while it mediates) or platform staff (once escalated) decide the case."""
    case = case_lock(case)
    require(actor, "aftersales.view", case)
    # Someone on the case who lost a race to decide is told it is decided, not that they may not.
    must_be(case, S.ESCALATED_CENTRE, S.ESCALATED_PLATFORM, to=S.RESOLVED)
    require(actor, "aftersales.decide", case)
    message = clean_text(message, field="message", required=True)
    money = refund_amount(case, amount) if remedy == Remedy.REFUND else None
    return case_resolve(
        case=case,
        remedy=remedy,
        amount=money,
        actor=actor,
        role=mediator_role(actor, case),
        action=Action.DECIDED,
        message=message,
    )


@transaction.atomic
def case_refer(*, actor, case: Case, message: str) -> Case:
    """The centre passes a case it cannot settle to the platform."""
    case = case_lock(case)
    require(actor, "aftersales.refer", case)
    message = clean_text(message, field="message", required=True)
    return escalate(case, actor=actor, role=Role.CENTRE, message=message, action=Action.TO_PLATFORM)
