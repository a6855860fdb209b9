"""Write to the audit log. Called inside the service's transaction, so the entry commits with the act."""

from __future__ import annotations

from typing import Any

from .models import AuditEntry


def record(
    action: str,
    *,
    actor: Any = None,
    on_behalf_of: Any = None,
    obj: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        on_behalf_of=on_behalf_of if getattr(on_behalf_of, "pk", None) else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(getattr(obj, "public_id", None) or getattr(obj, "pk", "")) if obj is not None else "",
        data=data or {},
    )
