"""Quality pages: a seller's certificates and what blocks each product, and the inspectors' desk.

Every page works without JavaScript. A service error is shown on the form and nothing is saved.
Certificate files and inspection photos are served only here, after a permission check.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lumbung.core.errors import DomainError
from lumbung.core.permissions import can

from . import selectors, services
from .forms import CertificateForm, InspectionForm, RejectForm, form_error_add


def _allow(request, action: str, obj=None) -> None:
    if not can(request.user, action, obj):
        raise PermissionDenied


def _product(public_id: str):
    product = selectors.product_by_public_id(public_id)
    if product is None:
        raise Http404
    return product


def _certificate(public_id: str):
    cert = selectors.certificate_by_public_id(public_id)
    if cert is None:
        raise Http404
    return cert


@login_required
def index(request):
    if can(request.user, "quality.review") and not selectors.shops_managed_by(request.user).exists():
        return redirect("quality:review")
    return redirect("quality:products")


# --- sellers -------------------------------------------------------------------------------------


@login_required
def products(request):
    items = list(selectors.products_of_user(request.user)[:200])
    rows = [(item, selectors.gate_evaluate(item)) for item in items]
    return render(
        request,
        "quality/products.html",
        {"rows": rows, "is_reviewer": can(request.user, "quality.review")},
    )


@login_required
def product_gate(request, public_id: str):
    product = _product(public_id)
    _allow(request, "quality.view_gate", product)
    return render(
        request,
        "quality/product_gate.html",
        {
            "product": product,
            "result": selectors.gate_evaluate(product),
            "can_request": can(request.user, "quality.request_publication", product),
            "can_inspect": can(request.user, "quality.inspect_product", product),
            "inspections": selectors.inspections_of_product(product)[:10],
            "is_reviewer": can(request.user, "quality.review"),
        },
    )


@login_required
@require_POST
def product_request(request, public_id: str):
    product = _product(public_id)
    _allow(request, "quality.request_publication", product)
    try:
        with transaction.atomic():
            result = services.product_request_publication(actor=request.user, product=product)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if result.publishable:
            messages.success(request, _("Published: buyers can now see this product."))
        else:
            messages.warning(
                request,
                _("Not published yet. Below is what is missing; an inspector can also check the product."),
            )
    return redirect("quality:product", public_id=product.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def certificates(request):
    shops = selectors.shops_managed_by(request.user)
    if request.method == "POST":
        form = CertificateForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    cert = services.certificate_submit(
                        actor=request.user,
                        shop=data["shop"],
                        product=data["product"],
                        standard=data["standard"],
                        number=data["number"],
                        issuer=data["issuer"],
                        issued_on=data["issued_on"],
                        expires_on=data["expires_on"],
                        file=data["file"],
                    )
            except DomainError as exc:
                form_error_add(form, exc)
            else:
                messages.success(
                    request,
                    _("Certificate %(number)s sent. An inspector will verify it.") % {"number": cert.number},
                )
                return redirect("quality:certificates")
    else:
        initial_product = request.GET.get("product", "")
        form = CertificateForm(
            user=request.user, initial={"product": initial_product} if initial_product else None
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "quality/certificates.html",
        {
            "form": form,
            "has_shop": shops.exists(),
            "certificates": selectors.certificates_of_user(request.user)[:200],
            "is_reviewer": can(request.user, "quality.review"),
        },
        status=status,
    )


@login_required
def certificate_file(request, public_id: str):
    cert = _certificate(public_id)
    _allow(request, "quality.view_certificate", cert)
    ext = cert.file.name.rsplit(".", 1)[-1]
    is_pdf = cert.content_type == "application/pdf"
    response = FileResponse(
        cert.file.open("rb"),
        content_type=cert.content_type,
        # A PDF is downloaded and opened by the phone's own viewer; a photo is shown in the page.
        as_attachment=is_pdf,
        filename=f"{cert.standard.code}-{cert.public_id}.{ext}",
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- inspectors ----------------------------------------------------------------------------------


@login_required
def review(request):
    _allow(request, "quality.review")
    return render(
        request,
        "quality/review.html",
        {
            "certificates": selectors.certificates_to_verify()[:100],
            "products": selectors.products_awaiting_inspection()[:100],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_review(request, public_id: str):
    cert = _certificate(public_id)
    _allow(request, "quality.view_certificate", cert)
    may_review = can(request.user, "quality.review_certificate", cert)
    if not may_review and not can(request.user, "quality.review"):
        raise PermissionDenied
    reject_form = RejectForm()
    status = 200
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "verify":
                with transaction.atomic():
                    services.certificate_verify(actor=request.user, certificate=cert)
                messages.success(request, _("Certificate verified. Products that needed it were re-checked."))
                return redirect("quality:review")
            reject_form = RejectForm(request.POST)
            if reject_form.is_valid():
                with transaction.atomic():
                    services.certificate_reject(
                        actor=request.user, certificate=cert, reason=reject_form.cleaned_data["reason"]
                    )
                messages.success(request, _("Certificate rejected. The seller sees your reason."))
                return redirect("quality:review")
        except DomainError as exc:
            form_error_add(reject_form, exc)
        status = 400
    return render(
        request,
        "quality/certificate_review.html",
        {
            "cert": cert,
            "may_review": may_review,
            "reject_form": reject_form,
            "is_image": cert.content_type.startswith("image/"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspect(request, public_id: str):
    product = _product(public_id)
    _allow(request, "quality.inspect_product", product)
    status = 200
    if request.method == "POST":
        form = InspectionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    inspection = services.inspection_record(
                        actor=request.user,
                        product=product,
                        outcome=data["outcome"],
                        grade=data["grade"],
                        checklist=form.checklist(),
                        measurements=form.measurements(),
                        notes=data["notes"],
                        valid_until=data["valid_until"],
                        photos=data["photos"],
                    )
            except DomainError as exc:
                form_error_add(form, exc)
            else:
                messages.success(
                    request,
                    _("Inspection recorded: %(outcome)s.") % {"outcome": inspection.get_outcome_display()},
                )
                return redirect("quality:review")
        status = 400
    else:
        form = InspectionForm()
    return render(
        request,
        "quality/inspect.html",
        {"product": product, "form": form, "result": selectors.gate_evaluate(product)},
        status=status,
    )


@login_required
def inspection_photo(request, public_id: str, n: int):
    inspection = selectors.inspection_by_public_id(public_id)
    if inspection is None:
        raise Http404
    _allow(request, "quality.view_inspection", inspection)
    photos = list(inspection.photos.all())
    if not 1 <= n <= len(photos):
        raise Http404
    photo = photos[n - 1]
    response = FileResponse(
        photo.image.open("rb"), content_type=mimetypes.types_map.get(".webp", "image/webp")
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
