"""The permission-rule registry: the one way to ask "may this user do X to this object".

Apps register predicates at import time (``@rule("catalog.edit_product")``); views, the API and
services call ``can()`` or ``require()``. Platform admins (superusers) may do everything. An
unknown action is refused rather than allowed, so a missing rule fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import Forbidden, Unauthenticated

Predicate = Callable[[Any, Any], bool]
_rules: dict[str, Predicate] = {}


def rule(action: str) -> Callable[[Predicate], Predicate]:
    def register(predicate: Predicate) -> Predicate:
        existing = _rules.get(action)
        if existing is not None and existing is not predicate:
            raise RuntimeError(f"permission rule {action!r} is registered twice")
        _rules[action] = predicate
        return predicate

    return register


def registered_actions() -> list[str]:
    return sorted(_rules)


def can(user: Any, action: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        predicate = _rules.get(action)
        # Some actions are open to anyone (e.g. reading a public page); the rule decides.
        return bool(predicate and getattr(predicate, "allows_anonymous", False) and predicate(user, obj))
    if user.is_superuser:
        return True
    predicate = _rules.get(action)
    return bool(predicate and predicate(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise ``Unauthenticated`` or ``Forbidden`` unless ``can()`` says yes."""
    if can(user, action, obj):
        return
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated()
    raise Forbidden()


def anonymous_ok(predicate: Predicate) -> Predicate:
    """Mark a rule as one that may also answer yes for anonymous users."""
    predicate.allows_anonymous = True  # type: ignore[attr-defined]
    return predicate
