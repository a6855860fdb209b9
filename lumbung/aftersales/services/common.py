"""Pieces every case act shares: the row lock, the one status writer, events, who acts as whom."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import AssistPurpose
from lumbung.accounts.services import acting_for_require
from lumbung.core.errors import Forbidden, ValidationFailed
from lumbung.core.permissions import require
from lumbung.orders.services import order_hold

from .. import conf
from ..errors import IllegalCaseMove, invalid
from ..models import Case, CaseEvent
from ..rules import is_mediating_agent
from ..states import CaseStatus, allowed

S = CaseStatus
Role = CaseEvent.Role
Action = CaseEvent.Action
MAX_MESSAGE = 2000


def case_lock(case: Case | int) -> Case:
    """The case, re-read under a row lock held until the caller's transaction ends."""
    pk = case.pk if isinstance(case, Case) else case
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related(
            "order__shop__organisation",
            "order__buyer",
            "order__assisted_by",
            "order__village",
            "buyer",
            "filed_by",
            "centre__organisation",
        )
        .get(pk=pk)
    )


def clean_text(
    value, *, field: str, required: bool, min_length: int = 1, max_length: int = MAX_MESSAGE
) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise invalid(field, _("Please write plain text."))
    if not text and not required:
        return ""
    if len(text) < min_length:
        if min_length <= 1:
            raise invalid(field, _("Please write a few words."))
        raise invalid(field, _("Please write at least %(n)d characters.") % {"n": min_length})
    if len(text) > max_length:
        raise invalid(field, _("Please keep it under %(n)d characters.") % {"n": max_length})
    return text


def _status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def event_record(
    *,
    case: Case,
    action: str,
    role: str,
    actor=None,
    on_behalf_of=None,
    message: str = "",
    from_status: str = "",
    to_status: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        role=role,
        actor=actor if getattr(actor, "pk", None) else None,
        on_behalf_of=on_behalf_of if getattr(on_behalf_of, "pk", None) else None,
        message=str(message or "")[:MAX_MESSAGE],
        from_status=from_status,
        to_status=to_status,
    )


def case_set_status(
    *, case: Case, to: str, action: str, role: str, actor=None, on_behalf_of=None, message: str = ""
) -> Case:
    """Move a locked ``case`` to ``to`` or raise ``IllegalCaseMove``; the one writer of ``Case.status``.

    Sets the deadline of the step it enters: the buyer's reply to an offer, the centre's decision.
    """
    if not allowed(case.status, to):
        raise IllegalCaseMove(
            IllegalCaseMove.default_message % {"from": _status_label(case.status), "to": _status_label(to)},
            details={"from": case.status, "to": to},
        )
    now = timezone.now()
    from_status = case.status
    case.status = to
    case.due_at = None
    fields = ["status", "due_at", "updated_at"]
    if to == S.OFFERED:
        case.due_at = now + conf.buyer_time()
    elif to == S.ESCALATED_CENTRE:
        case.due_at = now + conf.centre_time()
        case.escalated_at = now
        fields.append("escalated_at")
    elif to == S.ESCALATED_PLATFORM:
        case.platform_at = now
        fields.append("platform_at")
    elif to in (S.RESOLVED, S.WITHDRAWN):
        case.closed_at = now
        fields.append("closed_at")
    case.save(update_fields=fields)
    event_record(
        case=case,
        action=action,
        role=role,
        actor=actor,
        on_behalf_of=on_behalf_of,
        message=message,
        from_status=from_status,
        to_status=to,
    )
    return case


def buyer_side(*, actor, case: Case, on_behalf_of=None):
    """Check ``actor`` may act as the case's buyer; returns the acting-for grant when an agent acts.

    An agent acting for the villager needs a live ``aftersales`` grant (accounts checks consent).
    """
    if on_behalf_of is not None:
        if on_behalf_of.pk != case.buyer_id:
            raise Forbidden(_("This case belongs to someone else."))
        return acting_for_require(agent=actor, villager=on_behalf_of, purpose=AssistPurpose.AFTERSALES)
    require(actor, "aftersales.buyer_act", case)
    return None


def mediator_role(actor, case: Case) -> str:
    return (
        Role.CENTRE
        if case.status == S.ESCALATED_CENTRE and is_mediating_agent(actor, case)
        else Role.PLATFORM
    )


def hold_release(case: Case, *, actor=None) -> None:
    """The order may complete again (the active-case index guarantees no other case is open)."""
    order_hold(
        order=case.order, held=False, reason=str(_("case %(code)s closed") % {"code": case.code}), actor=actor
    )


def must_be(case: Case, *statuses: str, to: str) -> None:
    if case.status not in statuses:
        raise IllegalCaseMove(
            IllegalCaseMove.default_message % {"from": _status_label(case.status), "to": _status_label(to)},
            details={"from": case.status, "to": to},
        )


def not_blank(value, field: str):
    if value in (None, ""):
        raise ValidationFailed(details={"field": field})
    return value
