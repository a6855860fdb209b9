"""Orders pages: cart, checkout, my orders, an order's timeline, the seller's incoming orders, reviews.

Every page works without JavaScript. Money-moving forms (checkout, cancel, confirm receipt) carry a
one-time key from ``new_form_key``: a double submit takes effect once and shows the first result.
A service error is shown on the page and nothing is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lumbung.accounts.models import Organisation
from lumbung.catalog.models import Variant
from lumbung.core.errors import DomainError
from lumbung.core.idempotency import fingerprint, new_form_key, run_idempotent, scope_for

from . import selectors, services
from .errors import PriceChanged
from .forms import CheckoutForm, QuantityForm, ReasonForm, ReviewForm
from .models import ShippingMethod
from .states import OrderStatus

SESSION_CART = "orders_cart_token"


def _cart(request, *, create: bool = False):
    """The visitor's cart. After login, an anonymous session's cart is merged into the user's."""
    if request.user.is_authenticated:
        token = request.session.pop(SESSION_CART, None)
        if token:
            anonymous = services.cart_get_for_session(token=token, create=False)
            if anonymous is not None:
                with transaction.atomic():
                    services.cart_merge(source=anonymous, user=request.user)
        return services.cart_get_for_user(user=request.user)
    token = request.session.get(SESSION_CART)
    cart = services.cart_get_for_session(token=token, create=create)
    if cart is not None and cart.session_token != token:
        request.session[SESSION_CART] = cart.session_token
    return cart


def _next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return default


def _variant(public_id: str) -> Variant:
    variant = Variant.objects.select_related("product__shop").filter(public_id=public_id).first()
    if variant is None:
        raise Http404
    return variant


# --- cart -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cart(request):
    cart_ = _cart(request, create=request.method == "POST")
    errors = {}
    if request.method == "POST" and cart_ is not None:
        action = request.POST.get("action", "")
        try:
            with transaction.atomic():
                if action == "confirm_prices":
                    services.cart_confirm_prices(cart=cart_)
                    messages.success(request, _("Thank you. The cart now shows today's prices."))
                elif action == "remove":
                    services.cart_remove(cart=cart_, variant=_variant(request.POST.get("variant", "")))
                elif action == "set":
                    services.cart_set_quantity(
                        cart=cart_,
                        variant=_variant(request.POST.get("variant", "")),
                        quantity=request.POST.get("quantity"),
                    )
            return redirect(_next(request, reverse("orders:cart")))
        except DomainError as exc:
            errors[request.POST.get("variant", "")] = str(exc.message)
    view = selectors.cart_view(cart_)
    status = 422 if errors else 200
    return render(request, "orders/cart.html", {"view": view, "errors": errors}, status=status)


@require_http_methods(["GET", "POST"])
def cart_add(request):
    """The product page posts here (variant + quantity); without a product page, GET shows a form."""
    variant = _variant(request.POST.get("variant") or request.GET.get("variant", ""))
    form = QuantityForm(request.POST or None, initial={"variant": variant.public_id, "quantity": 1})
    if request.method == "POST" and form.is_valid():
        cart_ = _cart(request, create=True)
        try:
            services.cart_add(cart=cart_, variant=variant, quantity=form.cleaned_data["quantity"])
        except DomainError as exc:
            form.add_error("quantity", str(exc.message))
        else:
            messages.success(request, _("Added to your cart."))
            return redirect(_next(request, reverse("orders:cart")))
    status = 422 if form.errors else 200
    return render(request, "orders/cart_add.html", {"form": form, "variant": variant}, status=status)


# --- checkout ---------------------------------------------------------------------------------------


