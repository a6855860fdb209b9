"""Checkout: a cart becomes one order per shop, with stock held and a payment intent per currency.

Order of work inside the one transaction (the API or page owns it, under an idempotency key):
1. check the address (a real village, a postcode of that village) and the shipping method;
2. write the orders and lines, with fees from the fee rules and shipping from the logistics quote;
3. open each order's escrow account and create one payment intent per currency; queue the SMS,
   write the audit and empty the cart;
4. hold the stock with conditional UPDATEs, shops and variants in primary-key order so two
   checkouts touching the same variants cannot deadlock; a line that cannot be held refuses the
   whole checkout (``sold_out``) and nothing stays held, nor written: the transaction rolls back;
5. with the rows now locked, compare each price with the one the buyer saw; any difference refuses
   the checkout (``price_changed``, everything rolled back) until the buyer confirms the new prices.
Lines are priced at the price the buyer saw, which step 5 proves is the price under the row lock.

The stock is held last so that the row lock on a popular variant (every buyer of it queues there
until the holder commits) is held for as short a time as possible: a few statements, not the whole
checkout. When the cart as read already shows a line short of stock or with a new price, the stock
is held first instead, so ``sold_out`` and ``price_changed`` answer before any other refusal and
nothing is written in vain.
No outside provider is called here: payments calls the gateway after this transaction commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import AssistPurpose
from lumbung.accounts.services import acting_for_require, assisted_act_record
from lumbung.catalog.errors import SoldOut
from lumbung.catalog.models import Variant
from lumbung.catalog.services import stock_reserve_many
from lumbung.core import audit
from lumbung.core.ids import new_public_id
from lumbung.core.money import Money, quantum
from lumbung.logistics.services import shipping_quote
from lumbung.regions.models import Area, Country
from lumbung.regions.selectors import postal_codes_of

from .. import accounts, payments_port
from ..errors import CartEmpty, PriceChanged, ShippingUnavailable, invalid
from ..fees import FeeBook, percent_of
from ..models import Cart, CartLine, Order, OrderLine, ShippingMethod
from ..notifications import order_notify
from ..states import OrderStatus
from .lifecycle import event_record

MAX_STREET = 200
# Payments settles rupiah only (Midtrans, QRIS, a centre's drawer); other shops are paid in rupiah.
SETTLEMENT_CURRENCY = "IDR"
PAYABLE_CURRENCIES = frozenset({SETTLEMENT_CURRENCY})


@dataclass(frozen=True)
class Address:
    village: Area
    street: str
    postcode: str = ""
    recipient_name: str = ""
    recipient_phone: str = ""


@dataclass
class CheckoutResult:
    group: str
    orders: list[Order] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)


def postcode_check(*, village: Area, postcode: str) -> str:
    """The postcode, if it is one of the village's (a stored "low-high" range counts as a range)."""
    postcode = (postcode or "").strip().replace(" ", "")
    known = postal_codes_of(village)
    if not postcode:
        if known:
            raise invalid("postcode", _("Please enter the postcode (e.g. %(code)s).") % {"code": known[0]})
        return ""
    if not postcode.isdigit() or len(postcode) not in (5, 6):
        raise invalid("postcode", _("A postcode is 5 digits in Indonesia and 6 in China."))
    if not known:
        return postcode
    for entry in known:
        low, _sep, high = entry.partition("-")
        if postcode == low or (high and low <= postcode <= high):
            return postcode
    raise invalid(
        "postcode",
        _("%(postcode)s is not a postcode of %(village)s. Its postcode is %(known)s.")
        % {"postcode": postcode, "village": village.name, "known": ", ".join(known)},
    )


def address_clean(
    *, village: Area, street: str, postcode: str, recipient_name: str = "", recipient_phone: str = ""
) -> Address:
    street = " ".join((street or "").split())
    if not street:
        raise invalid("street", _("Please write the street, house number or landmark."))
    if len(street) > MAX_STREET:
        raise invalid("street", _("Please keep the street under 200 characters."))
    return Address(
        village=village,
        street=street,
        postcode=postcode_check(village=village, postcode=postcode),
        recipient_name=" ".join((recipient_name or "").split())[:120],
        recipient_phone=(recipient_phone or "").strip()[:20],
    )


def shipping_for(*, shop, destination: Area, weight_grams: int, method: str) -> Money:
    """The logistics quote in the shop's currency.

    Within China the seller ships through their own courier and prices it into the goods (Rural
    Taobao's way), so it is zero here; between China and Indonesia logistics refuses (export desk).
    """
    if shop.village.country == Country.CHINA and destination.country == Country.CHINA:
        return Money.zero(shop.currency)
    quote = shipping_quote(
        origin=shop.village, destination=destination, weight_grams=max(1, weight_grams), method=method
    )
    if quote.currency != shop.currency:
        raise ShippingUnavailable(details={"shop_currency": shop.currency, "quote_currency": quote.currency})
    return quote


