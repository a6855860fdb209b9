"""The last mile: parcels arriving at their centre, pickup codes, hand-over, door delivery, returns.

- A parcel on the shelf for pickup (or out for door delivery by a centre) gets a 6-digit pickup code
  for its recipient: only a salted HMAC is stored, it works once, and it expires after
  ``LUMBUNG_PICKUP_DAYS``. The code goes by SMS to the buyer (or the agent who ordered for them).
- The agent hands the parcel over when the buyer reads the code: parcel collected, order delivered
  (orders' state machine), after which orders' completion rules release the escrow.
- Door delivery by the centre's agent needs proof: the recipient's code, a photo (re-encoded to a
  small WebP) or a typed signature name.
- A parcel not collected in time goes back to the seller (periodic job); the buyer gets the goods'
  price back through ``orders.services.order_refund`` (orders books the money, never this app).
A wrong, used or expired code, or another centre's parcel, is refused and nothing changes. Too
many wrong codes for a parcel lock it out for a while (``lockout``).
"""

from __future__ import annotations

import io
import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import NO_PHONE_PREFIX
from lumbung.accounts.services.otp import code_hash, code_matches
from lumbung.core import audit
from lumbung.core.errors import DomainError, ValidationFailed
from lumbung.core.money import Money
from lumbung.core.periodic import periodic
from lumbung.core.permissions import require
from lumbung.logistics.models import Parcel
from lumbung.logistics.services import (
    parcel_collect,
    parcel_mark_delivered,
    parcel_out_for_delivery,
    parcel_ready_for_pickup,
    parcel_receive_at_centre,
    parcel_set_status,
)
from lumbung.logistics.status import P
from lumbung.notify.services import message_queue
from lumbung.orders.models import Order
from lumbung.orders.services import order_lock, order_refund, order_set_status
from lumbung.orders.states import OrderStatus

from .. import conf
from ..errors import NotAtCounter, OtherCentre, PickupCodeExpired, PickupCodeUsed, PickupCodeWrong
from ..models import DeliveryProof, PickupCode, ServiceCentre
from .intake import _tell_seller
from .lockout import pickup_failure_record, pickup_lock_check

log = logging.getLogger(__name__)
S = OrderStatus
PICKUP_CODE_LENGTH = 6
PHOTO_MAX_PX = 640
PHOTO_MAX_UPLOAD = 8 * 1024 * 1024
ORDER_PREFIX = "order:"


def order_of_parcel(parcel: Parcel) -> Order | None:
    reference = parcel.reference or ""
    if not reference.startswith(ORDER_PREFIX):
        return None
    return (
        Order.objects.select_related(
            "buyer", "assisted_by", "shop__organisation", "pickup_centre__organisation"
        )
        .filter(public_id=reference[len(ORDER_PREFIX) :])
        .first()
    )


def _centre_of_org(organisation) -> ServiceCentre | None:
    if organisation is None:
        return None
    return ServiceCentre.objects.select_related("organisation").filter(organisation=organisation).first()


def _reachable(user) -> bool:
    return bool(user and user.is_active and user.phone and not user.phone.startswith(NO_PHONE_PREFIX))


def _buyer_contact(order: Order | None):
    """The buyer, or for a villager without a phone the agent who ordered for them."""
    if order is None:
        return None
    if _reachable(order.buyer):
        return order.buyer
    return order.assisted_by if _reachable(order.assisted_by) else None


def _new_code() -> str:
    return f"{secrets.randbelow(10**PICKUP_CODE_LENGTH):0{PICKUP_CODE_LENGTH}d}"


def clean_pickup_code(raw: str) -> str:
    code = "".join(ch for ch in (raw or "") if not ch.isspace() and ch != "-")
    if len(code) != PICKUP_CODE_LENGTH or not code.isascii() or not code.isdigit():
        raise PickupCodeWrong(
            _("A pickup code is %(n)s digits.") % {"n": PICKUP_CODE_LENGTH}, details={"field": "code"}
        )
    return code


@transaction.atomic
def pickup_code_issue(*, parcel: Parcel, now=None) -> tuple[PickupCode, str] | None:
    """Give the parcel's recipient a fresh code (a parcel keeps one row; a new code replaces an unused one).

    Returns (row, the code in clear for the SMS) or None when the parcel is not for a centre's
    order, or its code was already used.
    """
    centre = _centre_of_org(parcel.destination_centre)
    order = order_of_parcel(parcel)
    if centre is None or order is None:
        return None
    now = now or timezone.now()
    raw = _new_code()
    existing = PickupCode.objects.select_for_update().filter(parcel=parcel).first()
    if existing is not None and existing.used_at is not None:
        return None
    expires = now + timedelta(days=conf.pickup_days())
    if existing is None:
        row = PickupCode.objects.create(
            centre=centre,
            parcel=parcel,
            order=order,
            code_hash=code_hash(raw),
            created_at=now,
            expires_at=expires,
        )
    else:
        existing.code_hash, existing.created_at, existing.expires_at = code_hash(raw), now, expires
        existing.save(update_fields=["code_hash", "created_at", "expires_at"])
        row = existing
    contact = _buyer_contact(order)
    if contact is not None:
        message_queue(
            to=contact.phone,
            template="pickup_code",
            context={
                "code": raw,
                "order": order.code,
                "parcel": parcel.code,
                "centre": centre.name,
                "address": centre.address,
                "days": conf.pickup_days(),
                "pickup": parcel.delivery_method == "pickup",
            },
            language=contact.language or "id",
        )
    return row, raw


