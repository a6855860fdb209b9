"""After-sales pages: open a case from an order, my cases, the seller's cases, the mediators' queue,
a case with its timeline, photos and the forms for the acts the viewer may do.

Every page works without JavaScript. Each form carries a one-time key (``new_form_key``) run through
``run_idempotent``: a double submit takes effect once. A refused act shows its message and saves nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lumbung.core.errors import DomainError
from lumbung.core.idempotency import fingerprint, new_form_key, run_idempotent, scope_for
from lumbung.orders.selectors import order_for_viewer

from . import selectors, services
from .forms import CaseActForm, CaseOpenForm
from .rules import is_staff
from .serialise import case_actions
from .states import CaseStatus, Remedy


def _case(request, public_id: str):
    try:
        return selectors.case_for_viewer(public_id=public_id, user=request.user)
    except DomainError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request, order: str):
    try:
        order_ = order_for_viewer(public_id=order, user=request.user)
    except DomainError:
        raise Http404 from None
    if order_.buyer_id != request.user.pk:
        raise Http404
    form = CaseOpenForm(
        request.POST or None, request.FILES or None, order=order_, initial={"form_key": new_form_key()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def run():
            case = services.case_open(
                actor=request.user,
                order=order_,
                kind=data["kind"],
                reason=data["reason"],
                lines=data["lines"] or None,
                photos=form.photos(),
            )
            return 200, {"case": case.public_id}

        try:
            answer = run_idempotent(
                scope=scope_for(request.user),
                key=data["form_key"],
                request_fingerprint=fingerprint("case-open", order_.public_id),
                func=run,
            )
        except DomainError as exc:
            field = exc.details.get("field")
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Your case is open. The seller has a few days to answer."))
            return redirect("aftersales:detail", public_id=answer.body["case"])
    existing = selectors.active_case_for_order(order_)
    context = {
        "form": form,
        "order": order_,
        "existing": existing,
        "window_open": services.window_open(order_),
    }
    return render(request, "aftersales/case_open.html", context, status=422 if form.errors else 200)


def _list(request, rows, *, title: str, who: str):
    return render(request, "aftersales/case_list.html", {"cases": rows, "title": title, "who": who})


@login_required
def cases_mine(request):
    return _list(request, selectors.cases_of_buyer(user=request.user)[:100], title=_("My cases"), who="buyer")


@login_required
def cases_selling(request):
    rows = selectors.cases_of_seller(user=request.user)[:100]
    return _list(request, rows, title=_("Cases about my shops"), who="seller")


@login_required
def cases_queue(request):
    rows = selectors.cases_queue(user=request.user)[:100]
    title = _("Cases waiting for a decision") if is_staff(request.user) else _("Cases for my centre")
    return _list(request, rows, title=title, who="mediator")


@login_required
def case_detail(request, public_id: str):
    case = _case(request, public_id)
    acts = case_actions(case, request.user)
    form = CaseActForm(
        initial={
            "form_key": new_form_key(),
            "amount": case.claimed_value
            if case.status in (CaseStatus.OPEN, CaseStatus.ESCALATED_CENTRE, CaseStatus.ESCALATED_PLATFORM)
            else None,
        }
    )
    context = {
        "case": case,
        "acts": acts,
        "form": form,
        "remedies": Remedy.choices,
        "refundable": case.order.refundable_money,
    }
    return render(request, "aftersales/case_detail.html", context)


def _run_act(act: str, user, case, data):
    message = data.get("message") or ""
    remedy = data.get("remedy") or ""
    amount = data.get("amount")
    if act == "answer":
        return services.case_answer(actor=user, case=case, remedy=remedy, amount=amount, message=message)
    if act == "accept":
        return services.case_accept(actor=user, case=case)
    if act == "refuse":
        return services.case_refuse(actor=user, case=case, message=message)
    if act == "withdraw":
        return services.case_withdraw(actor=user, case=case, message=message)
    if act == "comment":
        return services.case_comment(actor=user, case=case, message=message)
    if act == "decide":
        return services.case_decide(actor=user, case=case, remedy=remedy, amount=amount, message=message)
    return services.case_refer(actor=user, case=case, message=message)


ACTS = ("answer", "accept", "refuse", "withdraw", "comment", "decide", "refer")


def _done(act: str) -> str:
    return {
        "answer": _("Your answer was sent to the buyer."),
        "accept": _("Done. The case is closed."),
        "refuse": _("The service centre will now decide."),
        "withdraw": _("The case is withdrawn."),
        "comment": _("Your message was added."),
        "decide": _("Decision recorded. The case is closed."),
        "refer": _("The case was passed to Lumbung staff."),
    }[act]


@login_required
@require_POST
def case_act(request, public_id: str, act: str):
    if act not in ACTS:
        raise Http404
    case = _case(request, public_id)
    form = CaseActForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("aftersales:detail", public_id=case.public_id)

    def run():
        _run_act(act, request.user, case, form.cleaned_data)
        return 200, {"case": case.public_id}

    try:
        run_idempotent(
            scope=scope_for(request.user),
            key=form.cleaned_data["form_key"],
            request_fingerprint=fingerprint("case-act", act, case.public_id),
            func=run,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _done(act))
    return redirect("aftersales:detail", public_id=case.public_id)


@login_required
def case_photo(request, public_id: str, photo: str):
    case = _case(request, public_id)
    row = next((p for p in case.photos.all() if p.public_id == photo), None)
    if row is None:
        raise Http404
    response = HttpResponse(bytes(row.webp), content_type="image/webp")
    response["Cache-Control"] = "private, max-age=3600"
    return response
