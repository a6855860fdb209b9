"""One error format for the whole API: ``{"code": str, "message": str, "details": object}``.

Every failure under /api/ answers in this shape, in the caller's language (LocaleMiddleware has
already picked it from the ``lumbung_lang`` cookie or Accept-Language): domain errors, validation
(422), authentication (401), permission (403), unknown routes (404), wrong methods (405), ninja's
HttpError and throttling (429), and unexpected exceptions (500, logged, never a traceback).
"""

from __future__ import annotations

import functools
import inspect
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from lumbung.core.errors import Conflict, DomainError, Forbidden, NotFound, RateLimited, Unauthenticated

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("lumbung.api")


BAD_REQUEST = _("The request could not be understood.")
METHOD_NOT_ALLOWED = _("This method is not allowed here.")
NO_SUCH_ROUTE = _("There is nothing at this address.")
SERVER_ERROR = _("Something went wrong on our side. Please try again later.")

# Status -> (code, message) for errors that carry no domain code of their own.
BY_STATUS: dict[int, tuple[str, Any]] = {
    400: ("bad_request", BAD_REQUEST),
    401: (Unauthenticated.code, Unauthenticated.default_message),
    403: (Forbidden.code, Forbidden.default_message),
    404: (NotFound.code, NotFound.default_message),
    405: ("method_not_allowed", METHOD_NOT_ALLOWED),
    409: (Conflict.code, Conflict.default_message),
    429: (RateLimited.code, RateLimited.default_message),
}
# ninja's own English messages: replaced by ours, which are translated.
NINJA_MESSAGES = {
    "Unauthorized",
    "Forbidden",
    "Too many requests.",
    "Cannot parse request body",
    "CSRF check Failed",
}


def error_body(code: str, message: Any, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": str(message), "details": details or {}}


def install_error_handlers(api: NinjaAPI) -> None:
    """Register one handler per kind of failure; each answers ``{code, message, details}``."""

    def respond(request: HttpRequest, status: int, code: str, message: Any, details=None) -> HttpResponse:
        return api.create_response(request, error_body(code, message, details), status=status)

    @api.exception_handler(DomainError)
    def on_domain_error(request, exc: DomainError):
        response = respond(request, exc.status, exc.code, exc.message, exc.details)
        retry_after = exc.details.get("retry_after_seconds") if exc.details else None
        if retry_after is not None:
            response["Retry-After"] = str(int(retry_after))
        return response

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request, exc: NinjaValidationError):
        errors = [
            {"loc": list(e.get("loc", ())), "type": e.get("type", ""), "msg": e.get("msg", "")}
            for e in exc.errors
        ]
        return respond(
            request, 422, "validation_failed", gettext("Some fields are not valid."), {"errors": errors}
        )

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request, exc: AuthenticationError):
        response = respond(request, 401, Unauthenticated.code, Unauthenticated.default_message)
        response["WWW-Authenticate"] = 'Bearer realm="lumbung"'
        return response

    @api.exception_handler(Throttled)
    def on_throttled(request, exc: Throttled):
        details = {"retry_after": exc.wait} if exc.wait else {}
        response = respond(request, 429, RateLimited.code, RateLimited.default_message, details)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        code, default = BY_STATUS.get(exc.status_code, ("error", BAD_REQUEST))
        message = default if (not exc.message or exc.message in NINJA_MESSAGES) else gettext(exc.message)
        return respond(request, exc.status_code, code, message)

    @api.exception_handler(Http404)
    def on_not_found(request, exc: Http404):
        return respond(request, 404, NotFound.code, NotFound.default_message)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc: PermissionDenied):
        return respond(request, 403, Forbidden.code, Forbidden.default_message)

    @api.exception_handler(Exception)
    def on_unexpected(request, exc: Exception):
        # Logged with the traceback for us; the caller only learns that it was our fault.
        logger.exception("unhandled error in %s %s", request.method, request.path)
        return respond(request, 500, "server_error", SERVER_ERROR)


def json_not_found(api: NinjaAPI):
    """The last URL under /api/: anything no route matched gets the JSON 404, not Django's HTML page."""

    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        details = {"docs": reverse(f"{api.urls_namespace}:openapi-view")} if api.docs_url else {}
        return api.create_response(request, error_body(NotFound.code, NO_SUCH_ROUTE, details), status=404)

    view.csrf_exempt = True  # type: ignore[attr-defined]  # a 404 changes nothing
    return view


def json_method_not_allowed(api: NinjaAPI, view):
    """Wrap a ninja path view so its plain-text 405 becomes the JSON error, keeping the Allow header."""
    if inspect.iscoroutinefunction(view):
        return view  # Lumbung's operations are synchronous; leave any async view as ninja made it

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            methods = sorted(m.strip() for m in allowed.split(",") if m.strip())
            body = error_body("method_not_allowed", METHOD_NOT_ALLOWED, {"allowed": methods})
            replacement = api.create_response(request, body, status=405)
            replacement["Allow"] = allowed
            return replacement
        return response

    return wrapper
