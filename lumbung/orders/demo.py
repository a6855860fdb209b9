"""Demo hook: orders in every state, paid every way the demo can settle without outside providers.

Called by the lead's demo loader (``lumbung/web/demo_data.py``) once shops have published products::

    from lumbung.orders.demo import demo_orders
    demo_orders(
        buyers=[people["buyer_ayu"], people["buyer_wahyu"]],
        variants=list_of_published_idr_variants,      # from two or more shops
        staff=cast.admin,                              # platform staff: refunds, QRIS report, payouts
        centre=wonorejo_service_centre,                # optional: pickup, cash, commission
        agent=people["agent_dewi"],                    # optional: the centre's agent who takes cash
        courier=people["courier_joko"],                # optional: reports "on the way" / "delivered"
    )

Everything goes through the real services, as the people would act: the buyer checks out and
confirms receipt, the centre's agent takes cash (``payments.cash_receive``), finance uploads the
acquirer's static-QRIS settlement report (``payments.qris_settlement_import``), the seller accepts,
hands over and cancels, staff refund, the seller asks for a payout and staff put it in a batch for
the bank. Refunds of static-QRIS payments and the payout batch are left waiting for finance's bank
transfer and the bank's result file, as they would be at the end of a day. (Confirming either books
rupiah into ``bank:platform:main``, which the export desk's demo opens in USD, so it is refused.)

What payments would announce after commit (``payments.intent_paid``) is also applied at once through
``order_mark_paid`` (idempotent, the handler's own service), so the story holds even inside a
caller's transaction.

The orders it leaves (one shop each, one unit each):

| state | payment | notes |
|---|---|---|
| placed | static QRIS, pending | the QR code is on the payment page |
| placed | Midtrans BCA VA, pending | no gateway runs in the demo: the page says it keeps trying |
| paid | cash at the centre | pickup; waiting for the seller (centre's commission) |
| accepted, handed_over, in_transit | static QRIS, settled by report | door delivery |
| delivered | cash at the centre | pickup, collected at the centre |
| completed | static QRIS | escrow released; the seller's payable paid out in a batch |
| completed | cash at the centre | pickup: the centre earns its commission |
| completed | static QRIS | after a partial refund (fee shrinks in proportion) |
| cancelled | static QRIS, settled | the seller cancelled: full refund |
| refunded | cash at the centre | delivered, then refunded in full from the drawer |

Without a ``centre`` (or its agent) the cash/pickup orders are paid by static QRIS and delivered to
the door instead. ``handed_over`` is reached through orders' own ``order_hand_over`` (the seller),
no centres code. The periodic jobs keep running on them afterwards (unpaid orders lapse after
``LUMBUNG_RESERVATION_MINUTES``, delivered ones complete after ``LUMBUNG_ORDER_COMPLETE_DAYS``).

Safe to call again: a second call finds its first checkout and does nothing. All of it runs in one
transaction, so a failure leaves nothing half-made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from lumbung.accounts.models import Membership, Role
from lumbung.core.money import Money
from lumbung.ledger.models import LedgerAccount
from lumbung.payments import services as payments
from lumbung.payments.models import Method, PaymentIntent, PayoutBatch
from lumbung.payments.models import Status as PaymentStatus
from lumbung.regions.selectors import postal_codes_of

from . import services
from .accounts import seller_payable_code
from .models import Order, ShippingMethod
from .states import OrderStatus

KEY = "demo-orders"
STREETS = ("Jl. Melati", "Dusun Krajan RT 02", "Jl. Kenanga", "Gang Mawar")
S = OrderStatus


@dataclass
class DemoOrders:
    """What ``demo_orders`` made: ``created`` is False when it had run before (then nothing else)."""

    created: bool
    orders: dict[str, Order] = field(default_factory=dict)
    payout_batch: PayoutBatch | None = None


@dataclass(frozen=True)
class _Plan:
    name: str
    target: str
    cash: bool = False  # pickup at the centre, cash at its counter (falls back to QRIS at the door)
    method: str = Method.QRIS


PLANS = [
    _Plan("placed_qris", S.PLACED),
    _Plan("placed_va", S.PLACED, method=Method.GATEWAY_VA_BCA),
    _Plan("paid_cash", S.PAID, cash=True),
    _Plan("accepted", S.ACCEPTED),
    _Plan("handed_over", S.HANDED_OVER),
    _Plan("in_transit", S.IN_TRANSIT),
    _Plan("delivered_pickup", S.DELIVERED, cash=True),
    _Plan("completed", S.COMPLETED),
    _Plan("completed_pickup", S.COMPLETED, cash=True),
    _Plan("completed_after_partial_refund", S.COMPLETED),
    _Plan("cancelled_by_seller", S.CANCELLED),
    _Plan("refunded", S.REFUNDED, cash=True),
]
# The order of the states along the way (cancelled and refunded branch off it).
PATH = [S.PLACED, S.PAID, S.ACCEPTED, S.HANDED_OVER, S.IN_TRANSIT, S.DELIVERED, S.COMPLETED]


def is_loaded() -> bool:
    return PaymentIntent.objects.filter(idempotency_key__startswith=f"checkout:{KEY}:").exists()


def demo_orders(
    *,
    buyers: Sequence,
    variants: Sequence,
    staff,
    centre=None,
    agent=None,
    courier=None,
) -> DemoOrders:
    """Create the demo's orders (see the module docstring); a second call does nothing.

    ``buyers``: users with a village (taken in turn). ``variants``: published, active IDR variants
    with stock, ideally from several shops (taken in turn, one unit per order). ``staff``: a
    platform staff user. ``centre``: a ``centers.ServiceCentre`` (pickup, cash, commission) and
    ``agent``: a user holding ``centre_agent`` there (default: its first agent). ``courier``: a user
    holding the courier role (default: the seller reports the trip).
    """
    if is_loaded():
        return DemoOrders(created=False)
    buyers = [b for b in buyers if b.village_id]
    variants = [v for v in variants if v.is_active and v.stock > 0]
    if not buyers or not variants:
        raise ValueError("demo_orders needs buyers with a village and variants with stock")
    if centre is not None and agent is None:
        membership = (
            Membership.objects.filter(
                organisation=centre.organisation, role=Role.CENTRE_AGENT, is_active=True
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        agent = membership.user if membership else None
    with_centre = centre is not None and agent is not None

    with transaction.atomic():
        result = DemoOrders(created=True)
        for n, plan in enumerate(PLANS):
            cash = plan.cash and with_centre
            buyer = buyers[n % len(buyers)]
            order = _place(
                buyer=buyer,
                variant=variants[n % len(variants)],
                plan=plan,
                centre=centre if cash else None,
                n=n,
            )
            result.orders[plan.name] = order

        # Money in: the agent counts the cash; finance uploads the day's QRIS settlement report.
        to_settle = []
        for plan in PLANS:
            order = result.orders[plan.name]
            if plan.target == S.PLACED:
                continue
            if order.payment_method == Method.CASH:
                payments.cash_receive(
                    intent=_intent(order),
                    agent=agent,
                    centre_org=centre.organisation,
                    idempotency_key=f"{KEY}:cash:{order.public_id}",
                )
            else:
                to_settle.append(order)
        if to_settle:
            report = payments.qris_settlement_import(text=_settlement_report(to_settle), actor=staff)
            if report["unmatched"]:
                raise RuntimeError(f"the demo's QRIS report did not match: {report['unmatched']}")
        for plan in PLANS:
            order = result.orders[plan.name]
            if plan.target == S.PLACED:
                continue
            if _intent(order).status != PaymentStatus.PAID:
                raise RuntimeError(f"the demo payment for {order.code} was not booked")
            # What the payments.intent_paid handler does after commit, done now (idempotent).
            result.orders[plan.name] = services.order_mark_paid(order=order)

        for plan in PLANS:
            result.orders[plan.name] = _advance(
                result.orders[plan.name], plan=plan, staff=staff, courier=courier, centre=centre
            )
        result.payout_batch = _payout(result.orders["completed"], staff=staff)
    return result


# --- steps ---------------------------------------------------------------------------------------
def _place(*, buyer, variant, plan: _Plan, centre, n: int) -> Order:
    village = buyer.village
    if centre is not None and not centre.villages.filter(pk=village.pk).exists():
        village = centre.villages.order_by("pk").first()  # sent to family in a village it serves
    codes = postal_codes_of(village)
    address = services.address_clean(
        village=village,
        street=f"{STREETS[n % len(STREETS)]} No. {n + 1}",
        postcode=codes[0].partition("-")[0] if codes else "",
        recipient_name=buyer.name,
        recipient_phone=buyer.phone,
    )
    cart = services.cart_get_for_user(user=buyer)
    services.cart_clear(cart=cart)
    services.cart_add(cart=cart, variant=variant, quantity=1)
    checkout = services.checkout_place(
        actor=buyer,
        buyer=buyer,
        cart=cart,
        address=address,
        shipping_method=ShippingMethod.PICKUP if centre is not None else ShippingMethod.DOOR,
        pickup_centre=centre,
        payment_method=Method.CASH if centre is not None else plan.method,
        idempotency_key=f"{KEY}:{plan.name}",
    )
    return checkout.orders[0]


def _intent(order: Order) -> PaymentIntent:
    return PaymentIntent.objects.get(public_id=order.payment_intent)


def _settlement_report(orders: list[Order]) -> str:
    """The acquirer's CSV: one row per static-QRIS payment, with the switch's reference number."""
    rows = ["transaction_time,reference,amount,rrn"]
    for n, order in enumerate(orders, start=1):
        intent = _intent(order)
        rows.append(f"{intent.created_at:%Y-%m-%d %H:%M:%S},{intent.public_id},{intent.amount},DEMO{n:08d}")
    return "\n".join(rows) + "\n"


def _owner(order: Order):
    return (
        Membership.objects.filter(organisation_id=order.shop.organisation_id, role=Role.OWNER, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )


def _advance(order: Order, *, plan: _Plan, staff, courier, centre) -> Order:
    seller = _owner(order)
    pickup = order.shipping_method == ShippingMethod.PICKUP
    if plan.target == S.CANCELLED:
        order = services.order_cancel(order=order, actor=seller, reason="Stok habis setelah hujan")
        return order
    stop = S.DELIVERED if plan.target == S.REFUNDED else plan.target
    wanted = PATH[: PATH.index(stop) + 1]
    traveller = courier or seller
    if S.ACCEPTED in wanted:
        order = services.order_accept(order=order, actor=seller)
    if S.HANDED_OVER in wanted:
        order = services.order_hand_over(order=order, actor=seller)
    if S.IN_TRANSIT in wanted and not pickup:
        order = services.order_in_transit(order=order, actor=traveller)
    if S.DELIVERED in wanted:
        if pickup:
            # The buyer collected it at the counter: the centre's desk reports it (no centres code).
            order = services.order_mark_delivered(
                order=order, source="centre", reason=f"collected at {centre.organisation.name}"
            )
        else:
            order = services.order_mark_delivered(order=order, actor=traveller)
    if plan.name == "completed_after_partial_refund":
        part = Money((order.subtotal / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP), order.currency)
        order = services.order_refund(
            order=order,
            amount=part,
            actor=staff,
            reason="Satu kemasan rusak dalam perjalanan",
            idempotency_key=f"{KEY}:partial",
        )
    if plan.target == S.REFUNDED:
        order = services.order_refund(
            order=order,
            amount=order.refundable_money,
            actor=staff,
            reason="Barang tidak sesuai pesanan",
            idempotency_key=f"{KEY}:refunded",
        )
    if plan.target == S.COMPLETED:
        order = services.order_complete(order=order, actor=order.buyer)
    order.refresh_from_db()
    return order


def _payout(order: Order, *, staff) -> PayoutBatch | None:
    """The seller of a completed order asks for what they are owed; staff batch it for the bank."""
    organisation = order.shop.organisation
    code = seller_payable_code(organisation.public_id)
    account = LedgerAccount.objects.filter(code=code).first()
    if account is None or account.balance <= 0:
        return None
    owner = _owner(order)
    payments.payout_request(
        owner_org=organisation,
        account_code=code,
        amount=Money(account.balance, account.currency),
        destination=payments.Destination(
            bank_code="014",
            account_number=f"{7000000000 + organisation.pk}",
            account_name=re.sub(r'[,;"\n]', " ", owner.name or organisation.name)[:70],
        ),
        actor=owner,
    )
    return payments.payout_batch_create(actor=staff, currency=account.currency)
