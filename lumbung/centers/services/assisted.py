"""Assisted commerce: an agent acts at the counter for a villager without a phone or data.

Every act first asks accounts for the villager's consent (``acting_for_require``: a code the
villager read out, or in-person consent recorded for someone without a phone), for the right
purpose (buy, sell), from *this* centre. Without it the act is refused and nothing changes. Each act
is written to the audit log for both people (``assisted_act_record``) and as an ``AssistedAct`` row:
the receipt, printed as a slip and sent by SMS when the villager has a phone.

The acts call the owning apps' services: orders (checkout with pickup at this centre and cash,
accepting an order for a seller), payments (``cash_receive``), catalog (``product_create`` on the
villager's behalf), and after-sales (a complaint filed for the villager, through the port after-sales
registers in ``centers.ports``: centres never import it). The agent's commission on these orders is credited by orders at completion.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import NO_PHONE_PREFIX, ActingFor, AssistPurpose
from lumbung.accounts.services import acting_for_require, assisted_act_record
from lumbung.catalog.models import Shop, Variant
from lumbung.core.errors import Forbidden, ValidationFailed
from lumbung.core.money import Money, format_money
from lumbung.core.permissions import can, require
from lumbung.notify.services import message_queue
from lumbung.orders.models import Order
from lumbung.orders.services import (
    address_clean,
    cart_add,
    cart_get_for_session,
    checkout_place,
    order_lock,
    order_set_status,
)
from lumbung.orders.states import OrderStatus
from lumbung.regions.selectors import postal_codes_of

from ..errors import NotAtCounter, OtherCentre
from ..models import AssistedAct, ServiceCentre
from ..ports import aftersales

S = OrderStatus
K = AssistedAct.Kind
CASE_PREFIX = "case:"


def consent_for(*, agent, centre: ServiceCentre, villager, purpose: str) -> ActingFor:
    """The villager's consent for this agent, purpose and centre, or ``Forbidden`` (nothing done)."""
    require(agent, "centers.operate", centre)
    grant = acting_for_require(agent=agent, villager=villager, purpose=purpose)
    if grant.centre_id != centre.organisation_id:
        raise Forbidden(
            _("The villager agreed to help from another centre. Ask for their consent here."),
            code="no_consent",
        )
    return grant


def _key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 128:
        raise ValidationFailed(_("This act has no idempotency key."), details={"field": "idempotency_key"})
    return key


def _existing(centre: ServiceCentre, key: str) -> AssistedAct | None:
    return AssistedAct.objects.filter(centre=centre, idempotency_key=key).first()


def _receipt(
    *,
    grant: ActingFor,
    centre: ServiceCentre,
    kind: str,
    key: str,
    summary: str,
    order: Order | None = None,
    reference: str = "",
    amount: Money | None = None,
    action: str,
    obj=None,
) -> AssistedAct:
    act = AssistedAct.objects.create(
        centre=centre,
        agent=grant.agent,
        villager=grant.villager,
        grant=grant,
        kind=kind,
        order=order,
        reference=reference[:64],
        summary=summary[:255],
        amount=amount.amount if amount is not None else None,
        currency=amount.currency if amount is not None else "",
        idempotency_key=key,
    )
    assisted_act_record(
        grant=grant,
        action=action,
        obj=obj if obj is not None else order,
        data={"receipt": act.public_id, "summary": summary},
    )
    villager = grant.villager
    if villager.has_own_phone and villager.phone and not villager.phone.startswith(NO_PHONE_PREFIX):
        message_queue(
            to=villager.phone,
            template="assisted_receipt",
            context={
                "receipt": act.public_id,
                "centre": centre.name,
                "agent": grant.agent.get_full_name() or grant.agent.phone,
                "summary": summary,
                "amount": format_money(amount) if amount is not None else "",
            },
            language=villager.language or "id",
        )
    return act