def _pickup_check(*, method: str, centre, village: Area):
    if method not in ShippingMethod.values:
        raise invalid("shipping_method", _("Choose delivery to your door or pickup at a service centre."))
    if method == ShippingMethod.DOOR:
        return None
    if centre is None:
        raise invalid("pickup_centre", _("Choose the service centre where you will pick up."))
    if not centre.is_active or not centre.villages.filter(pk=village.pk).exists():
        raise invalid("pickup_centre", _("That service centre does not serve your village. Choose another."))
    return centre


def _lines_by_shop(cart: Cart) -> list[tuple[object, list[CartLine]]]:
    lines = list(
        CartLine.objects.filter(cart=cart)
        .select_related(
            "variant__product__shop__village",
            "variant__product__category",
            "variant__product__shop__organisation",
        )
        .order_by("variant__shop_id", "variant_id")
    )
    if not lines:
        raise CartEmpty()
    grouped: dict[int, list[CartLine]] = defaultdict(list)
    shops = {}
    for line in lines:
        shop = line.variant.product.shop
        product = line.variant.product
        if not (line.variant.is_active and product.is_published and shop.is_active):
            raise invalid(
                "variant",
                _("%(name)s is no longer for sale. Please remove it from your cart.")
                % {"name": product.name()},
            )
        grouped[shop.pk].append(line)
        shops[shop.pk] = shop
    return [(shops[pk], grouped[pk]) for pk in sorted(grouped)]


def _reserve(lines: list[CartLine], reference: str, actor, on_behalf_of) -> None:
    try:
        stock_reserve_many(
            lines=[(line.variant, line.quantity) for line in lines],
            reference=reference,
            actor=actor,
            on_behalf_of=on_behalf_of,
        )
    except SoldOut as exc:
        failed = next(
            (line for line in lines if line.variant.public_id == exc.details.get("variant")), lines[0]
        )
        left = Variant.objects.filter(pk=failed.variant_id).values_list("stock", flat=True).first() or 0
        name = failed.variant.product.name()
        message = (
            _("Sorry, %(name)s is sold out.") % {"name": name}
            if left == 0
            else _("Sorry, only %(left)s of %(name)s are left. Please lower the quantity.")
            % {"left": left, "name": name}
        )
        raise SoldOut(
            message, details={"variant": failed.variant.public_id, "requested": failed.quantity, "left": left}
        ) from None


def _price_changes(lines: list[CartLine]) -> list[dict]:
    current = dict(
        Variant.objects.filter(pk__in=[line.variant_id for line in lines]).values_list("pk", "price_amount")
    )
    changes = []
    for line in lines:
        now = current[line.variant_id]
        if now != line.price_seen:
            changes.append(
                {
                    "variant": line.variant.public_id,
                    "name": line.variant.product.name(),
                    "was": str(line.price_seen),
                    "now": str(now),
                    "currency": line.currency,
                }
            )
    return changes


def _settlement(currency: str, total: Money, rates: dict) -> tuple[str, Money, object]:
    """What the buyer pays in: the shop's currency if payments takes it, else rupiah at today's rate."""
    if currency in PAYABLE_CURRENCIES:
        return currency, total, None
    if currency not in rates:
        rates[currency] = payments_port.fx_rate_current(base=currency, quote=SETTLEMENT_CURRENCY)
    rate = rates[currency]
    amount = (total.amount * rate.rate).quantize(quantum(SETTLEMENT_CURRENCY), rounding=ROUND_HALF_UP)
    return SETTLEMENT_CURRENCY, Money(amount, SETTLEMENT_CURRENCY), rate


