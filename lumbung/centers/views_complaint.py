"""File a complaint for a villager at the counter (after-sales' ``case_open`` on their behalf).

The page lists the villager's delivered orders; the agent picks one, the kind (return, complaint,
dispute), types the villager's words and may add up to three photos. It needs the villager's
``aftersales`` consent from this centre (as every assisted act does): without it the form is
refused and nothing is written. A double submit files once (one-time key, ``run_idempotent``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lumbung.core.errors import DomainError
from lumbung.core.idempotency import new_form_key

from . import services
from .forms import AssistedCaseForm, form_error_add
from .ports import aftersales
from .views import _base_context
from .views_counter import _once, _operate, _villager

# Orders a villager can still complain about (after-sales checks the window itself).
COMPLAINABLE = ("delivered", "completed")


def _villager_orders(villager):
    from lumbung.orders.models import Order

    return list(
        Order.objects.select_related("shop")
        .filter(buyer=villager, status__in=COMPLAINABLE)
        .order_by("-placed_at")[:20]
    )


def _consented(agent, centre, villager) -> bool:
    from lumbung.accounts.models import AssistPurpose
    from lumbung.accounts.services import acting_for_require

    try:
        grant = acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.AFTERSALES)
    except DomainError:
        return False
    return grant.centre_id == centre.organisation_id


@login_required
@require_http_methods(["GET", "POST"])
def assist_complaint(request, public_id: str, villager_id: str):
    centre = _operate(request, public_id)
    villager = _villager(villager_id)
    port = aftersales()
    if port is None:
        raise Http404
    orders = _villager_orders(villager)
    kinds = list(port.kinds())
    form = AssistedCaseForm(
        orders=orders, kinds=kinds, initial={"form_key": new_form_key(), "kind": "complaint"}
    )
    if request.method == "POST":
        form = AssistedCaseForm(request.POST, request.FILES, orders=orders, kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            order = next(o for o in orders if o.public_id == data["order"])
            try:
                act_id = _once(
                    request,
                    data["form_key"],
                    (
                        "centers.assist_case",
                        villager.public_id,
                        order.public_id,
                        data["kind"],
                        data["reason"],
                    ),
                    lambda: (
                        services.assisted_case_open(
                            agent=request.user,
                            centre=centre,
                            villager=villager,
                            order=order,
                            kind=data["kind"],
                            reason=data["reason"],
                            photos=form.photos(),
                            idempotency_key=f"form:{data['form_key']}",
                        ).public_id
                    ),
                )
            except DomainError as exc:
                form_error_add(form, exc)
            else:
                return redirect("centers:receipt", public_id=centre.public_id, act_id=act_id)
    context = _base_context(request, centre)
    context.update(
        villager=villager,
        form=form,
        orders=orders,
        consented=_consented(request.user, centre, villager),
    )
    return render(request, "centers/assist_complaint.html", context)
