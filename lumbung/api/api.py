"""The JSON API: one NinjaAPI that mounts each app's router, with one error format.

Every error is ``{code, message, details}``, with the message in the caller's language.
"""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lumbung.core.errors import DomainError

api = NinjaAPI(
    title="Lumbung API",
    version="1",
    description="Village marketplace, service centres and BUMDes export desk.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, details=None):
    return api.create_response(request, {"code": code, "message": message, "details": details or {}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, str(exc.message), exc.details)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    return _error(request, 422, "validation_failed", _("Some fields are not valid."), {"errors": exc.errors})


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, "unauthenticated", _("Please log in first."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", str(exc))


def _mount_routers() -> None:
    from lumbung.accounts.api import router as accounts_router
    from lumbung.catalog.api import router as catalog_router
    from lumbung.ledger.api import router as ledger_router
    from lumbung.notify.api import router as notify_router
    from lumbung.quality.api import router as quality_router
    from lumbung.regions.api import router as regions_router

    api.add_router("/regions", regions_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/notify", notify_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/quality", quality_router)
    api.add_router("/ledger", ledger_router)


_mount_routers()


@api.get("/health", tags=["meta"], summary="Liveness check")
def health(request) -> dict[str, str]:
    return {"status": "ok"}
