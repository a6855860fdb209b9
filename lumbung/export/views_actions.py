"""Action pages (POST only, no JavaScript): open a pool, record money, arrival, claims, lots, inspection.

Money-moving forms carry a one-time key (``new_form_key``) and run through ``run_idempotent``, so a
double submit takes effect once. A refusal is shown as a message and nothing is saved.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from lumbung.core.errors import DomainError, ValidationFailed
from lumbung.core.idempotency import fingerprint, run_idempotent, scope_for
from lumbung.core.money import Money
from lumbung.core.permissions import can

from . import selectors
from .forms import form_error_add
from .forms_trade import InspectionForm
from .models import Delivery, DeliveryStatus, ExportLot, Pool
from .services import pooling, shipping


def _contract(request, public_id: str):
    contract = selectors.contract_by_public_id(public_id)
    if contract is None:
        raise Http404
    if not can(request.user, "export.view_contract", contract):
        raise PermissionDenied
    return contract


def _decimal(value: str, field: str) -> Decimal:
    try:
        return Decimal((value or "").strip().replace(",", "."))
    except ArithmeticError:
        raise ValidationFailed(details={"field": field}) from None


@login_required
@require_POST
def contract_action(request, public_id: str, action: str):
    contract = _contract(request, public_id)
    post = request.POST
    try:
        if action == "pool":
            prices = {
                g: post.get(f"price_{g}", "") for g in contract.allowed_grades if post.get(f"price_{g}")
            }
            with transaction.atomic():
                pool = pooling.pool_open(actor=request.user, contract=contract, grade_prices=prices)
            return redirect("export:pool", public_id=pool.public_id)
        if action in ("deposit", "balance", "release"):
            service = {
                "deposit": shipping.deposit_record,
                "balance": shipping.balance_record,
            }.get(action)

            def run():
                if service is None:
                    shipping.balance_release(actor=request.user, contract=contract)
                else:
                    amount = Money(_decimal(post.get("amount", ""), "amount"), post.get("currency", ""))
                    service(
                        actor=request.user,
                        contract=contract,
                        amount=amount,
                        bank_reference=post.get("bank_reference", ""),
                    )
                return 200, {"ok": True}

            with transaction.atomic():
                run_idempotent(
                    scope=scope_for(request.user),
                    key=post.get("form_key", ""),
                    request_fingerprint=fingerprint("form", f"export.{action}", contract.public_id),
                    func=run,
                )
        elif action == "arrived":
            with transaction.atomic():
                shipping.contract_arrive(actor=request.user, contract=contract)
        elif action == "claim":
            with transaction.atomic():
                shipping.claim_raise(buyer=request.user, contract=contract, reason=post.get("reason", ""))
        elif action in ("claim-answer", "claim-resolve"):
            claim = contract.claims.filter(public_id=post.get("claim", "")).first()
            if claim is None:
                raise Http404
            with transaction.atomic():
                if action == "claim-answer":
                    shipping.claim_answer(actor=request.user, claim=claim, answer=post.get("answer", ""))
                else:
                    shipping.claim_resolve(
                        actor=request.user, claim=claim, resolution=post.get("resolution", "")
                    )
            messages.success(request, gettext("Saved."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("export:contract", public_id=contract.public_id)


@login_required
@require_POST
def lot_assemble(request, public_id: str):
    """Put every accepted delivery of one grade not yet in a lot into a new lot."""
    pool = (
        Pool.objects.select_related("contract", "exporter__organisation").filter(public_id=public_id).first()
    )
    if pool is None:
        raise Http404
    if not can(request.user, "export.manage_exporter", pool.exporter):
        raise PermissionDenied
    grade = request.POST.get("grade", "")
    rows = list(
        Delivery.objects.filter(
            pool=pool, grade=grade, status=DeliveryStatus.ACCEPTED, component__isnull=True
        )
    )
    try:
        with transaction.atomic():
            pooling.lot_assemble(
                actor=request.user,
                pool=pool,
                deliveries=rows,
                packages=int(request.POST.get("packages") or 0),
                gross_kg=request.POST.get("gross_kg", ""),
                marks=request.POST.get("marks", ""),
            )
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    return redirect("export:pool", public_id=pool.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def lot_inspect(request, public_id: str):
    lot = (
        ExportLot.objects.select_related("pool__contract", "pool__exporter__organisation")
        .filter(public_id=public_id)
        .first()
    )
    if lot is None:
        raise Http404
    if not can(request.user, "export.inspect", lot):
        raise PermissionDenied
    form = InspectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checklist = [
            {"item": line.strip().lstrip("!").strip(), "passed": not line.strip().startswith("!"), "note": ""}
            for line in data["checklist"].splitlines()
            if line.strip()
        ]
        measurements = {"moisture_pct": data["moisture_pct"]} if data.get("moisture_pct") is not None else {}
        try:
            with transaction.atomic():
                shipping.lot_inspect(
                    actor=request.user,
                    lot=lot,
                    passed=data["passed"],
                    checklist=checklist,
                    samples=data["samples"],
                    measurements=measurements,
                    photos=[data["photo"]] if data.get("photo") else [],
                    notes=data.get("notes", ""),
                )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            return redirect("export:pool", public_id=lot.pool.public_id)
    return render(request, "export/inspect.html", {"form": form, "lot": lot})


@login_required
@require_POST
def pool_payout(request, public_id: str):
    """Pay every producer in the pool their pro-rata share, once (a double submit replays the first)."""
    pool = Pool.objects.select_related("exporter__organisation").filter(public_id=public_id).first()
    if pool is None:
        raise Http404
    if not can(request.user, "export.manage_exporter", pool.exporter):
        raise PermissionDenied

    def run():
        result = pooling.payout_compute(actor=request.user, pool=pool)
        return 201, {"payout": result.public_id}

    try:
        with transaction.atomic():
            run_idempotent(
                scope=scope_for(request.user),
                key=request.POST.get("form_key", ""),
                request_fingerprint=fingerprint("form", "export.pool_payout", pool.public_id),
                func=run,
            )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("export:pool", public_id=pool.public_id)
