"""After-sales services: the one way to open, answer, decide and close cases.

Keyword-only; each owns its transaction (nesting in the caller's). Money moves only through
``orders.services.order_refund``; parcels only through ``logistics.services.parcel_create``.
``case_open`` keeps its exact signature: the centres' agent console files complaints through it.
"""

from .cases import (
    case_accept,
    case_answer,
    case_comment,
    case_decide,
    case_open,
    case_refer,
    case_refuse,
    case_withdraw,
    window_open,
)
from .common import case_set_status
from .jobs import case_deadline_pass, cases_deadlines_run

__all__ = [
    "case_accept",
    "case_answer",
    "case_comment",
    "case_deadline_pass",
    "case_decide",
    "case_open",
    "case_refer",
    "case_refuse",
    "case_set_status",
    "case_withdraw",
    "cases_deadlines_run",
    "window_open",
]