def _centres_for(village):
    if village is None:
        return []
    # The reverse side of centers.ServiceCentre.villages: orders reads it without importing centers.
    return list(
        village.service_centres.filter(is_active=True).select_related("organisation").order_by("address")
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    cart_ = _cart(request)
    view = selectors.cart_view(cart_)
    if not view.groups:
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    initial = {
        "village": request.user.village,
        "form_key": new_form_key(),
        "recipient_name": request.user.name,
    }
    form = CheckoutForm(request.POST or None, initial=initial)
    price_changes = view.changed
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        centre = None
        if data["shipping_method"] == ShippingMethod.PICKUP and data.get("pickup_centre"):
            organisation = Organisation.objects.filter(public_id=data["pickup_centre"]).first()
            centre = getattr(organisation, "service_centre", None) if organisation else None

        def place():
            address = services.address_clean(
                village=data["village"],
                street=data["street"],
                postcode=data["postcode"],
                recipient_name=data["recipient_name"],
                recipient_phone=data["recipient_phone"],
            )
            result = services.checkout_place(
                actor=request.user,
                buyer=request.user,
                cart=cart_,
                address=address,
                shipping_method=data["shipping_method"],
                pickup_centre=centre,
                payment_method=data["payment_method"],
                idempotency_key=data["form_key"],
            )
            return 200, {"group": result.group, "orders": [o.public_id for o in result.orders]}

        try:
            answer = run_idempotent(
                scope=scope_for(request.user),
                key=data["form_key"],
                request_fingerprint=fingerprint("checkout-form", request.path),
                func=place,
            )
        except PriceChanged:
            price_changes = selectors.cart_view(cart_).changed
            form.add_error(None, _("Some prices changed. Please look at the new prices and confirm them."))
        except DomainError as exc:
            field = exc.details.get("field")
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            orders = answer.body.get("orders", [])
            messages.success(request, _("Thank you! Your order is placed. Please pay to confirm it."))
            if len(orders) == 1:
                return redirect("orders:detail", public_id=orders[0])
            return redirect(reverse("orders:mine") + "?group=" + answer.body.get("group", ""))
    village = form.picker.final if form.is_bound else request.user.village
    context = {
        "form": form,
        "view": view,
        "price_changes": price_changes,
        "centres": _centres_for(village),
    }
    return render(request, "orders/checkout.html", context, status=422 if form.errors else 200)


# --- orders -----------------------------------------------------------------------------------------


@login_required
def orders_mine(request):
    qs = selectors.orders_of_buyer(user=request.user)
    group = request.GET.get("group")
    if group:
        qs = qs.filter(checkout_group=group)
    rows, next_cursor = selectors.page(qs, cursor=request.GET.get("cursor"), limit=20)
    return render(
        request, "orders/order_list.html", {"orders": rows, "next_cursor": next_cursor, "selling": False}
    )


@login_required
def orders_selling(request):
    status = request.GET.get("status") or None
    if status not in OrderStatus.values:
        status = None
    qs = selectors.orders_of_seller(user=request.user, status=status)
    rows, next_cursor = selectors.page(qs, cursor=request.GET.get("cursor"), limit=20)
    context = {
        "orders": rows,
        "next_cursor": next_cursor,
        "selling": True,
        "status": status,
        "statuses": OrderStatus.choices,
        "reason_form": ReasonForm(initial={"form_key": new_form_key()}),
    }
    return render(request, "orders/order_list.html", context)


def _order(request, public_id: str):
    try:
        return selectors.order_for_viewer(public_id=public_id, user=request.user)
    except DomainError:
        raise Http404 from None


@login_required
def order_detail(request, public_id: str):
    order = _order(request, public_id)
    from lumbung.core.permissions import can

    context = {
        "order": order,
        "form_key": new_form_key(),
        "can_buyer_cancel": can(request.user, "orders.buyer_cancel", order),
        "is_seller": can(request.user, "orders.seller_act", order),
        "can_deliver": can(request.user, "orders.mark_delivered", order),
        "can_confirm": can(request.user, "orders.confirm_received", order)
        and order.status == OrderStatus.DELIVERED,
        "can_review": can(request.user, "orders.review", order)
        and order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED),
        "sees_fees": can(request.user, "orders.seller_act", order)
        or can(request.user, "orders.staff", order),
        "tracking": selectors.order_tracking(order),
    }
    return render(request, "orders/order_detail.html", context)


ACTS = {
    "accept": lambda order, user, reason: services.order_accept(order=order, actor=user),
    "hand_over": lambda order, user, reason: services.order_hand_over(order=order, actor=user),
    "deliver": lambda order, user, reason: services.order_mark_delivered(order=order, actor=user),
    "cancel": lambda order, user, reason: services.order_cancel(order=order, actor=user, reason=reason),
    "confirm": lambda order, user, reason: services.order_complete(order=order, actor=user),
}
# Lazy: built at import, shown in the language of whoever acted.
DONE = {
    "accept": gettext_lazy("Order accepted. Please prepare it and hand it over."),
    "hand_over": gettext_lazy("Marked as handed over."),
    "deliver": gettext_lazy("Marked as delivered."),
    "cancel": gettext_lazy("Order cancelled. Any payment is refunded in full."),
    "confirm": gettext_lazy("Thank you! The seller is now paid."),
}


@login_required
@require_POST
def order_act(request, public_id: str, act: str):
    if act not in ACTS:
        raise Http404
    order = _order(request, public_id)
    form = ReasonForm(request.POST)
    back = _next(request, reverse("orders:detail", kwargs={"public_id": order.public_id}))
    if not form.is_valid():
        messages.error(request, _("The form has expired. Please try again."))
        return redirect(back)

    def run():
        ACTS[act](order, request.user, form.cleaned_data["reason"])
        return 200, {"order": order.public_id}

    try:
        run_idempotent(
            scope=scope_for(request.user),
            key=form.cleaned_data["form_key"],
            request_fingerprint=fingerprint("order-act", act, order.public_id),
            func=run,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, str(DONE[act]))
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def review(request, public_id: str, line: str):
    order = _order(request, public_id)
    try:
        line_ = selectors.line_for_review(order=order, line_public_id=line)
    except DomainError:
        raise Http404 from None
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.review_create(
                    actor=request.user,
                    line=line_,
                    stars=form.cleaned_data["stars"],
                    text=form.cleaned_data["text"],
                )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you for your review."))
            return redirect("orders:detail", public_id=order.public_id)
    return render(
        request,
        "orders/review.html",
        {"form": form, "order": order, "line": line_},
        status=422 if form.errors else 200,
    )
