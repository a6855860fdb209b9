"""The deadlines (a periodic job; celery beat or ``lumbung tick`` runs it, tests move the clock).

- open, the seller silent past the answer time → the centre mediates (or the platform, if none);
- offered, the buyer silent past the reply time → the offer stands and is carried out; if that is
  refused now (say the seller was paid out meanwhile), the case goes to the centre instead;
- with the centre past its decision time → the platform decides.

Each case runs in its own transaction (the job is not wrapped in one), so a refund that calls the
gateway after commit, or one failing case, never holds up the rest.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core.errors import DomainError
from lumbung.core.periodic import periodic

from ..models import Case
from .cases import escalate
from .common import Action, Role, S, case_lock
from .outcomes import case_resolve

log = logging.getLogger(__name__)
BATCH = 500
WAITING = (S.OPEN, S.OFFERED, S.ESCALATED_CENTRE)


def case_deadline_pass(*, case: Case | int) -> Case:
    """Move one case whose step is overdue (idempotent: a case no longer overdue is left alone)."""
    with transaction.atomic():
        case = case_lock(case)
        if case.status not in WAITING or case.due_at is None or case.due_at > timezone.now():
            return case
        if case.status == S.OPEN:
            return escalate(
                case, actor=None, role=Role.SYSTEM, message=_("The seller did not answer in time.")
            )
        if case.status == S.ESCALATED_CENTRE:
            return escalate(
                case,
                actor=None,
                role=Role.SYSTEM,
                message=_("The service centre did not decide in time."),
                action=Action.TO_PLATFORM,
            )
        try:
            with transaction.atomic():
                return case_resolve(
                    case=case,
                    remedy=case.offer,
                    amount=case.offer_money,
                    actor=None,
                    role=Role.SYSTEM,
                    action=Action.ACCEPTED,
                    message=_("The buyer did not answer in time: the seller's offer stands."),
                )
        except DomainError as exc:
            case = case_lock(case)
            return escalate(
                case,
                actor=None,
                role=Role.SYSTEM,
                message=_("The seller's offer could not be carried out: %(why)s") % {"why": exc.message},
            )


@periodic("aftersales.deadlines", every=timedelta(minutes=15), atomic=False)
def cases_deadlines_run() -> int:
    overdue = Case.objects.filter(status__in=WAITING, due_at__lte=timezone.now())
    done = 0
    for pk in list(overdue.order_by("due_at", "pk").values_list("pk", flat=True)[:BATCH]):
        try:
            case_deadline_pass(case=pk)
            done += 1
        except DomainError:
            log.exception("case %s: deadline step refused", pk)
    return done
