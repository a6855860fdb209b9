"""Domain errors: one shape everywhere, ``{code, message, details}``, with a translated message.

Services raise these; the API turns them into JSON with the right status and the pages into a form
error or an error page, always in the user's language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    default_message: Any = _("The request could not be completed.")
    status = 400

    def __init__(
        self, message: Any = None, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class ValidationFailed(DomainError):
    code = "validation_failed"
    default_message = _("Some fields are not valid.")
    status = 422


class NotFound(DomainError):
    code = "not_found"
    default_message = _("Not found.")
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    default_message = _("You are not allowed to do that.")
    status = 403


class Unauthenticated(DomainError):
    code = "unauthenticated"
    default_message = _("Please log in first.")
    status = 401


class Conflict(DomainError):
    code = "conflict"
    default_message = _("That conflicts with the current state.")
    status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    default_message = _("Too many attempts. Please wait and try again.")
    status = 429