@transaction.atomic
def checkout_place(
    *,
    actor,
    buyer,
    cart: Cart,
    address: Address,
    shipping_method: str,
    payment_method: str,
    idempotency_key: str,
    pickup_centre=None,
) -> CheckoutResult:
    """Turn the cart into orders (one per shop). ``actor`` is the buyer, or an agent acting for them."""
    grant = None
    if actor.pk != buyer.pk:
        grant = acting_for_require(agent=actor, villager=buyer, purpose=AssistPurpose.BUY)
    centre = _pickup_check(method=shipping_method, centre=pickup_centre, village=address.village)
    commission_org = (
        grant.centre if grant is not None and grant.centre_id else (centre.organisation if centre else None)
    )
    groups = _lines_by_shop(cart)
    now = timezone.now()
    result = CheckoutResult(group=new_public_id())
    reserved_until = now + timedelta(minutes=settings.LUMBUNG_RESERVATION_MINUTES)
    on_behalf_of = buyer if grant is not None else None

    planned = [(new_public_id(), shop, lines) for shop, lines in groups]
    all_lines = [line for _s, lines in groups for line in lines]
    # The cart as read (no lock yet) already shows trouble: hold first, which refuses at once.
    held = any(
        line.variant.stock < line.quantity or line.variant.price_amount != line.price_seen
        for line in all_lines
    )
    if held:
        _hold(planned, all_lines, actor, on_behalf_of)

    book = FeeBook(now)
    book.note_categories(line.variant.product.category for line in all_lines)
    fx_rates: dict[str, object] = {}
    by_currency: dict[str, list[Order]] = defaultdict(list)
    for public_id, shop, lines in planned:
        currency = shop.currency
        weight = sum(line.variant.weight_grams * line.quantity for line in lines)
        shipping = shipping_for(
            shop=shop, destination=address.village, weight_grams=weight, method=shipping_method
        )
        order_lines = []
        subtotal = Money.zero(currency)
        fee = Money.zero(currency)
        commission = Money.zero(currency)
        for line in lines:
            variant, product = line.variant, line.variant.product
            # The price the buyer saw; _hold proves it is the price under the row lock.
            line_total = Money(line.price_seen, currency) * line.quantity
            rates = book.rates_for(product.category_id)
            line_fee = percent_of(line_total, rates.platform_fee_percent)
            if commission_org is not None:
                commission += percent_of(line_total, rates.centre_commission_percent)
            subtotal += line_total
            fee += line_fee
            order_lines.append(
                OrderLine(
                    variant=variant,
                    product=product,
                    name=f"{product.name()} — {variant.label}"[:240],
                    sku=variant.sku,
                    quantity=line.quantity,
                    unit_price=line.price_seen,
                    line_total=line_total.amount,
                    platform_fee=line_fee.amount,
                    weight_grams=variant.weight_grams * line.quantity,
                )
            )
        total = subtotal + shipping
        pay_currency, pay_total, rate = _settlement(currency, total, fx_rates)
        order = Order.objects.create(
            public_id=public_id,
            checkout_group=result.group,
            buyer=buyer,
            assisted_by=actor if grant is not None else None,
            shop=shop,
            currency=currency,
            subtotal=subtotal.amount,
            shipping=shipping.amount,
            platform_fee=fee.amount,
            centre_commission=commission.amount,
            total=total.amount,
            pay_currency=pay_currency,
            pay_total=pay_total.amount,
            fx_rate=rate.rate if rate is not None else None,
            fx_rate_ref=f"fxrate:{rate.public_id}" if rate is not None else "",
            commission_org=commission_org,
            village=address.village,
            street=address.street,
            postcode=address.postcode,
            recipient_name=address.recipient_name or buyer.name,
            recipient_phone=address.recipient_phone or buyer.phone,
            shipping_method=shipping_method,
            pickup_centre=centre,
            weight_grams=weight,
            payment_method=payment_method,
            reserved_until=reserved_until,
            placed_at=now,
        )
        for order_line in order_lines:
            order_line.order = order
        OrderLine.objects.bulk_create(order_lines)
        _cache_new_lines(order, order_lines)
        accounts.escrow_create(order)
        event_record(order=order, from_status="", to_status=OrderStatus.PLACED, actor=actor)
        by_currency[pay_currency].append(order)
        result.orders.append(order)

    for currency in sorted(by_currency):
        orders = by_currency[currency]
        intent = payments_port.intent_create(
            payer=buyer,
            allocations=[
                (
                    order.escrow_reference,
                    accounts.escrow_settlement_code(order),
                    Money(order.pay_total, order.pay_currency),
                )
                for order in orders
            ],
            method=payment_method,
            idempotency_key=f"checkout:{idempotency_key}:{currency}",
        )
        Order.objects.filter(pk__in=[o.pk for o in orders]).update(payment_intent=intent.public_id)
        for order in orders:
            order.payment_intent = intent.public_id
        result.intents.append(intent.public_id)

    for order in result.orders:
        order_notify(order)
        if grant is not None:
            assisted_act_record(
                grant=grant, action="orders.checkout", obj=order, data={"total": str(order.total)}
            )
        else:
            audit.record("orders.checkout", actor=actor, obj=order, data={"total": str(order.total)})
    CartLine.objects.filter(cart=cart).delete()
    if not held:
        _hold(planned, all_lines, actor, on_behalf_of)
    return result


def _hold(planned, all_lines: list[CartLine], actor, on_behalf_of) -> None:
    """Hold every line's stock (shops, then variants, in primary-key order), then check the prices
    under the row locks. Raises ``SoldOut`` or ``PriceChanged``; the caller's transaction rolls back.
    Called once per checkout."""
    for public_id, _shop, lines in planned:
        _reserve(lines, f"order:{public_id}", actor, on_behalf_of)
    changes = _price_changes(all_lines)
    if changes:
        raise PriceChanged(details={"lines": changes})


def _cache_new_lines(order: Order, lines: list[OrderLine]) -> None:
    """The order's lines as just written, so showing the new order reads nothing back: the lines
    (with their variant and product) and the fact that none is reviewed yet."""
    for line in lines:
        line._state.fields_cache["review"] = None
    # As prefetch_related leaves it: a queryset whose results are already there.
    queryset = order.lines.get_queryset()
    queryset._result_cache = list(lines)
    queryset._prefetch_done = True
    order._prefetched_objects_cache = {"lines": queryset}
