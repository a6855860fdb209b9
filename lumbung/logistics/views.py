"""Logistics pages: public rates and tracking, the agent's batching pages, the courier's handover,
and the Biteship webhook.

Tiny, mobile-first, working without JavaScript. Anonymous visitors are sent to log in; a parcel or
batch the user may not see answers 404 (its existence is not revealed); an action the user may not
take on something they can see answers 403. A refused form shows why and saves nothing.
"""

from __future__ import annotations

import json
import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lumbung.accounts.selectors import organisation_by_public_id
from lumbung.core.errors import DomainError
from lumbung.core.money import Money
from lumbung.core.permissions import can
from lumbung.regions.selectors import area_find

from . import biteship, conf, labels, selectors, services
from .models import BatchStatus, Parcel, ShippingMethod
from .rules import is_courier_of
from .selectors import NoRateCard, rate_card_current, shipping_quote_detail

log = logging.getLogger(__name__)


class QuoteForm(forms.Form):
    origin = forms.CharField(label=gettext_lazy("From (area code)"), max_length=16)
    destination = forms.CharField(label=gettext_lazy("To (area code)"), max_length=16)
    weight_grams = forms.IntegerField(label=gettext_lazy("Weight (grams)"), min_value=1)
    method = forms.ChoiceField(label=gettext_lazy("Delivery"), choices=ShippingMethod.choices)

    def clean(self):
        data = super().clean()
        for field in ("origin", "destination"):
            code = data.get(field)
            if code:
                area = area_find(code=code)
                if area is None:
                    self.add_error(field, _("No area has the code %(code)s.") % {"code": code})
                data[f"{field}_area"] = area
        return data


@require_GET
def rates(request):
    try:
        card = rate_card_current()
    except NoRateCard:
        card = None
    form = QuoteForm(request.GET or None)
    detail = None
    if card is not None and request.GET and form.is_valid():
        try:
            detail = shipping_quote_detail(
                origin=form.cleaned_data["origin_area"],
                destination=form.cleaned_data["destination_area"],
                weight_grams=form.cleaned_data["weight_grams"],
                method=form.cleaned_data["method"],
            )
        except DomainError as exc:
            field = exc.details.get("field")
            form.add_error(field if field in form.fields else None, str(exc.message))
    context = {"card": card, "form": form, "detail": detail}
    if card is not None:
        currency = card.currency
        context.update(
            rows=[
                (label, Money(first, currency), Money(further, currency))
                for label, first, further in card.rows()
            ],
            door_surcharge=Money(card.door_surcharge, currency),
            pickup_discount=Money(card.pickup_discount, currency),
        )
    if detail is not None:
        context["adjustment_abs"] = Money(abs(detail.adjustment.amount), detail.adjustment.currency)
    return render(request, "logistics/rates.html", context)


# --- public tracking -------------------------------------------------------------------------------
@require_GET
def track(request, code: str = ""):
    """Anyone with the code sees where the parcel is: no names, phones or addresses."""
    code = (code or request.GET.get("code", "")).strip()[:20]
    tracking = selectors.parcel_public_tracking(code) if code else None
    status = 404 if code and tracking is None else 200
    return render(request, "logistics/track.html", {"code": code, "tracking": tracking}, status=status)


# --- webhook -----------------------------------------------------------------------------------------
@csrf_exempt
@require_POST
def biteship_webhook(request):
    header = request.headers.get(conf.biteship_webhook_header())
    if not biteship.verify_webhook(header):
        log.warning(
            "Biteship webhook refused: wrong or missing secret from %s", request.META.get("REMOTE_ADDR")
        )
        return HttpResponseForbidden("bad secret")
    if not request.body.strip():  # Biteship's "test the URL" call when the webhook is installed
        return JsonResponse({"outcome": "installed"})
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return JsonResponse({"error": "bad request"}, status=400)
    outcome = services.webhook_receive(payload=payload, body=request.body)
    # Unknown shipments answer 200 too: Biteship would retry a 4xx forever for an order we never had.
    return JsonResponse({"outcome": outcome})


# --- parcels ------------------------------------------------------------------------------------------
def _parcel_visible(request, public_id: str) -> Parcel:
    parcel = selectors.parcel_by_public_id(public_id)
    if parcel is None or not can(request.user, "logistics.view_parcel", parcel):
        raise Http404
    return parcel


@login_required
@require_GET
def parcel_detail(request, public_id: str):
    parcel = _parcel_visible(request, public_id)
    context = {
        "parcel": parcel,
        "events": selectors.parcel_events(parcel),
        "shipment": selectors.shipment_current(parcel),
        "can_handle": can(request.user, "logistics.handle_parcel", parcel),
        "sizes": list(labels.SIZES),
    }
    return render(request, "logistics/parcel.html", context)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _label_size(request) -> str:
    size = request.GET.get("size", "a6")
    if size not in labels.SIZES:
        raise Http404
    return size


@login_required
@require_GET
def parcel_label(request, public_id: str):
    parcel = _parcel_visible(request, public_id)
    if not can(request.user, "logistics.handle_parcel", parcel):
        raise PermissionDenied
    pdf = labels.label_pdf(parcel, size=_label_size(request), base_url=request.build_absolute_uri("/"))
    return _pdf(pdf, f"{parcel.code}.pdf")