def _own_parcel(centre: ServiceCentre, parcel: Parcel) -> None:
    if parcel.destination_centre_id != centre.organisation_id and not (
        parcel.destination_centre_id is None and parcel.origin_centre_id == centre.organisation_id
    ):
        raise OtherCentre(
            _("Parcel %(code)s is not for this centre. Nothing was changed.") % {"code": parcel.code},
            details={"parcel": parcel.code},
        )


def _check_code(row: PickupCode | None, code: str, now, parcel: Parcel) -> None:
    pickup_lock_check(parcel, now)
    if row is None:
        pickup_failure_record(parcel, now)
        raise PickupCodeWrong(details={"field": "code"})
    if row.used_at is not None:
        raise PickupCodeUsed(details={"field": "code"})
    if not code_matches(code, row.code_hash):
        pickup_failure_record(parcel, now)
        raise PickupCodeWrong(details={"field": "code"})
    if row.expires_at <= now:
        raise PickupCodeExpired(details={"field": "code"})


def _order_delivered(order: Order | None, agent, reason: str) -> None:
    if order is None:
        return
    order = order_lock(order)
    if order.status in (S.HANDED_OVER, S.IN_TRANSIT):
        order_set_status(order=order, to=S.DELIVERED, actor=agent, source="centre", reason=reason)


@transaction.atomic
def parcel_arrive(*, agent, centre: ServiceCentre, parcel: Parcel) -> Parcel:
    """The destination centre scans in a parcel the carrier brought: a pickup goes on the shelf."""
    require(agent, "centers.operate", centre)
    _own_parcel(centre, parcel)
    if parcel.status in (P.HANDED_TO_CARRIER, P.IN_TRANSIT, P.FAILED_DELIVERY):
        parcel = (
            parcel_receive_at_centre(parcel=parcel, actor=agent)
            if parcel.status != P.FAILED_DELIVERY
            else parcel
        )
    if parcel.status not in (P.AT_DESTINATION_HUB, P.FAILED_DELIVERY):
        raise NotAtCounter(
            _("Parcel %(code)s is “%(status)s”; it cannot be received now.")
            % {"code": parcel.code, "status": P(parcel.status).label},
            details={"parcel": parcel.code, "status": parcel.status},
        )
    if parcel.delivery_method == "pickup":
        parcel = parcel_ready_for_pickup(parcel=parcel, actor=agent)
    return parcel


@transaction.atomic
def pickup_hand_over(*, agent, centre: ServiceCentre, parcel: Parcel, code: str) -> Parcel:
    """The buyer read their code: the parcel is collected and the order delivered. Once."""
    require(agent, "centers.operate", centre)
    _own_parcel(centre, parcel)
    code = clean_pickup_code(code)
    now = timezone.now()
    row = PickupCode.objects.select_for_update().filter(parcel=parcel).first()
    _check_code(row, code, now, parcel)
    if parcel.status != P.READY_FOR_PICKUP:
        raise NotAtCounter(
            _("Parcel %(code)s is not on the shelf for pickup.") % {"code": parcel.code},
            details={"parcel": parcel.code, "status": parcel.status},
        )
    row.used_at, row.used_by = now, agent
    row.save(update_fields=["used_at", "used_by"])
    parcel = parcel_collect(parcel=parcel, actor=agent)
    _order_delivered(row.order, agent, str(_("collected at %(centre)s") % {"centre": centre.name}))
    audit.record("centers.pickup_hand_over", actor=agent, obj=row.order, data={"parcel": parcel.public_id})
    return parcel


@transaction.atomic
def door_delivery_start(*, agent, centre: ServiceCentre, parcel: Parcel) -> Parcel:
    """The centre's agent takes a door parcel out; the recipient gets a code to show at the door."""
    require(agent, "centers.operate", centre)
    _own_parcel(centre, parcel)
    if parcel.delivery_method != "door":
        raise NotAtCounter(_("This parcel waits for pickup at the counter."), details={"parcel": parcel.code})
    if parcel.status in (P.HANDED_TO_CARRIER, P.IN_TRANSIT):
        parcel = parcel_receive_at_centre(parcel=parcel, actor=agent)
    return parcel_out_for_delivery(parcel=parcel, actor=agent)


