"""Payment pages (no JavaScript needed) and the Midtrans notification webhook.

- Choose a method for one or more references, with a one-time form key so a double submit pays once.
- A payment's status page refreshes itself (meta refresh) while it waits; VA and QRIS pages show
  what to pay and how. Somebody else's payment is a 404, like a missing one.
- Staff: payouts waiting, batches to download as CSV, and the bank's result to upload.
- ``POST /payments/midtrans/notification``: CSRF-exempt; the signature_key proves it came from the
  gateway. A bad signature is 403, logged, and changes nothing.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lumbung.core.errors import DomainError
from lumbung.core.idempotency import fingerprint, new_form_key, run_idempotent, scope_for
from lumbung.core.permissions import can

from . import qris, references, selectors, services, signature
from .models import GATEWAY_METHODS, VA_METHODS, Method, PaymentIntent, PayoutBatch, Status

log = logging.getLogger(__name__)
REFRESH_SECONDS = 10
MAX_UPLOAD = 2_000_000


# --- webhook -----------------------------------------------------------------------------------
@csrf_exempt
@require_POST
def midtrans_notification(request: HttpRequest):
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return JsonResponse({"error": "bad request"}, status=400)
    if not signature.verify(payload, settings.LUMBUNG_MIDTRANS_SERVER_KEY):
        log.warning(
            "Midtrans notification refused: bad signature_key for order %r from %s",
            str(payload.get("order_id", ""))[:64],
            request.META.get("REMOTE_ADDR"),
        )
        return HttpResponseForbidden("bad signature")
    outcome = services.notification_receive(payload=payload)
    if outcome == "unknown_order":
        return JsonResponse({"outcome": outcome}, status=404)
    return JsonResponse({"outcome": outcome})


# --- paying ------------------------------------------------------------------------------------
def _visible(request: HttpRequest, public_id: str) -> PaymentIntent:
    intent = selectors.intent_by_public_id(public_id)
    if intent is None or not can(request.user, "payments.view_intent", intent):
        raise Http404
    return intent


METHOD_CHOICES = [
    (Method.GATEWAY_VA_BCA, Method.GATEWAY_VA_BCA.label),
    (Method.GATEWAY_VA_BNI, Method.GATEWAY_VA_BNI.label),
    (Method.GATEWAY_VA_BRI, Method.GATEWAY_VA_BRI.label),
    (Method.GATEWAY_VA_PERMATA, Method.GATEWAY_VA_PERMATA.label),
    (Method.GATEWAY_QRIS, Method.GATEWAY_QRIS.label),
    (Method.GATEWAY_GOPAY, Method.GATEWAY_GOPAY.label),
    (Method.GATEWAY_SHOPEEPAY, Method.GATEWAY_SHOPEEPAY.label),
    (Method.QRIS, Method.QRIS.label),
    (Method.CASH, Method.CASH.label),
]


@login_required
def pay(request: HttpRequest):
    """Choose how to pay the references in ?ref=... (each must be the user's to pay)."""
    refs = request.POST.getlist("ref") if request.method == "POST" else request.GET.getlist("ref")
    payables = [references.resolve(ref, request.user) for ref in refs[:20]]
    if not refs or any(p is None for p in payables):
        raise Http404
    error = ""
    if request.method == "POST":
        method = request.POST.get("method", "")
        key = request.POST.get("form_key", "")

        def create():
            intent = services.intent_create(
                payer=request.user,
                allocations=[services.Allocation(p.reference, p.escrow_account, p.amount) for p in payables],
                method=method,
                actor=request.user,
                source="page",
            )
            return 201, {"intent": intent.public_id}

        try:
            answer = run_idempotent(
                scope=f"{scope_for(request.user)}:payments",
                key=key,
                request_fingerprint=fingerprint("page_pay", sorted(refs), method),
                func=create,
            )
            return redirect("payments:intent", public_id=answer.body["intent"])
        except DomainError as exc:
            error = str(exc.message)
    total = payables[0].amount
    for p in payables[1:]:
        total += p.amount
    return render(
        request,
        "payments/pay.html",
        {
            "payables": payables,
            "total": total,
            "methods": METHOD_CHOICES,
            "form_key": new_form_key(),
            "error": error,
            "chosen": request.POST.get("method", ""),
        },
        status=400 if error else 200,
    )


@login_required
def intent(request: HttpRequest, public_id: str):
    intent = _visible(request, public_id)
    waiting = intent.status == Status.PENDING
    context = {
        "intent": intent,
        "waiting": waiting,
        "refresh": REFRESH_SECONDS if waiting else 0,
        "is_va": intent.method in VA_METHODS,
        "is_gateway": intent.method in GATEWAY_METHODS,
        "has_qris": bool(intent.qris_payload),
        "form_key": new_form_key(),
    }
    return render(request, "payments/intent.html", context)


@login_required
def intent_va(request: HttpRequest, public_id: str):
    intent = _visible(request, public_id)
    if intent.method not in VA_METHODS:
        raise Http404
    return render(request, "payments/va.html", {"intent": intent})


@login_required
def intent_qris(request: HttpRequest, public_id: str):
    intent = _visible(request, public_id)
    if not intent.qris_payload:
        raise Http404
    return render(request, "payments/qris.html", {"intent": intent, "svg": qris.svg(intent.qris_payload)})


@login_required
@require_POST
def intent_cancel(request: HttpRequest, public_id: str):
    intent = _visible(request, public_id)
    if not can(request.user, "payments.cancel_intent", intent):
        raise Http404
    try:
        services.intent_cancel(intent=intent, actor=request.user, source="page")
        messages.success(request, _("The payment was cancelled."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("payments:intent", public_id=public_id)


# --- staff: payouts ----------------------------------------------------------------------------
@login_required
def staff_payouts(request: HttpRequest):
    if not can(request.user, "payments.manage_payouts"):
        raise Http404
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        key = request.POST.get("form_key", "")
        try:
            with transaction.atomic():
                if action == "batch":
                    answer = run_idempotent(
                        scope=f"{scope_for(request.user)}:payments",
                        key=key,
                        request_fingerprint=fingerprint("page_batch", "IDR"),
                        func=lambda: (
                            201,
                            {"batch": services.payout_batch_create(actor=request.user).public_id},
                        ),
                    )
                    messages.success(
                        request, _("Batch %(id)s is ready to download.") % {"id": answer.body["batch"]}
                    )
                elif action == "result":
                    batch = PayoutBatch.objects.filter(public_id=request.POST.get("batch", "")).first()
                    upload = request.FILES.get("result")
                    if batch is None or upload is None or upload.size > MAX_UPLOAD:
                        raise DomainError(_("Choose the bank's result file for this batch."))
                    text = upload.read().decode("utf-8-sig", errors="replace")
                    answer = run_idempotent(
                        scope=f"{scope_for(request.user)}:payments",
                        key=key,
                        request_fingerprint=fingerprint("page_result", batch.public_id, text),
                        func=lambda: (
                            200,
                            services.payout_batch_confirm(
                                batch=batch, rows=services.payout_result_parse(text), actor=request.user
                            ),
                        ),
                    )
                    messages.success(
                        request,
                        _("Paid: %(paid)s. Failed and returned: %(failed)s. Unchanged: %(unchanged)s.")
                        % answer.body,
                    )
                else:
                    raise DomainError(_("Choose what to do."))
            return redirect("payments:staff_payouts")
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = 400
    return render(
        request,
        "payments/staff_payouts.html",
        {
            "waiting": selectors.payouts_waiting(),
            "batches": selectors.payout_batches(),
            "form_key": new_form_key(),
        },
        status=status,
    )


@login_required
def staff_batch_csv(request: HttpRequest, public_id: str):
    if not can(request.user, "payments.manage_payouts"):
        raise Http404
    batch = PayoutBatch.objects.filter(public_id=public_id).first()
    if batch is None:
        raise Http404
    response = HttpResponse(services.payout_batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payouts-{batch.public_id}.csv"'
    return response
