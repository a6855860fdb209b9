"""On-commit events: how a lower app tells a higher one that something happened.

A higher app registers a handler at start-up (in its ``AppConfig.ready``); a lower app calls
``emit()`` inside its transaction, and handlers run only after that transaction commits. Django
signals are never used for business effects. Handlers get keyword arguments only, passed through
``functools.partial`` so no closure captures a loop variable.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)
Handler = Callable[..., None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def on(event: str) -> Callable[[Handler], Handler]:
    """Decorator: ``@events.on("order.paid")`` registers a handler."""

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[event]:
            _handlers[event].append(handler)
        return handler

    return register


def handlers_for(event: str) -> list[Handler]:
    return list(_handlers.get(event, ()))


def _dispatch(event: str, payload: dict[str, Any]) -> None:
    for handler in handlers_for(event):
        try:
            handler(**payload)
        except Exception:  # one failing subscriber must not stop the others
            log.exception("handler %s for %s failed", handler, event)


def emit(event: str, **payload: Any) -> None:
    """Run the event's handlers after the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(_dispatch, event, payload))
