"""The agent's pages: my centre, take cash for an order, and the daily cash-up with the deposit form.

Tiny, mobile-first and working without JavaScript. Money-moving forms carry a one-time key
(``lumbung.core.idempotency.new_form_key``) and run through ``run_idempotent``, so pressing the
button twice (or the browser resending) takes effect once. A refusal is shown on the form and
nothing is saved. Strangers get 403; anonymous visitors are sent to log in.
"""

from __future__ import annotations

from django.contrib import messages
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
from lumbung.core.money import Money
from lumbung.core.permissions import can
from lumbung.regions.selectors import zone_label, zone_name

from . import selectors, services
from .counter import counter_lookup, intent_by_public_id
from .forms import DepositForm, LookupForm, ReceiveForm, form_error_add
from .models import ServiceCentre


def _centre_or_404(public_id: str) -> ServiceCentre:
    centre = selectors.centre_by_public_id(public_id)
    if centre is None:
        raise Http404
    return centre


def _allowed(request, action: str, centre: ServiceCentre) -> None:
    if not can(request.user, action, centre):
        raise PermissionDenied


def _base_context(request, centre: ServiceCentre) -> dict:
    return {
        "centre": centre,
        "zone": zone_label(centre.timezone),
        "zone_name": zone_name(centre.timezone),
        "can_operate": can(request.user, "centers.operate", centre),
    }


@login_required
def index(request):
    """My centre: the one I work at; with several (or as platform admin) a list to choose from."""
    mine = list(selectors.centres_for_agent(request.user))
    if len(mine) == 1:
        return redirect("centers:centre", public_id=mine[0].public_id)
    if not mine:
        if not can(request.user, "centers.manage"):
            raise PermissionDenied
        mine = list(selectors.centres_all())
    return render(request, "centers/index.html", {"centres": mine})


@login_required
def centre_page(request, public_id: str):
    centre = _centre_or_404(public_id)
    _allowed(request, "centers.view_cash", centre)
    context = _base_context(request, centre)
    context.update(
        villages=selectors.centre_villages(centre),
        agents=selectors.centre_agents(centre),
    )
    return render(request, "centers/centre.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def receive(request, public_id: str):
    """Find the payment by its code, check the amount with the villager, take the cash once."""
    centre = _centre_or_404(public_id)
    _allowed(request, "centers.operate", centre)
    lookup = LookupForm(request.GET or None)
    match = None
    confirm = ReceiveForm(initial={"form_key": new_form_key()})
    if request.method == "POST":
        confirm = ReceiveForm(request.POST)
        if confirm.is_valid():
            intent = intent_by_public_id(confirm.cleaned_data["intent"])
            if intent is None:
                confirm.add_error(None, _("This payment no longer exists."))
            else:
                try:
                    _receive_once(request, centre, intent, confirm.cleaned_data["form_key"])
                except DomainError as exc:
                    confirm.add_error(None, str(exc.message))
                else:
                    messages.success(
                        request,
                        _("Received %(amount)s in cash for payment %(id)s.")
                        % {"amount": intent.total, "id": intent.public_id},
                    )
                    return redirect(reverse("centers:cash_up", args=[centre.public_id]))
                # Refused: show the payment again; the same key may be retried, nothing happened.
                match = counter_lookup(query=intent.public_id)
    elif lookup.is_valid():
        match = counter_lookup(query=lookup.cleaned_data["q"])
        if match is None:
            lookup.add_error("q", _("No order or payment has this code. Check it with the villager."))
        elif match.intent is not None:
            confirm = ReceiveForm(initial={"intent": match.intent.public_id, "form_key": new_form_key()})
    context = _base_context(request, centre)
    context.update(lookup=lookup, match=match, confirm=confirm)
    return render(request, "centers/receive.html", context)


def _receive_once(request, centre: ServiceCentre, intent, form_key: str) -> None:
    from lumbung.payments.services import cash_receive

    def take():
        cash_receive(
            intent=intent, agent=request.user, centre_org=centre.organisation, idempotency_key=form_key
        )
        return 200, {"intent": intent.public_id}

    with transaction.atomic():
        run_idempotent(
            scope=scope_for(request.user),
            key=form_key,
            request_fingerprint=fingerprint("centers.receive", centre.public_id, intent.public_id),
            func=take,
        )


@login_required
@require_http_methods(["GET", "POST"])
def cash_up(request, public_id: str):
    """Today's drawer from the ledger, and the form to record cash taken to the bank."""
    centre = _centre_or_404(public_id)
    _allowed(request, "centers.view_cash", centre)
    form = DepositForm(initial={"form_key": new_form_key()})
    if request.method == "POST":
        _allowed(request, "centers.operate", centre)
        form = DepositForm(request.POST)
        if form.is_valid():
            try:
                deposit = _deposit_once(request, centre, form.cleaned_data)
            except DomainError as exc:
                form_error_add(form, exc)
            else:
                messages.success(
                    request,
                    _("Deposit of %(amount)s recorded (slip %(slip)s).")
                    % {
                        "amount": Money(deposit["amount"], deposit["currency"]),
                        "slip": deposit["bank_reference"],
                    },
                )
                return redirect(reverse("centers:cash_up", args=[centre.public_id]))
    result = selectors.cash_up(centre=centre)
    if request.method == "GET":
        form = DepositForm(
            initial={
                "form_key": new_form_key(),
                "amount": result.to_deposit.amount if result.to_deposit else None,
            }
        )
    context = _base_context(request, centre)
    context.update(cash=result, form=form)
    return render(request, "centers/cash_up.html", context)


def _deposit_once(request, centre: ServiceCentre, data: dict) -> dict:
    key = data["form_key"]

    def record():
        deposit = services.cash_deposit_record(
            agent=request.user,
            centre=centre,
            amount=Money(data["amount"], centre.currency),
            bank_reference=data["bank_reference"],
            idempotency_key=f"form:{key}",
        )
        return 200, {
            "amount": str(deposit.amount),
            "currency": deposit.currency,
            "bank_reference": deposit.bank_reference,
        }

    with transaction.atomic():
        answer = run_idempotent(
            scope=scope_for(request.user),
            key=key,
            request_fingerprint=fingerprint(
                "centers.deposit", centre.public_id, str(data["amount"]), data["bank_reference"]
            ),
            func=record,
        )
    return answer.body
