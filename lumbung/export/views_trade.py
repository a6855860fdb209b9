"""Pages for RFQs, quotes, contracts, pools and producers (no JavaScript needed).

Money-moving forms (deposit, balance, release, payout) are on the API with Idempotency-Key; here the
facilitator's pipeline shows where each contract stands, and the parties act on their own steps.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from lumbung.core.errors import DomainError
from lumbung.core.idempotency import new_form_key
from lumbung.core.permissions import can

from . import pdfs, selectors
from .forms import form_error_add
from .forms_trade import (
    AcceptForm,
    CounterForm,
    DeliveryForm,
    DocumentForm,
    InviteForm,
    PledgeForm,
    QuoteForm,
    RfqForm,
    ShipForm,
)
from .models import Counter, PayoutRun, Pool, ProducerPayout, ProvenanceConsent, RfqStatus
from .rules import is_facilitator
from .services import pooling, shipping, trade
from .services.documents_rules import reason_text


def _get(obj):
    if obj is None:
        raise Http404
    return obj


@login_required
@require_http_methods(["GET", "POST"])
def rfq_new(request):
    form = RfqForm(request.POST or None, initial={"deadline": timezone.now() + timedelta(days=7)})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["hs_code"] = data["hs_code"].code
        try:
            with transaction.atomic():
                rfq = trade.rfq_post(buyer=request.user, **data)
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            return redirect("export:rfq", public_id=rfq.public_id)
    return render(request, "export/rfq_form.html", {"form": form})


def _invite_candidates(rfq):
    return [
        (
            exporter,
            gettext("%(name)s — suggested, offers HS %(hs)s")
            % {"name": exporter.organisation.name, "hs": rfq.hs_code.code}
            if suggested
            else exporter.organisation.name,
        )
        for exporter, suggested in selectors.exporters_invitable(rfq)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def rfq_detail(request, public_id: str):
    rfq = _get(selectors.rfq_by_public_id(public_id))
    if not can(request.user, "export.view_rfq", rfq):
        raise PermissionDenied
    facilitating = is_facilitator(request.user)
    mine = list(selectors.exporters_managed_by(request.user).filter(invites__rfq=rfq))
    posted = request.POST if request.method == "POST" else None
    quote_form = None
    if mine:
        quote_form = QuoteForm(posted if posted and "q-moq" in posted else None, prefix="q")
    invite_form = None
    if facilitating and rfq.status == RfqStatus.OPEN:
        candidates = _invite_candidates(rfq)
        invite_form = InviteForm(
            posted if posted and "invite" in posted else None,
            prefix="i",
            candidates=candidates,
        )
    if posted and "invite" in posted:
        if invite_form is None:
            raise PermissionDenied
        if invite_form.is_valid():
            by_id = {e.public_id: e for e, _label in candidates}
            try:
                with transaction.atomic():
                    for public_id_ in invite_form.cleaned_data["exporters"]:
                        trade.rfq_invite(actor=request.user, rfq=rfq, exporter=by_id[public_id_])
            except DomainError as exc:
                form_error_add(invite_form, exc)
            else:
                messages.success(request, gettext("Invited. They have been told by SMS."))
                return redirect("export:rfq", public_id=rfq.public_id)
    elif posted and quote_form is not None and quote_form.is_bound and quote_form.is_valid():
        data = quote_form.cleaned_data
        try:
            with transaction.atomic():
                trade.quote_submit(
                    actor=request.user,
                    rfq=rfq,
                    exporter=mine[0],
                    currency=rfq.currency,
                    tiers=data["tiers"],
                    moq=data["moq"],
                    incoterm=data["incoterm"],
                    named_port=data["named_port"],
                    lead_time_days=data["lead_time_days"],
                    valid_until=data["valid_until"],
                    deposit_percent=data["deposit_percent"],
                    payment_terms=data["payment_terms"],
                    packaging=data["packaging"],
                )
        except DomainError as exc:
            form_error_add(quote_form, exc)
        else:
            return redirect("export:rfq", public_id=rfq.public_id)
    elif posted and quote_form is None:
        raise PermissionDenied
    quotes = list(selectors.quotes_visible(request.user, rfq))
    counters = {c.quote_id: c for c in Counter.objects.filter(quote__in=quotes)}
    rows = [{"quote": q, "counter": counters.get(q.id), "tiers": list(q.tiers.all())} for q in quotes]
    return render(
        request,
        "export/rfq.html",
        {
            "rfq": rfq,
            "rows": rows,
            "is_buyer": rfq.buyer_id == request.user.pk,
            "quote_form": quote_form,
            "invite_form": invite_form,
            "invited": rfq.invites.select_related("exporter__organisation").order_by("at")
            if facilitating
            else [],
            "accept_form": AcceptForm(),
            "counter_form": CounterForm(),
        },
    )


@login_required
@require_POST
def quote_act(request, public_id: str, action: str):
    quote = _get(selectors.quote_by_public_id(public_id))
    if not can(request.user, "export.view_quote", quote):
        raise PermissionDenied
    try:
        with transaction.atomic():
            if action == "accept":
                form = AcceptForm(request.POST)
                if not form.is_valid():
                    raise DomainError(str(form.errors))
                contract = trade.quote_accept(
                    buyer=request.user, quote=quote, currency=quote.currency, **form.cleaned_data
                )
                return redirect("export:contract", public_id=contract.public_id)
            if action == "counter":
                form = CounterForm(request.POST)
                if not form.is_valid():
                    raise DomainError(str(form.errors))
                trade.counter_make(buyer=request.user, quote=quote, **form.cleaned_data)
            elif action in ("counter-yes", "counter-no"):
                trade.counter_answer(actor=request.user, quote=quote, accept=action == "counter-yes")
            else:
                raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("export:rfq", public_id=quote.rfq.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def contract_detail(request, public_id: str):
    contract = _get(selectors.contract_by_public_id(public_id))
    if not can(request.user, "export.view_contract", contract):
        raise PermissionDenied
    manages = can(request.user, "export.manage_exporter", contract.exporter)
    doc_form = DocumentForm(request.POST or None, request.FILES or None, prefix="d") if manages else None
    ship_form = ShipForm(request.POST or None, prefix="s") if manages else None
    if request.method == "POST" and manages:
        try:
            with transaction.atomic():
                if "d-kind" in request.POST and doc_form.is_valid():
                    data = doc_form.cleaned_data
                    shipping.document_upload(
                        actor=request.user,
                        contract=contract,
                        kind=data["kind"],
                        number=data["number"],
                        file=data.get("file"),
                        extra={"npe": data["npe"]} if data.get("npe") else None,
                    )
                    return redirect("export:contract", public_id=contract.public_id)
                if "s-transport_document" in request.POST and ship_form.is_valid():
                    shipping.contract_ship(
                        actor=request.user,
                        contract=contract,
                        transport_document=ship_form.cleaned_data["transport_document"],
                    )
                    return redirect("export:contract", public_id=contract.public_id)
        except DomainError as exc:
            form_error_add(doc_form if "d-kind" in request.POST else ship_form, exc)
    present = {d.kind: d for d in contract.documents.all()}
    checklist = [
        {"req": r, "reason": reason_text(r.reason), "doc": present.get(r.kind)}
        for r in contract.requirements.all()
    ]
    return render(
        request,
        "export/contract.html",
        {
            "contract": contract,
            "milestones": contract.milestones.all(),
            "checklist": checklist,
            "blockers": shipping.ship_blockers(contract),
            "pool": Pool.objects.filter(contract=contract).first(),
            "doc_form": doc_form,
            "ship_form": ship_form,
            "facilitator": is_facilitator(request.user),
            "manages": manages,
            "is_buyer": contract.buyer_id == request.user.pk,
            "form_key": new_form_key(),
            "paid": set(contract.payments.values_list("kind", flat=True)),
            "claims": contract.claims.order_by("at"),
            "now": timezone.now(),
        },
    )


PACK_PDFS = {
    "contract": pdfs.contract_pdf,
    "proforma-invoice": lambda c: pdfs.invoice_pdf(c, commercial=False),
    "commercial-invoice": lambda c: pdfs.invoice_pdf(c, commercial=True),
    "packing-list": pdfs.packing_list_pdf,
}


@login_required
def contract_pdf(request, public_id: str, name: str):
    contract = _get(selectors.contract_by_public_id(public_id))
    if not can(request.user, "export.view_contract", contract):
        raise PermissionDenied
    make = _get(PACK_PDFS.get(name))
    with translation.override(request.LANGUAGE_CODE):
        body = make(contract)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{contract.code}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def pool_detail(request, public_id: str):
    pool = _get(
        Pool.objects.select_related("contract", "exporter__organisation").filter(public_id=public_id).first()
    )
    if not can(request.user, "export.view_pool", pool):
        raise PermissionDenied
    manages = can(request.user, "export.manage_exporter", pool.exporter)
    may_pledge = can(request.user, "export.pledge", pool)
    pledge_form = PledgeForm(request.POST or None, prefix="p") if may_pledge else None
    delivery_form = DeliveryForm(request.POST or None, prefix="w", pool=pool) if manages else None
    if request.method == "POST":
        try:
            with transaction.atomic():
                if "p-quantity_kg" in request.POST and pledge_form is not None and pledge_form.is_valid():
                    pooling.pledge_make(producer=request.user, pool=pool, **pledge_form.cleaned_data)
                    return redirect("export:pool", public_id=pool.public_id)
                if "w-weight_kg" in request.POST and delivery_form is not None and delivery_form.is_valid():
                    pooling.delivery_record(actor=request.user, pool=pool, **delivery_form.cleaned_data)
                    return redirect("export:pool", public_id=pool.public_id)
                if "close" in request.POST and manages:
                    pooling.pool_close(
                        actor=request.user, pool=pool, accept_short="accept_short" in request.POST
                    )
                    return redirect("export:pool", public_id=pool.public_id)
        except DomainError as exc:
            form_error_add(pledge_form if "p-quantity_kg" in request.POST else delivery_form, exc)
    full = can(request.user, "export.view_contract", pool.contract)
    deliveries = pool.deliveries.select_related("producer", "village")
    if not full:
        deliveries = deliveries.filter(producer=request.user)
    return render(
        request,
        "export/pool.html",
        {
            "pool": pool,
            "pledged": pooling.pledged_kg(pool),
            "accepted": pooling.accepted_kg(pool),
            "deliveries": deliveries,
            "lots": pool.lots.all() if full else [],
            "may_inspect": any(can(request.user, "export.inspect", lot) for lot in pool.lots.all()[:1]),
            "grades": sorted(pool.grade_prices),
            "pledge_form": pledge_form,
            "delivery_form": delivery_form,
            "manages": manages,
            "payout_run": PayoutRun.objects.filter(pool=pool).first(),
            "form_key": new_form_key(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def producer_home(request):
    """A producer's page: pools of their BUMDes, their deliveries and payouts, and the consent toggle."""
    if request.method == "POST":
        pooling.consent_set(producer=request.user, show_first_name="show_first_name" in request.POST)
        return redirect("export:producer")
    orgs = selectors.exporters_of_member(request.user).values("pk")
    return render(
        request,
        "export/producer.html",
        {
            "pools": Pool.objects.filter(exporter__in=orgs)
            .select_related("contract")
            .order_by("-created_at"),
            "deliveries": request.user
            and pooling.Delivery.objects.filter(producer=request.user).select_related("pool__contract"),
            "payouts": ProducerPayout.objects.filter(producer=request.user).select_related(
                "run__pool__contract"
            ),
            "consent": ProvenanceConsent.objects.filter(producer=request.user, show_first_name=True).exists(),
        },
    )
