"""Export desk pages: the desk home, exporter profiles (register, view, verify), RFQs, quotes, contracts.

Tiny, server-rendered and working without JavaScript. A refusal is shown on the form and nothing is
saved. Strangers get 403; anonymous visitors are sent to log in.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lumbung.accounts.selectors import organisations_of
from lumbung.core.errors import DomainError
from lumbung.core.permissions import can

from . import selectors
from .forms import ExporterForm, VerificationForm, form_error_add
from .rules import is_facilitator
from .services import profiles


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "export/home.html",
        {
            "mine": selectors.exporters_managed_by(user),
            "rfqs": selectors.rfqs_for_buyer(user)[:20],
            "invited": [
                r for e in selectors.exporters_managed_by(user) for r in selectors.rfqs_for_exporter(e)[:20]
            ],
            "contracts": selectors.contracts_visible(user)[:50],
            "facilitator": is_facilitator(user),
            "to_verify": selectors.exporters_all().exclude(status="verified") if is_facilitator(user) else [],
        },
    )


@login_required
def exporter_detail(request, public_id: str):
    row = selectors.exporter_by_public_id(public_id)
    if row is None:
        raise Http404
    if row.status != "verified" and not (
        can(request.user, "export.manage_exporter", row) or is_facilitator(request.user)
    ):
        raise Http404
    return render(
        request,
        "export/exporter.html",
        {
            "exporter": row,
            "certificates": selectors.exporter_certificates(row),
            "verifications": row.verifications.all()[:5],
            "can_verify": is_facilitator(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exporter_register(request):
    organisations = [
        o for o in organisations_of(request.user) if can(request.user, "export.manage_exporter", o)
    ]
    form = ExporterForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                row = profiles.exporter_register(
                    actor=request.user,
                    organisation=data["organisation"],
                    nib=data["nib"],
                    npwp=data["npwp"],
                    monthly_capacity_kg=data["monthly_capacity_kg"],
                    languages=data["languages"],
                    products=[
                        {
                            "hs_code": data["hs_code"].code,
                            "name": data["product"],
                            "monthly_capacity_kg": data["monthly_capacity_kg"],
                        }
                    ],
                )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            return redirect("export:exporter", public_id=row.public_id)
    return render(request, "export/exporter_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def exporter_verify(request, public_id: str):
    row = selectors.exporter_by_public_id(public_id)
    if row is None:
        raise Http404
    if not is_facilitator(request.user):
        raise PermissionDenied
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                profiles.verification_record(actor=request.user, exporter=row, **form.cleaned_data)
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            return redirect("export:exporter", public_id=row.public_id)
    return render(request, "export/verify.html", {"form": form, "exporter": row})


def provenance(request, public_id: str):
    """The public page a lot's or pack's QR code opens, in the buyer's language (or ?lang=)."""
    from django.utils import translation

    from .provenance import provenance_for

    found = provenance_for(public_id)
    if found is None:
        raise Http404
    lang = request.GET.get("lang") or found.language
    if lang not in ("id", "en", "zh-hans"):
        lang = "en"
    with translation.override(lang):
        response = render(request, "export/provenance.html", {"p": found, "lang": lang})
    response["Cache-Control"] = "public, max-age=300"
    return response


def provenance_qr(request, public_id: str):
    from django.http import HttpResponse

    from .provenance import provenance_for, provenance_path, qr_svg

    if provenance_for(public_id) is None:
        raise Http404
    body = qr_svg(request.build_absolute_uri(provenance_path(public_id)))
    return HttpResponse(body, content_type="image/svg+xml")
