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


def demo_counter(*, centre: ServiceCentre, agent=None, buyer=None, variants=None, courier=None) -> dict:
    """Make a centre's counter busy, through services only (safe to call again: it does it once).

    The centre then holds a parcel in every state (``logistics.status.ParcelStatus``):

    - sellers' drop-offs of paid orders: one waiting for the courier (*accepted at the centre*),
      one on the shelf with a pickup code sent (*ready for pickup*), one *collected* with its code,
      two door orders the agent delivers herself (*out for delivery*, and *delivered* with the
      recipient's signature), and a drop-off rejected with what the seller must fix;
    - villagers' own parcels sent from the counter (walk-ins, no order): one registered and not
      yet weighed (*created*), one *refused* (liquid without a seal), one in the batch waiting for
      the courier (*batched*), and in the batch he took: *handed to the carrier*, *in transit*, *at
      the destination hub*, *delivery failed*, *returning*, *returned* and *lost*, as the carrier
      reported them;
    - an assisted order for a villager without a phone, consent in person, paid in cash.

    ``variants`` default to published products of shops in the centre's villages; ``buyer`` to a
    demo buyer living in the centre's own village (pickup here, or to her door); ``courier`` to
    the first courier of an active carrier organisation, whose carrier takes the batch (made a
    manual carrier, scans by the courier, if it is none yet).
    """
    from lumbung.accounts.models import AssistPurpose, User
    from lumbung.accounts.services import acting_for_record_in_person, villager_register_without_phone
    from lumbung.catalog.models import Variant
    from lumbung.logistics.services import (
        Party,
        batch_add_parcels,
        batch_close,
        batch_create,
        batch_hand_over,
        parcel_create,
        parcel_intake,
        parcel_set_status,
    )
    from lumbung.orders import services as orders
    from lumbung.payments.models import PaymentIntent
    from lumbung.payments.services import intent_mark_paid
    from lumbung.regions.selectors import postal_codes_of

    from . import selectors
    from .models import AssistedAct
    from .services import (
        assisted_cash_take,
        assisted_order_place,
        door_deliver,
        door_delivery_start,
        drop_off_intake,
        parcel_arrive,
        pickup_code_issue,
        pickup_hand_over,
    )

    if AssistedAct.objects.filter(centre=centre, idempotency_key="demo-counter-order").exists():
        return {"created": False}
    agent = agent or selectors.centre_agents(centre).first().user
    carrier, courier = _demo_carrier(courier)
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

    def paid_order(variant, n, method="pickup"):
        with transaction.atomic():
            cart = orders.cart_get_for_user(user=buyer)
            orders.cart_clear(cart=cart)
            orders.cart_add(cart=cart, variant=variant, quantity=1)
            order = orders.checkout_place(
                actor=buyer,
                buyer=buyer,
                cart=cart,
                address=address,
                shipping_method=method,
                payment_method="qris",
                idempotency_key=f"demo-counter-{centre.public_id}-{n}",
                pickup_centre=centre if method == "pickup" else None,
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

    def walk_in(sender_name, recipient_name, contents, grams, *, weigh=True):
        """A villager's own parcel, sent from the counter (no order behind it)."""
        with transaction.atomic():
            parcel = parcel_create(
                origin_centre=centre.organisation,
                sender=Party(name=sender_name, phone=agent.phone, village=home, address="Dusun Krajan"),
                recipient=Party(
                    name=recipient_name, phone="+6281200007002", village=far, address="Jl. Kenanga 4"
                ),
                declared_weight_g=grams,
                contents=contents,
                actor=agent,
            )
            if weigh:
                parcel = parcel_intake(parcel=parcel, actor=agent, measured_weight_g=grams + 40)
        return parcel

    def carrier_moves(parcel, *steps, reason=""):
        with transaction.atomic():
            for to in steps:
                parcel = parcel_set_status(parcel=parcel, to=to, source="carrier", reason=reason)
        return parcel

    # Where villagers' own parcels go: a village the centre does not serve (or its own, if none).
    far = (
        Area.objects.filter(level=Level.VILLAGE)
        .exclude(pk__in=centre.villages.all())
        .order_by("code")
        .first()
    )
    far = far or home
    pick = [variants[i % len(variants)] for i in range(7)]
    waiting_courier = take_in(paid_order(pick[0], 1)).parcel
    on_shelf = take_in(paid_order(pick[1], 2)).parcel
    to_collect = take_in(paid_order(pick[4], 4)).parcel
    to_door = take_in(paid_order(pick[5], 5, method="door")).parcel
    delivered = take_in(paid_order(pick[6], 6, method="door")).parcel
    rejected_order = paid_order(pick[2], 3)
    take_in(rejected_order, accept=False, reason="Nomor PIRT tidak tercetak pada kemasan")

    created = walk_in("Pak Slamet", "Rini (anaknya)", "Baju dan sarung", 1200, weigh=False)
    with transaction.atomic():
        refused = parcel_intake(
            parcel=walk_in("Bu Karti", "Yanto", "Madu hutan", 800, weigh=False),
            actor=agent,
            measured_weight_g=820,
            accept=False,
            reason="Cairan tanpa segel: dikemas ulang dulu",
        )
    travelling = {
        name: walk_in(sender, "Keluarga di rantau", contents, grams)
        for name, sender, contents, grams in (
            ("handed_to_carrier", "Pak Darto", "Keripik tempe", 600),
            ("in_transit", "Bu Sulastri", "Kopi bubuk", 500),
            ("at_destination_hub", "Pak Harun", "Sambal pecel", 400),
            ("failed_delivery", "Bu Wartini", "Kain batik", 300),
            ("returning", "Pak Mulyono", "Buku sekolah", 900),
            ("returned", "Bu Painem", "Jamu kunyit", 700),
            ("lost", "Pak Kasno", "Dompet kulit", 250),
        )
    }
    # The courier takes today's batch: the orders' parcels and the villagers' parcels.
    with transaction.atomic():
        taken = batch_create(origin_centre=centre.organisation, carrier=carrier, actor=agent)
        batch_add_parcels(
            batch=taken, parcels=[on_shelf, to_collect, to_door, delivered, *travelling.values()], actor=agent
        )
        batch_close(batch=taken, actor=agent)
    with transaction.atomic():
        batch_hand_over(batch=taken, courier=courier)
    # The afternoon batch, closed and waiting for the courier to take it (he confirms on his page).
    batched = walk_in("Bu Tumini", "Pak Lurah Sumberejo", "Bibit cabai", 1500)
    with transaction.atomic():
        waiting = batch_create(origin_centre=centre.organisation, carrier=carrier, actor=agent)
        batch_add_parcels(batch=waiting, parcels=[batched], actor=agent)
        batch_close(batch=waiting, actor=agent)
    # What the carrier reported for the villagers' parcels.
    moved = {"handed_to_carrier": travelling["handed_to_carrier"]}
    moved["in_transit"] = carrier_moves(travelling["in_transit"], "in_transit")
    moved["at_destination_hub"] = carrier_moves(
        travelling["at_destination_hub"], "in_transit", "at_destination_hub"
    )
    moved["failed_delivery"] = carrier_moves(
        travelling["failed_delivery"],
        "in_transit",
        "out_for_delivery",
        "failed_delivery",
        reason="Rumah kosong, dicoba lagi besok",
    )
    moved["returning"] = carrier_moves(
        travelling["returning"], "in_transit", "returning", reason="Alamat tidak ditemukan"
    )
    moved["returned"] = carrier_moves(
        travelling["returned"], "in_transit", "returning", "returned", reason="Penerima menolak paket"
    )
    moved["lost"] = carrier_moves(travelling["lost"], "lost", reason="Tidak ditemukan di gudang transit")
    # The orders' parcels come back to this centre (the buyer lives here): one goes on the shelf, one
    # is collected with the code, and the agent takes two to the door.
    on_shelf, to_collect, to_door, delivered = (
        carrier_moves(parcel, "in_transit") for parcel in (on_shelf, to_collect, to_door, delivered)
    )
    with transaction.atomic():
        on_shelf = parcel_arrive(agent=agent, centre=centre, parcel=on_shelf)
        pickup_code_issue(parcel=on_shelf)
    with transaction.atomic():
        to_collect = parcel_arrive(agent=agent, centre=centre, parcel=to_collect)
        _row, code = pickup_code_issue(parcel=to_collect)
        collected = pickup_hand_over(agent=agent, centre=centre, parcel=to_collect, code=code)
    with transaction.atomic():
        out = door_delivery_start(agent=agent, centre=centre, parcel=to_door)
    with transaction.atomic():
        delivered = door_delivery_start(agent=agent, centre=centre, parcel=delivered)
        door_deliver(agent=agent, centre=centre, parcel=delivered, signature_name=buyer.name)
        delivered.refresh_from_db()
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
    parcels = {
        "created": created,
        "refused": refused,
        "accepted_at_centre": waiting_courier,
        "batched": batched,
        **moved,
        "out_for_delivery": out,
        "delivered": delivered,
        "ready_for_pickup": on_shelf,
        "collected": collected,
    }
    return {
        "created": True,
        "waiting_for_courier": waiting_courier.code,
        "pickup_waiting": on_shelf.code,
        "rejected_order": rejected_order.code,
        "assisted_order": act.order.code,
        "parcels": {status: parcel.code for status, parcel in parcels.items()},
    }


def _demo_carrier(courier=None):
    """The carrier the demo's courier works for (a manual one, scans by the courier, made if missing)."""
    from lumbung.accounts.models import Membership, Role
    from lumbung.logistics.models import Carrier

    memberships = Membership.objects.filter(
        role=Role.COURIER,
        is_active=True,
        organisation__kind=OrganisationKind.CARRIER,
        organisation__is_active=True,
    ).select_related("organisation", "user")
    membership = (memberships.filter(user=courier) if courier else memberships).order_by("pk").first()
    if membership is None:
        raise ValueError("demo_counter needs a courier of a carrier organisation")
    carrier, _created = Carrier.objects.get_or_create(
        organisation=membership.organisation,
        defaults={"name": membership.organisation.name, "adapter": Carrier.Adapter.MANUAL},
    )
    return carrier, membership.user
