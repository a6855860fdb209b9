"""The agent console and counter pages: drop-offs, the last mile, assisted commerce, commission.

Server-rendered, tiny and working without JavaScript. Every state-changing form carries a one-time
key and runs through ``run_idempotent`` inside one transaction, so a double submit acts once and a
refusal (shown on the form) leaves nothing half-saved. Only this centre's agents work its counter
(403 for anyone else); a buyer sees only their own pickups.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lumbung.core.errors import DomainError
from lumbung.core.idempotency import fingerprint, new_form_key, run_idempotent, scope_for
from lumbung.core.permissions import can

from . import selectors, services
from .errors import OtherCentre
from .forms import (
    AssistedListingForm,
    AssistedOrderForm,
    CodeLookupForm,
    ConsentCodeForm,
    DoorProofForm,
    InPersonConsentForm,
    IntakeForm,
    OrderActForm,
    PickupCodeForm,
    VillagerNoPhoneForm,
    VillagerPhoneForm,
    form_error_add,
)
from .models import AssistedAct, ServiceCentre
from .ports import aftersales
from .views import _base_context, _centre_or_404


def _operate(request, public_id: str) -> ServiceCentre:
    centre = _centre_or_404(public_id)
    if not can(request.user, "centers.operate", centre):
        raise PermissionDenied
    return centre


def _once(request, key: str, parts: tuple, func):
    def run():
        result = func()
        return 200, {"ok": True, "result": result}

    with transaction.atomic():
        return run_idempotent(
            scope=scope_for(request.user), key=key, request_fingerprint=fingerprint(*parts), func=run
        ).body.get("result")


def _order_by_public_id(public_id: str):
    from lumbung.orders.models import Order

    return (
        Order.objects.select_related("shop__village", "shop__organisation", "buyer")
        .filter(public_id=public_id)
        .first()
    )


# --- console ------------------------------------------------------------------------------------------


@login_required
def console_home(request):
    """The home page's "counter" link: straight to my centre's console."""
    centre = selectors.centre_for_agent(request.user)
    if centre is None:
        if can(request.user, "centers.manage"):
            return redirect("centers:index")
        raise PermissionDenied
    return redirect("centers:counter", public_id=centre.public_id)


@login_required
def counter(request, public_id: str):
    centre = _centre_or_404(public_id)
    if not can(request.user, "centers.view_cash", centre):
        raise PermissionDenied
    today = selectors.centre_today(centre)
    context = _base_context(request, centre)
    context.update(
        drop_offs=list(selectors.drop_offs_on(centre, today)[:30]),
        to_batch=list(selectors.parcels_to_batch(centre)[:30]),
        pickups=list(selectors.parcels_waiting_pickup(centre)[:30]),
        incoming=list(selectors.parcels_incoming(centre)[:30]),
        assisted=list(selectors.assisted_acts(centre, day=today)[:30]),
        cases=list(port.escalated_cases(centre))[:30] if (port := aftersales()) is not None else None,
        lookup=CodeLookupForm(),
    )
    return render(request, "centers/console.html", context)


# --- drop-off intake ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def intake(request, public_id: str):
    centre = _operate(request, public_id)
    lookup = CodeLookupForm(request.GET or None)
    order = None
    error = ""
    form = None
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            order = _order_by_public_id(form.cleaned_data["order"])
            if order is None:
                raise Http404
            data = form.cleaned_data
            accept = request.POST.get("decision") != "reject"
            try:
                parcel_code = _once(
                    request,
                    data["form_key"],
                    ("centers.intake", centre.public_id, order.public_id, accept, data["weight_grams"]),
                    lambda: _intake(request, centre, order, data, accept),
                )
            except DomainError as exc:
                form_error_add(form, exc)
            else:
                if parcel_code:
                    messages.success(
                        request, _("Accepted. Parcel %(code)s: print its label.") % {"code": parcel_code}
                    )
                else:
                    messages.success(request, _("Rejected. The seller was told what to fix."))
                return redirect("centers:counter", public_id=centre.public_id)
        else:
            order = _order_by_public_id(request.POST.get("order", ""))
    elif lookup.is_valid():
        from lumbung.orders.selectors import order_by_code

        order = order_by_code(lookup.cleaned_data["q"])
        if order is None:
            lookup.add_error("q", _("No order has this code. Check it with the seller."))
        elif not services.order_is_for_centre(order, centre):
            error = str(OtherCentre.default_message)
            order = None
        else:
            form = IntakeForm(
                initial={
                    "order": order.public_id,
                    "form_key": new_form_key(),
                    "items_counted": sum(line.quantity for line in order.lines.all()),
                }
            )
    context = _base_context(request, centre)
    context.update(lookup=lookup, order=order, form=form, error=error)
    return render(request, "centers/intake.html", context)


def _intake(request, centre, order, data, accept) -> str:
    drop = services.drop_off_intake(
        agent=request.user,
        centre=centre,
        order=order,
        weight_grams=data["weight_grams"],
        items_counted=data["items_counted"],
        count_ok=data["count_ok"],
        condition_ok=data["condition_ok"],
        standards_ok=data["standards_ok"],
        accept=accept,
        reason=data["reason"],
        weight_confirmed=data["weight_confirmed"],
    )
    return drop.parcel.code if drop.parcel_id else ""


# --- last mile ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def parcel_desk(request, public_id: str):
    """Scan a parcel (label or order code): receive it, hand it over with the code, deliver at the door."""
    centre = _operate(request, public_id)
    q = request.GET.get("q") or request.POST.get("q") or ""
    lookup = CodeLookupForm({"q": q} if q else None)
    parcel = selectors.parcel_for_counter(centre, q) if q else None
    error = ""
    code_form = PickupCodeForm(initial={"form_key": new_form_key()})
    door_form = DoorProofForm(initial={"form_key": new_form_key()})
    if q and parcel is None:
        lookup.is_valid()
        lookup.add_error("q", _("No parcel has this code."))
    if parcel is not None and centre.organisation_id not in (
        parcel.destination_centre_id,
        parcel.origin_centre_id,
    ):
        error = str(OtherCentre.default_message)
        parcel = None
    if parcel is not None and request.method == "POST":
        action = request.POST.get("action", "")
        key = request.POST.get("form_key", "")
        try:
            if action == "arrive":
                _once(
                    request,
                    key,
                    ("centers.arrive", parcel.public_id),
                    lambda: services.parcel_arrive(agent=request.user, centre=centre, parcel=parcel).status,
                )
                messages.success(request, _("Parcel %(code)s received.") % {"code": parcel.code})
            elif action == "door_start":
                _once(
                    request,
                    key,
                    ("centers.door_start", parcel.public_id),
                    lambda: (
                        services.door_delivery_start(agent=request.user, centre=centre, parcel=parcel).status
                    ),
                )
                messages.success(request, _("Parcel %(code)s is out for delivery.") % {"code": parcel.code})
            elif action == "hand_over":
                code_form = PickupCodeForm(request.POST)
                if not code_form.is_valid():
                    raise _FormInvalid
                _once(
                    request,
                    key,
                    ("centers.hand_over", parcel.public_id),
                    lambda: (
                        services.pickup_hand_over(
                            agent=request.user,
                            centre=centre,
                            parcel=parcel,
                            code=code_form.cleaned_data["code"],
                        ).status
                    ),
                )
                messages.success(request, _("Handed over. Order delivered."))
            elif action == "door_deliver":
                door_form = DoorProofForm(request.POST, request.FILES)
                if not door_form.is_valid():
                    raise _FormInvalid
                data = door_form.cleaned_data
                photo = data["photo"].read() if data.get("photo") else None
                _once(
                    request,
                    key,
                    ("centers.door_deliver", parcel.public_id),
                    lambda: (
                        services.door_deliver(
                            agent=request.user,
                            centre=centre,
                            parcel=parcel,
                            code=data["code"],
                            photo=photo,
                            signature_name=data["signature_name"],
                        ).kind
                    ),
                )
                messages.success(request, _("Delivered at the door."))
            else:
                raise Http404
        except _FormInvalid:
            pass
        except DomainError as exc:
            target = door_form if action == "door_deliver" else code_form
            form_error_add(target, exc)
        else:
            return redirect(reverse("centers:parcel_desk", args=[centre.public_id]) + f"?q={parcel.code}")
        parcel.refresh_from_db()
    context = _base_context(request, centre)
    context.update(
        lookup=lookup,
        parcel=parcel,
        error=error,
        code_form=code_form,
        door_form=door_form,
        form_key=new_form_key(),
        q=q,
    )
    return render(request, "centers/parcel_desk.html", context)


class _FormInvalid(Exception):
    pass


# --- assisted commerce ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assist(request, public_id: str):
    """Start helping a villager: by phone (a consent code) or without one (register, then in person)."""
    from lumbung.accounts.selectors import acting_for_active_of_agent
    from lumbung.accounts.services import acting_for_start, villager_register_without_phone

    centre = _operate(request, public_id)
    phone_form = VillagerPhoneForm(prefix="p")
    nophone_form = VillagerNoPhoneForm(prefix="n")
    if request.method == "POST":
        try:
            with transaction.atomic():
                if "p-phone" in request.POST:
                    phone_form = VillagerPhoneForm(request.POST, prefix="p")
                    if phone_form.is_valid():
                        grant = acting_for_start(
                            agent=request.user,
                            villager_phone=phone_form.cleaned_data["phone"],
                            purpose=phone_form.cleaned_data["purpose"],
                            centre=centre.organisation,
                        )
                        return redirect(
                            "centers:assist_villager",
                            public_id=centre.public_id,
                            villager_id=grant.villager.public_id,
                        )
                else:
                    nophone_form = VillagerNoPhoneForm(request.POST, prefix="n")
                    if nophone_form.is_valid():
                        villager = villager_register_without_phone(
                            agent=request.user,
                            centre=centre.organisation,
                            name=nophone_form.cleaned_data["name"],
                            village=centre.organisation.village,
                        )
                        return redirect(
                            "centers:assist_villager",
                            public_id=centre.public_id,
                            villager_id=villager.public_id,
                        )
        except DomainError as exc:
            form_error_add(phone_form if "p-phone" in request.POST else nophone_form, exc)
    context = _base_context(request, centre)
    context.update(
        phone_form=phone_form,
        nophone_form=nophone_form,
        grants=[
            g for g in acting_for_active_of_agent(request.user)[:20] if g.centre_id == centre.organisation_id
        ],
    )
    return render(request, "centers/assist.html", context)


def _villager(villager_id: str):
    villager = get_user_model().objects.select_related("village").filter(public_id=villager_id).first()
    if villager is None:
        raise Http404
    return villager


@login_required
@require_http_methods(["GET", "POST"])
def assist_villager(request, public_id: str, villager_id: str):
    from lumbung.accounts.models import AssistPurpose
    from lumbung.accounts.selectors import acting_for_pending_of_agent
    from lumbung.accounts.services import (
        acting_for_confirm_code,
        acting_for_record_in_person,
        acting_for_require,
    )
    from lumbung.catalog.models import Category, Shop, Variant
    from lumbung.catalog.query import SearchParams, search
    from lumbung.orders.models import Order

    centre = _operate(request, public_id)
    villager = _villager(villager_id)
    consent_form = InPersonConsentForm(prefix="c")
    code_form = ConsentCodeForm(prefix="k")
    order_form_error = ""
    shops = list(
        Shop.objects.filter(
            organisation__memberships__user=villager,
            organisation__memberships__role__in=["owner", "staff"],
            organisation__memberships__is_active=True,
        ).distinct()
    )
    listing_form = AssistedListingForm(
        prefix="l",
        shops=shops,
        categories=Category.objects.order_by("slug")[:200],
        initial={"form_key": new_form_key()},
    )
    action = request.POST.get("action", "")
    if request.method == "POST":
        key = request.POST.get("form_key", "")
        try:
            if action == "consent_in_person":
                consent_form = InPersonConsentForm(request.POST, prefix="c")
                if consent_form.is_valid():
                    with transaction.atomic():
                        acting_for_record_in_person(
                            agent=request.user,
                            villager=villager,
                            centre=centre.organisation,
                            **consent_form.cleaned_data,
                        )
                    messages.success(request, _("Consent recorded."))
                    return redirect(request.path)
            elif action == "consent_code":
                code_form = ConsentCodeForm(request.POST, prefix="k")
                if code_form.is_valid():
                    grant = (
                        acting_for_pending_of_agent(request.user)
                        .filter(public_id=code_form.cleaned_data["grant"])
                        .first()
                    )
                    if grant is None:
                        raise Http404
                    acting_for_confirm_code(
                        agent=request.user, grant=grant, code=code_form.cleaned_data["code"]
                    )
                    messages.success(request, _("The villager agreed."))
                    return redirect(request.path)
            elif action == "order":
                form = AssistedOrderForm(request.POST)
                if form.is_valid():
                    variant = (
                        Variant.objects.select_related("product__shop")
                        .filter(public_id=form.cleaned_data["variant"])
                        .first()
                    )
                    if variant is None:
                        raise Http404
                    act_id = _once(
                        request,
                        key,
                        (
                            "centers.assist_order",
                            villager.public_id,
                            variant.public_id,
                            form.cleaned_data["quantity"],
                        ),
                        lambda: (
                            services.assisted_order_place(
                                agent=request.user,
                                centre=centre,
                                villager=villager,
                                variant=variant,
                                quantity=form.cleaned_data["quantity"],
                                idempotency_key=f"form:{key}",
                            ).public_id
                        ),
                    )
                    return redirect("centers:receipt", public_id=centre.public_id, act_id=act_id)
            elif action in ("cash", "accept"):
                form = OrderActForm(request.POST)
                if form.is_valid():
                    order = Order.objects.filter(public_id=form.cleaned_data["order"]).first()
                    if order is None:
                        raise Http404
                    service = (
                        services.assisted_cash_take if action == "cash" else services.assisted_order_accept
                    )
                    act_id = _once(
                        request,
                        key,
                        ("centers.assist_" + action, villager.public_id, order.public_id),
                        lambda: (
                            service(
                                agent=request.user,
                                centre=centre,
                                villager=villager,
                                order=order,
                                idempotency_key=f"form:{key}",
                            ).public_id
                        ),
                    )
                    return redirect("centers:receipt", public_id=centre.public_id, act_id=act_id)
            elif action == "listing":
                listing_form = AssistedListingForm(
                    request.POST, prefix="l", shops=shops, categories=Category.objects.order_by("slug")[:200]
                )
                if listing_form.is_valid():
                    data = listing_form.cleaned_data
                    shop = next(s for s in shops if s.public_id == data["shop"])
                    category = Category.objects.get(slug=data["category"])
                    act_id = _once(
                        request,
                        data["form_key"],
                        ("centers.assist_listing", villager.public_id, data["name"], str(data["price"])),
                        lambda: (
                            services.assisted_product_list(
                                agent=request.user,
                                centre=centre,
                                villager=villager,
                                shop=shop,
                                category=category,
                                name=data["name"],
                                price=data["price"],
                                stock=data["stock"],
                                weight_grams=data["weight_grams"],
                                idempotency_key=f"form:{data['form_key']}",
                            ).public_id
                        ),
                    )
                    return redirect("centers:receipt", public_id=centre.public_id, act_id=act_id)
            else:
                raise Http404
        except DomainError as exc:
            if action == "consent_in_person":
                form_error_add(consent_form, exc)
            elif action == "consent_code":
                form_error_add(code_form, exc)
            elif action == "listing":
                form_error_add(listing_form, exc)
            else:
                order_form_error = str(exc.message)
    consents = {}
    for purpose in (AssistPurpose.BUY, AssistPurpose.SELL, AssistPurpose.AFTERSALES):
        try:
            grant = acting_for_require(agent=request.user, villager=villager, purpose=purpose)
            consents[purpose] = grant if grant.centre_id == centre.organisation_id else None
        except DomainError:
            consents[purpose] = None
    pending = list(acting_for_pending_of_agent(request.user).filter(villager=villager)[:3])
    q = request.GET.get("q", "").strip()
    results = search(SearchParams(q=q, limit=10)).items if q else []
    variants = (
        list(Variant.objects.filter(product__in=results, is_active=True).select_related("product__shop"))
        if results
        else []
    )
    open_orders = list(
        Order.objects.filter(buyer=villager, status="placed", payment_method="cash").order_by("-placed_at")[
            :10
        ]
    )
    to_accept = (
        list(Order.objects.filter(shop__in=shops, status="paid").order_by("-placed_at")[:10]) if shops else []
    )
    context = _base_context(request, centre)
    context.update(
        villager=villager,
        consents=consents,
        buy_ok=bool(consents[AssistPurpose.BUY]),
        sell_ok=bool(consents[AssistPurpose.SELL]),
        aftersales_ok=bool(consents[AssistPurpose.AFTERSALES]),
        can_complain=aftersales() is not None,
        pending=pending,
        consent_form=consent_form,
        code_form=code_form,
        q=q,
        variants=variants,
        open_orders=open_orders,
        to_accept=to_accept,
        shops=shops,
        listing_form=listing_form,
        form_key=new_form_key(),
        order_form_error=order_form_error,
        acts=list(selectors.assisted_acts(centre, villager=villager)[:10]),
    )
    return render(request, "centers/assist_villager.html", context)


@login_required
def receipt(request, public_id: str, act_id: str):
    """The printable slip for an assisted act (for the villager to keep)."""
    centre = _operate(request, public_id)
    act = (
        AssistedAct.objects.select_related("villager", "agent", "order", "grant")
        .filter(centre=centre, public_id=act_id)
        .first()
    )
    if act is None:
        raise Http404
    context = _base_context(request, centre)
    context.update(act=act)
    return render(request, "centers/receipt.html", context)


@login_required
def commission(request, public_id: str):
    centre = _centre_or_404(public_id)
    if not can(request.user, "centers.view_cash", centre):
        raise PermissionDenied
    context = _base_context(request, centre)
    context.update(commission=selectors.commission(centre))
    return render(request, "centers/commission.html", context)


@login_required
def my_pickups(request):
    """A buyer's own parcels waiting at (or on the way to) a centre."""
    return render(request, "centers/my_pickups.html", {"pickups": selectors.pickups_of_buyer(request.user)})