def photo_to_webp(data: bytes) -> bytes:
    """Re-encode an uploaded photo as a small WebP (≤ 640 px), or refuse what is not an image."""
    from PIL import Image, UnidentifiedImageError

    if not data or len(data) > PHOTO_MAX_UPLOAD:
        raise ValidationFailed(_("Take a photo of at most 8 MB."), details={"field": "photo"})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = image.convert("RGB")
            image.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX))
            out = io.BytesIO()
            image.save(out, format="WEBP", quality=60, method=4)
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationFailed(_("That file is not a photo."), details={"field": "photo"}) from None
    return out.getvalue()


@transaction.atomic
def door_deliver(
    *,
    agent,
    centre: ServiceCentre,
    parcel: Parcel,
    code: str = "",
    photo: bytes | None = None,
    signature_name: str = "",
) -> DeliveryProof:
    """Delivered at the door, with one proof: the recipient's code, a photo, or the name they signed."""
    require(agent, "centers.operate", centre)
    _own_parcel(centre, parcel)
    signature_name = " ".join((signature_name or "").split())[:120]
    given = [bool((code or "").strip()), bool(photo), bool(signature_name)]
    if sum(given) == 0:
        raise ValidationFailed(
            _("Prove the delivery: the recipient's code, a photo, or the name they signed."),
            code="proof_missing",
            details={"field": "proof"},
        )
    if parcel.status != P.OUT_FOR_DELIVERY:
        raise NotAtCounter(
            _("Parcel %(code)s is not out for delivery.") % {"code": parcel.code},
            details={"parcel": parcel.code, "status": parcel.status},
        )
    order = order_of_parcel(parcel)
    now = timezone.now()
    kind = DeliveryProof.Kind.SIGNATURE
    webp = None
    if (code or "").strip():
        clean = clean_pickup_code(code)
        row = PickupCode.objects.select_for_update().filter(parcel=parcel).first()
        _check_code(row, clean, now, parcel)
        row.used_at, row.used_by = now, agent
        row.save(update_fields=["used_at", "used_by"])
        kind = DeliveryProof.Kind.CODE
    elif photo:
        webp = photo_to_webp(photo)
        kind = DeliveryProof.Kind.PHOTO
    proof = DeliveryProof.objects.create(
        centre=centre,
        parcel=parcel,
        order=order,
        agent=agent,
        kind=kind,
        signature_name=signature_name if kind == DeliveryProof.Kind.SIGNATURE else "",
        photo_webp=webp,
        created_at=now,
    )
    parcel_mark_delivered(parcel=parcel, actor=agent)
    _order_delivered(order, agent, str(_("delivered to the door by %(centre)s") % {"centre": centre.name}))
    audit.record(
        "centers.door_delivered", actor=agent, obj=order, data={"parcel": parcel.public_id, "proof": kind}
    )
    return proof


def _return_one(pk: int) -> bool:
    with transaction.atomic():
        parcel = Parcel.objects.select_for_update().get(pk=pk)
        if parcel.status != P.READY_FOR_PICKUP:
            return False
        days = conf.pickup_days()
        reason = gettext("not collected within %(days)s days") % {"days": days}
        parcel_set_status(parcel=parcel, to=P.RETURNING, source="system", reason=reason)
        order = order_of_parcel(parcel)
        if order is None:
            return True
        goods = Money(order.subtotal, order.currency)
        left = order.refundable_money
        amount = goods if goods <= left else left
        if amount.amount > 0 and order.status in (S.HANDED_OVER, S.IN_TRANSIT):
            # Orders decides how; the shipping was spent carrying the goods, the goods' price goes back.
            order_refund(
                order=order,
                amount=amount,
                actor=None,
                reason=reason,
                idempotency_key=f"uncollected:{parcel.public_id}",
            )
        contact = _buyer_contact(order)
        context = {"order": order.code, "parcel": parcel.code, "days": days, "amount": str(amount)}
        if contact is not None:
            message_queue(
                to=contact.phone,
                template="pickup_returned_buyer",
                context=context,
                language=contact.language or "id",
            )
        _tell_seller(order, "pickup_returned_seller", context)
        return True


@periodic("centers.return_uncollected", every=timedelta(hours=1), atomic=False)
def uncollected_return() -> int:
    """Parcels on a shelf longer than the pickup days go back to the seller, each in its own transaction."""
    cutoff = timezone.now() - timedelta(days=conf.pickup_days())
    due = PickupCode.objects.filter(
        used_at__isnull=True, expires_at__lte=timezone.now(), parcel__status=P.READY_FOR_PICKUP
    ).values_list("parcel_id", flat=True)
    stale = Parcel.objects.filter(status=P.READY_FOR_PICKUP, status_changed_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    done = 0
    for pk in sorted(set(due) | set(stale)):
        try:
            done += _return_one(pk)
        except DomainError:
            log.exception("parcel %s: could not send back", pk)
    return done
