"""Demo hook: turn a service-centre organisation into a working centre (called by the lead's demo).

    demo_centre(organisation=wonorejo_centre, villages=[wonorejo, *neighbours])

Safe to call again: it updates the same centre. It skips the platform-admin check that
``services.centre_create`` makes, because the demo loader acts as the platform itself.
"""

from __future__ import annotations

from django.db import transaction

from lumbung.accounts.models import Organisation, OrganisationKind
from lumbung.regions.models import Area, Level

from .models import ServiceCentre

# Village hours: mornings on weekdays, a short Saturday, closed on Sunday (local time).
DEMO_HOURS = {
    "hours_mon": "07.30–15.00",
    "hours_tue": "07.30–15.00",
    "hours_wed": "07.30–15.00",
    "hours_thu": "07.30–15.00",
    "hours_fri": "07.30–11.00, 13.30–15.00",
    "hours_sat": "08.00–12.00",
    "hours_sun": "",
}


def demo_centre(*, organisation: Organisation, villages: list[Area]) -> ServiceCentre:
    if organisation.kind != OrganisationKind.SERVICE_CENTRE:
        raise ValueError(f"{organisation} is not a service centre organisation")
    served = [v for v in villages if v.level == Level.VILLAGE]
    with transaction.atomic():
        centre, _created = ServiceCentre.objects.update_or_create(
            organisation=organisation,
            defaults={"address": organisation.address, "is_active": True, **DEMO_HOURS},
        )
        centre.villages.set(served)
    return centre


def demo_counter(*, centre: ServiceCentre, agent=None, buyer=None, variants=None) -> dict:
    """Make a centre's counter busy, through services only (safe to call again: it does it once).

    - a parcel taken in today and waiting for the courier;
    - a parcel on the shelf with a pickup code sent to the buyer;
    - a drop-off rejected with what the seller must fix;
    - a paid order waiting to be dropped off;
    - an assisted order for a villager without a phone, consent in person, paid in cash.
    ``variants`` default to published products of shops in the centre's villages; ``buyer`` to a
    demo buyer living in the centre's own village (pickup here).
    """
    from lumbung.accounts.models import AssistPurpose, User
    from lumbung.accounts.services import acting_for_record_in_person, villager_register_without_phone
    from lumbung.catalog.models import Variant
    from lumbung.logistics.services import parcel_set_status
    from lumbung.orders import services as orders
    from lumbung.payments.models import PaymentIntent
    from lumbung.payments.services import intent_mark_paid
    from lumbung.regions.selectors import postal_codes_of

    from . import selectors
    from .models import AssistedAct
    from .services import (
        assisted_cash_take,
        assisted_order_place,
        drop_off_intake,
        parcel_arrive,
        pickup_code_issue,
    )

    if AssistedAct.objects.filter(centre=centre, idempotency_key="demo-counter-order").exists():
        return {"created": False}
    agent = agent or selectors.centre_agents(centre).first().user
    home = centre.organisation.village
    if buyer is None:
        buyer, _new = User.objects.get_or_create(
            phone="+6281200007001", defaults={"name": "Ibu Ratna (demo)", "village": home, "language": "id"}
        )
    variants = list(
        variants
        or Variant.objects.filter(
            product__shop__village__in=centre.villages.all(),
            product__is_published=True,
            product__shop__is_active=True,
            is_active=True,
            stock__gte=5,
        ).order_by("pk")[:4]
    )
    if not variants:
        raise ValueError(f"no published products in the villages {centre} serves")
    codes = postal_codes_of(buyer.village)
    address = orders.Address(
        village=buyer.village,
        street="Dusun Krajan RT 02",
        postcode=codes[0].partition("-")[0] if codes else "",
        recipient_name=buyer.name,
        recipient_phone=buyer.phone,
    )

    def paid_order(variant, n):
        with transaction.atomic():
            cart = orders.cart_get_for_user(user=buyer)
            orders.cart_clear(cart=cart)
            orders.cart_add(cart=cart, variant=variant, quantity=1)
            order = orders.checkout_place(
                actor=buyer,
                buyer=buyer,
                cart=cart,
                address=address,
                shipping_method="pickup",
                payment_method="qris",
                idempotency_key=f"demo-counter-{centre.public_id}-{n}",
                pickup_centre=centre,
            ).orders[0]
        with transaction.atomic():
            intent_mark_paid(intent=PaymentIntent.objects.get(public_id=order.payment_intent), source="demo")
            orders.order_mark_paid(order=order, source="demo")
        order.refresh_from_db()
        return order

    def take_in(order, *, accept=True, reason=""):
        with transaction.atomic():
            return drop_off_intake(
                agent=agent,
                centre=centre,
                order=order,
                weight_grams=max(order.weight_grams, 1) + 15,
                items_counted=1,
                count_ok=True,
                condition_ok=True,
                standards_ok=accept,
                accept=accept,
                reason=reason,
            )

    pick = [variants[i % len(variants)] for i in range(4)]
    waiting_courier = take_in(paid_order(pick[0], 1)).parcel
    on_shelf = take_in(paid_order(pick[1], 2)).parcel
    with transaction.atomic():
        for to in ("batched", "handed_to_carrier", "in_transit"):
            on_shelf = parcel_set_status(parcel=on_shelf, to=to, source="demo")
        on_shelf = parcel_arrive(agent=agent, centre=centre, parcel=on_shelf)
        pickup_code_issue(parcel=on_shelf)
    rejected_order = paid_order(pick[2], 3)
    take_in(rejected_order, accept=False, reason="Nomor PIRT tidak tercetak pada kemasan")
    with transaction.atomic():
        villager = villager_register_without_phone(
            agent=agent, centre=centre.organisation, name="Mbah Sumi", village=home
        )
        acting_for_record_in_person(
            agent=agent,
            villager=villager,
            purpose=AssistPurpose.BUY,
            centre=centre.organisation,
            consent_note="KTP diperiksa, cap jempol di slip #001",
        )
        act = assisted_order_place(
            agent=agent,
            centre=centre,
            villager=villager,
            variant=pick[3],
            quantity=1,
            idempotency_key="demo-counter-order",
        )
    with transaction.atomic():
        assisted_cash_take(
            agent=agent,
            centre=centre,
            villager=villager,
            order=act.order,
            idempotency_key="demo-counter-cash",
        )
    return {
        "created": True,
        "waiting_for_courier": waiting_courier.code,
        "pickup_waiting": on_shelf.code,
        "rejected_order": rejected_order.code,
        "assisted_order": act.order.code,
    }
