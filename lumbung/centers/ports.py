"""What after-sales lends the counter, registered at start-up (centres never import aftersales).

After-sales (layer 8) sits above centres (layer 7): the counter may not call it. So, like
``core.events`` and the permission registry, after-sales hands the counter two callables in its
``AppConfig.ready``::

    from lumbung.centers.ports import AftersalesPort, aftersales_provide

    aftersales_provide(AftersalesPort(escalated_cases=..., case_open=..., kinds=...))

- ``escalated_cases(centre)`` → the active cases escalated to this centre and waiting on it
  (``CaseRef`` each, newest deadline first is up to the provider), for the agent console;
- ``case_open(*, actor, order, kind, reason, lines, photos, on_behalf_of)`` → ``CaseRef``: the same
  service the buyer uses, run by the agent for the villager (it checks the ``aftersales`` consent
  itself and raises ``DomainError`` on refusal);
- ``kinds()`` → ``[(value, label)]`` of case kinds (return, complaint, dispute).

Until after-sales registers, the console shows no case list and "File a complaint" is not offered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CaseRef:
    """One after-sales case as the counter shows it."""

    public_id: str
    order_code: str
    kind: str  # its label, in the reader's language
    status: str  # its label
    url: str  # the after-sales case page
    buyer_name: str = ""
    due_at: datetime | None = None


@dataclass(frozen=True)
class AftersalesPort:
    escalated_cases: Callable[[Any], Sequence[CaseRef]]
    case_open: Callable[..., CaseRef]
    kinds: Callable[[], Iterable[tuple[str, str]]]


_provided: dict[str, AftersalesPort] = {}


def aftersales_provide(port: AftersalesPort | None) -> AftersalesPort | None:
    """Register (or, with None, remove) the after-sales port; returns the one it replaced."""
    previous = _provided.pop("aftersales", None)
    if port is not None:
        _provided["aftersales"] = port
    return previous


def aftersales() -> AftersalesPort | None:
    return _provided.get("aftersales")