def _once(centre: ServiceCentre, key: str, make) -> AssistedAct:
    existing = _existing(centre, key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return make()
    except IntegrityError:
        existing = _existing(centre, key)
        if existing is None:
            raise
        return existing


def assisted_order_place(
    *, agent, centre: ServiceCentre, villager, variant: Variant, quantity: int, idempotency_key: str
) -> AssistedAct:
    """Order for the villager, picked up at this centre and paid in cash here (the drawer)."""
    key = _key(idempotency_key)
    grant = consent_for(agent=agent, centre=centre, villager=villager, purpose=AssistPurpose.BUY)
    village = villager.village
    if village is None or not centre.villages.filter(pk=village.pk).exists():
        raise ValidationFailed(
            _("This centre does not serve the villager's village: they pick up at their own centre."),
            details={"field": "villager"},
        )

    def make() -> AssistedAct:
        cart = cart_get_for_session(token=None, create=True)
        cart_add(cart=cart, variant=variant, quantity=quantity)
        codes = postal_codes_of(village)
        address = address_clean(
            village=village,
            street=str(_("Pickup at %(centre)s") % {"centre": centre.name}),
            postcode=codes[0].partition("-")[0] if codes else "",
            recipient_name=villager.name,
            recipient_phone=villager.phone,
        )
        result = checkout_place(
            actor=agent,
            buyer=villager,
            cart=cart,
            address=address,
            shipping_method="pickup",
            payment_method="cash",
            idempotency_key=f"assist:{centre.public_id}:{key}",
            pickup_centre=centre,
        )
        order = result.orders[0]
        cart.delete()
        summary = _("Order %(code)s: %(qty)s × %(name)s, pick up at %(centre)s, pay %(total)s in cash") % {
            "code": order.code,
            "qty": quantity,
            "name": variant.product.name(),
            "centre": centre.name,
            "total": format_money(Money(order.pay_total, order.pay_currency)),
        }
        return _receipt(
            grant=grant,
            centre=centre,
            kind=K.ORDER,
            key=key,
            summary=str(summary),
            order=order,
            reference=order.escrow_reference,
            amount=Money(order.pay_total, order.pay_currency),
            action="centers.assisted_order",
        )

    return _once(centre, key, make)


def assisted_cash_take(
    *, agent, centre: ServiceCentre, villager, order: Order, idempotency_key: str
) -> AssistedAct:
    """The villager pays their order in cash at this counter (``payments.cash_receive``)."""
    from lumbung.payments.selectors import intent_by_public_id
    from lumbung.payments.services import cash_receive

    key = _key(idempotency_key)
    grant = consent_for(agent=agent, centre=centre, villager=villager, purpose=AssistPurpose.BUY)
    if order.buyer_id != villager.pk:
        raise Forbidden(_("This is not the villager's order."), code="not_villagers_order")
    intent = intent_by_public_id(order.payment_intent) if order.payment_intent else None
    if intent is None:
        raise NotAtCounter(_("This order has no payment waiting."), details={"order": order.code})

    def make() -> AssistedAct:
        cash_receive(
            intent=intent, agent=agent, centre_org=centre.organisation, idempotency_key=f"assist:{key}"
        )
        amount = intent.total
        summary = _("Cash %(amount)s received for order %(code)s") % {
            "amount": format_money(amount),
            "code": order.code,
        }
        return _receipt(
            grant=grant,
            centre=centre,
            kind=K.CASH,
            key=key,
            summary=str(summary),
            order=order,
            reference=intent.public_id,
            amount=amount,
            action="centers.assisted_cash",
        )

    return _once(centre, key, make)


def assisted_product_list(
    *,
    agent,
    centre: ServiceCentre,
    villager,
    shop: Shop,
    category,
    name: str,
    price: Decimal,
    stock: int,
    weight_grams: int,
    unit: str = "pack",
    label: str = "",
    idempotency_key: str,
) -> AssistedAct:
    """List a product for the villager's shop (catalog checks the villager runs it; quality gates it)."""
    from lumbung.catalog.services import product_create

    key = _key(idempotency_key)
    grant = consent_for(agent=agent, centre=centre, villager=villager, purpose=AssistPurpose.SELL)

    def make() -> AssistedAct:
        product = product_create(
            actor=agent,
            shop=shop,
            category=category,
            name_id=name,
            unit=unit,
            variants=[
                {
                    "sku": f"AS-{key[-8:].upper()}",
                    "label": label or name,
                    "price": str(price),
                    "stock": stock,
                    "weight_grams": weight_grams,
                }
            ],
            submit=True,
            on_behalf_of=villager,
        )
        summary = _("Listed %(name)s in %(shop)s at %(price)s") % {
            "name": name,
            "shop": shop.name,
            "price": format_money(Money(Decimal(price), shop.currency)),
        }
        return _receipt(
            grant=grant,
            centre=centre,
            kind=K.LISTING,
            key=key,
            summary=str(summary),
            reference=f"product:{product.public_id}",
            action="centers.assisted_listing",
            obj=product,
        )

    return _once(centre, key, make)


def assisted_order_accept(
    *, agent, centre: ServiceCentre, villager, order: Order, idempotency_key: str
) -> AssistedAct:
    """Accept a paid order for the villager who runs the shop (they have no phone to do it)."""
    key = _key(idempotency_key)
    grant = consent_for(agent=agent, centre=centre, villager=villager, purpose=AssistPurpose.SELL)
    if not can(villager, "orders.seller_act", order):
        raise Forbidden(_("The villager does not run the shop of this order."), code="not_villagers_shop")
    if not centre.villages.filter(pk=order.shop.village_id).exists():
        raise OtherCentre(details={"order": order.code})

    def make() -> AssistedAct:
        locked = order_lock(order)
        if locked.status != S.PAID:
            raise NotAtCounter(
                _("Order %(code)s is %(status)s; only a paid order waits for acceptance.")
                % {"code": locked.code, "status": S(locked.status).label},
                details={"order": locked.code, "status": locked.status},
            )
        order_set_status(
            order=locked,
            to=S.ACCEPTED,
            actor=agent,
            source="centre",
            reason=str(_("accepted for the seller at %(centre)s") % {"centre": centre.name}),
        )
        summary = _("Accepted order %(code)s for %(shop)s") % {"code": locked.code, "shop": locked.shop.name}
        return _receipt(
            grant=grant,
            centre=centre,
            kind=K.ACCEPT,
            key=key,
            summary=str(summary),
            order=locked,
            reference=locked.escrow_reference,
            action="centers.assisted_accept",
        )

    return _once(centre, key, make)


def assisted_case_open(
    *,
    agent,
    centre: ServiceCentre,
    villager,
    order: Order,
    kind: str,
    reason: str,
    lines=None,
    photos=(),
    idempotency_key: str,
) -> AssistedAct:
    """File a return, complaint or dispute for the villager: after-sales' ``case_open`` on their behalf.

    Needs the villager's ``aftersales`` consent from this centre; the case and its receipt are
    written together or not at all.
    """
    port = aftersales()
    if port is None:
        raise NotAtCounter(_("Complaints cannot be filed at the counter yet."))
    key = _key(idempotency_key)
    grant = consent_for(agent=agent, centre=centre, villager=villager, purpose=AssistPurpose.AFTERSALES)
    if order.buyer_id != villager.pk:
        raise Forbidden(_("This is not the villager's order."), code="not_villagers_order")

    def make() -> AssistedAct:
        case = port.case_open(
            actor=agent,
            order=order,
            kind=kind,
            reason=reason,
            lines=lines,
            photos=photos,
            on_behalf_of=villager,
        )
        summary = _("%(kind)s filed about order %(code)s: case %(case)s") % {
            "kind": case.kind,
            "code": order.code,
            "case": case.public_id,
        }
        return _receipt(
            grant=grant,
            centre=centre,
            kind=K.COMPLAINT,
            key=key,
            summary=str(summary),
            order=order,
            reference=f"{CASE_PREFIX}{case.public_id}",
            action="centers.assisted_case",
        )

    return _once(centre, key, make)
