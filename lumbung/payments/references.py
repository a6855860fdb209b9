"""What can be paid: higher apps (orders, export...) register a resolver for their reference prefix.

``resolve("order:7k2m...", user)`` asks the app that owns "order" whether this user may pay that
reference now, and for how much into which escrow account. payments never imports those apps: they
register here at start-up (``AppConfig.ready``), like permission rules and event handlers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lumbung.core.money import Money


@dataclass(frozen=True)
class Payable:
    reference: str
    escrow_account: str
    amount: Money
    label: str = ""


Resolver = Callable[[str, Any], Payable | None]
_resolvers: dict[str, Resolver] = {}


def register(prefix: str) -> Callable[[Resolver], Resolver]:
    """Decorator: ``@references.register("order")`` handles references "order:<id>"."""

    def add(func: Resolver) -> Resolver:
        _resolvers[prefix] = func
        return func

    return add


def unregister(prefix: str) -> None:
    _resolvers.pop(prefix, None)


def resolve(reference: str, user: Any) -> Payable | None:
    """The payable for ``reference`` if ``user`` may pay it now, else None (unknown, not theirs, done)."""
    prefix, sep, _ = reference.partition(":")
    resolver = _resolvers.get(prefix)
    if not sep or resolver is None:
        return None
    payable = resolver(reference, user)
    return payable if payable is not None and payable.reference == reference else None
