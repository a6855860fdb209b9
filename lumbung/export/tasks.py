"""Periodic jobs of the export desk (plain services registered with lumbung.core.periodic):
``export.close_rfqs`` (RFQs past their deadline) and ``export.escalate_claims`` (claims unanswered
for 3 days go to the facilitators)."""

from __future__ import annotations

from .services import shipping, trade  # noqa: F401  (importing registers the jobs)
