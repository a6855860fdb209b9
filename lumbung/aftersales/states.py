"""A case's states and the only moves between them (plain Python, so property tests can walk it).

::

    open ──seller answers──▶ offered ──buyer accepts (or stays silent)──▶ resolved
      │                        │
      │ seller silent          │ buyer refuses
      ▼                        ▼
    escalated_centre ──centre decides──▶ resolved
      │ centre silent or refers
      ▼
    escalated_platform ──staff decide──▶ resolved

    any state before resolved ──buyer withdraws──▶ withdrawn

A case with no centre (none serves the buyer's village) escalates straight to the platform.
``services.cases.case_set_status`` is the one writer of ``Case.status``; it refuses anything not
in ``TRANSITIONS`` and writes a ``CaseEvent``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    RETURN = "return", _("return the goods")
    COMPLAINT = "complaint", _("complaint")
    DISPUTE = "dispute", _("dispute")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("waiting for the seller")
    OFFERED = "offered", _("seller answered, waiting for the buyer")
    ESCALATED_CENTRE = "escalated_centre", _("with the service centre")
    ESCALATED_PLATFORM = "escalated_platform", _("with Lumbung staff")
    RESOLVED = "resolved", _("resolved")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Remedy(models.TextChoices):
    """What a seller offers or a mediator decides."""

    REFUND = "refund", _("refund")
    REPLACEMENT = "replacement", _("replacement")
    REJECT = "reject", _("rejected")


S = CaseStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.OFFERED, S.ESCALATED_CENTRE, S.ESCALATED_PLATFORM, S.WITHDRAWN}),
    S.OFFERED: frozenset({S.RESOLVED, S.ESCALATED_CENTRE, S.ESCALATED_PLATFORM, S.WITHDRAWN}),
    S.ESCALATED_CENTRE: frozenset({S.RESOLVED, S.ESCALATED_PLATFORM, S.WITHDRAWN}),
    S.ESCALATED_PLATFORM: frozenset({S.RESOLVED, S.WITHDRAWN}),
    S.RESOLVED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

ACTIVE = frozenset({S.OPEN, S.OFFERED, S.ESCALATED_CENTRE, S.ESCALATED_PLATFORM})
ESCALATED = frozenset({S.ESCALATED_CENTRE, S.ESCALATED_PLATFORM})
CLOSED = frozenset({S.RESOLVED, S.WITHDRAWN})


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
