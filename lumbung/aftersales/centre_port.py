"""What after-sales lends the centre counter (``lumbung.centers.ports``), registered in
``AftersalesConfig.ready``: centres sit below after-sales and may not import it."""

from __future__ import annotations

from django.urls import reverse

from lumbung.centers.ports import AftersalesPort, CaseRef

from . import services as aftersales_services
from .models import Case
from .states import ESCALATED, CaseKind


def _ref(case: Case) -> CaseRef:
    return CaseRef(
        public_id=case.public_id,
        order_code=case.order.code,
        kind=str(case.get_kind_display()),
        status=str(case.get_status_display()),
        url=reverse("aftersales:detail", args=[case.public_id]),
        buyer_name=case.buyer.name or "",
        due_at=case.due_at,
    )


def escalated_cases(centre) -> list[CaseRef]:
    qs = (
        Case.objects.select_related("order", "buyer")
        .filter(centre=centre, escalated_at__isnull=False, status__in=ESCALATED)
        .order_by("due_at", "opened_at", "id")
    )
    return [_ref(c) for c in qs[:50]]


def case_open(*, actor, order, kind, reason, lines=None, photos=(), on_behalf_of=None) -> CaseRef:
    case = aftersales_services.case_open(
        actor=actor,
        order=order,
        kind=kind,
        reason=reason,
        lines=lines,
        photos=photos,
        on_behalf_of=on_behalf_of,
    )
    return _ref(case)


def kinds() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in CaseKind.choices]


PORT = AftersalesPort(escalated_cases=escalated_cases, case_open=case_open, kinds=kinds)