# --- batching (agents) ----------------------------------------------------------------------------
class BatchCreateForm(forms.Form):
    carrier = forms.ModelChoiceField(label=gettext_lazy("Carrier"), queryset=None, to_field_name="public_id")
    destination = forms.CharField(
        label=gettext_lazy("Destination hub (area code, optional)"), max_length=16, required=False
    )
    parcels = forms.MultipleChoiceField(
        label=gettext_lazy("Parcels"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args, ready, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = selectors.carriers_active()
        self.fields["parcels"].choices = [
            (p.public_id, f"{p.code} — {p.recipient_village.path}") for p in ready
        ]

    def clean_destination(self):
        code = self.cleaned_data.get("destination", "").strip()
        if not code:
            return None
        area = area_find(code=code)
        if area is None:
            raise forms.ValidationError(_("No area has the code %(code)s.") % {"code": code})
        return area


def _centre_for_agent(request, org_public_id: str):
    centre = organisation_by_public_id(org_public_id)
    if centre is None:
        raise Http404
    if not can(request.user, "logistics.manage_batches", centre):
        raise PermissionDenied
    return centre


@login_required
@require_http_methods(["GET", "POST"])
def centre_batching(request, org_public_id: str):
    """Parcels at the counter waiting for a batch, a form to batch them, and this centre's batches."""
    centre = _centre_for_agent(request, org_public_id)
    ready = list(selectors.parcels_ready_to_batch(centre=centre))
    form = BatchCreateForm(request.POST or None, ready=ready)
    if request.method == "POST" and form.is_valid():
        chosen = [p for p in ready if p.public_id in set(form.cleaned_data["parcels"])]
        try:
            with transaction.atomic():
                batch = services.batch_create(
                    origin_centre=centre,
                    carrier=form.cleaned_data["carrier"],
                    destination_area=form.cleaned_data["destination"],
                    actor=request.user,
                )
                services.batch_add_parcels(batch=batch, parcels=chosen, actor=request.user)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Batch %(code)s created.") % {"code": batch.code})
            return redirect("logistics:batch", public_id=batch.public_id)
    context = {
        "centre": centre,
        "ready": ready,
        "form": form,
        "batches": selectors.batches_of_centre(centre=centre)[:30],
    }
    return render(request, "logistics/batching.html", context, status=422 if form.errors else 200)


def _batch_visible(request, public_id: str):
    batch = selectors.batch_by_public_id(public_id)
    if batch is None or not can(request.user, "logistics.view_batch", batch):
        raise Http404
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def batch_detail(request, public_id: str):
    batch = _batch_visible(request, public_id)
    can_manage = can(request.user, "logistics.manage_batches", batch)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = request.POST.get("action")
        actions = {"close": services.batch_close, "reopen": services.batch_reopen}
        try:
            if action == "remove":
                parcel = next(
                    (p for p in batch.parcels.all() if p.public_id == request.POST.get("parcel")), None
                )
                if parcel is None:
                    raise Http404
                services.batch_remove_parcel(batch=batch, parcel=parcel, actor=request.user)
            elif action in actions:
                actions[action](batch=batch, actor=request.user)
            else:
                return HttpResponse(status=400)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("logistics:batch", public_id=batch.public_id)
    context = {
        "batch": batch,
        "parcels": list(batch.parcels.all()),
        "can_manage": can_manage,
        "can_hand_over": batch.status == BatchStatus.CLOSED and is_courier_of(request.user, batch.carrier),
        "sizes": list(labels.SIZES),
    }
    return render(request, "logistics/batch.html", context)


@login_required
@require_GET
def batch_manifest(request, public_id: str):
    batch = _batch_visible(request, public_id)
    return _pdf(labels.manifest_pdf(batch), f"{batch.code}.pdf")


@login_required
@require_GET
def batch_labels(request, public_id: str):
    batch = _batch_visible(request, public_id)
    if not can(request.user, "logistics.manage_batches", batch):
        raise PermissionDenied
    pdf = labels.labels_pdf(
        batch.parcels.all(), size=_label_size(request), base_url=request.build_absolute_uri("/")
    )
    return _pdf(pdf, f"{batch.code}-labels.pdf")


# --- couriers ----------------------------------------------------------------------------------------
class ScanForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Batch code (scan or type)"), max_length=12)


@login_required
@require_GET
def courier_home(request):
    """The courier's batches to pick up, and a box for the batch code read from the manifest."""
    form = ScanForm(request.GET or None)
    if request.GET and form.is_valid():
        batch = selectors.batch_by_code(form.cleaned_data["code"])
        if batch is not None and can(request.user, "logistics.view_batch", batch):
            return redirect("logistics:handover", public_id=batch.public_id)
        form.add_error("code", _("No batch of your carrier has that code."))
    batches = selectors.batches_for_courier(user=request.user)[:50]
    return render(request, "logistics/courier.html", {"form": form, "batches": batches})


@login_required
@require_http_methods(["GET", "POST"])
def handover(request, public_id: str):
    """The courier confirms taking the batch. Confirming again changes nothing and says so."""
    batch = _batch_visible(request, public_id)
    if not is_courier_of(request.user, batch.carrier):  # not even an admin confirms for a courier
        raise PermissionDenied
    result = None
    error = ""
    if request.method == "POST":
        try:
            result = services.batch_hand_over(batch=batch, courier=request.user)
        except DomainError as exc:
            error = str(exc.message)
        else:
            batch = selectors.batch_by_public_id(batch.public_id)
    context = {"batch": batch, "parcels": list(batch.parcels.all()), "result": result, "error": error}
    return render(request, "logistics/handover.html", context, status=409 if error else 200)
