"""The JSON API: one NinjaAPI that mounts each app's router, with one error format.

Every error is ``{code, message, details}``, with the message in the caller's language
(see lumbung/api/errors.py and docs/api.md).
"""

from ninja import Schema

from .base import LumbungAPI
from .docs import OfflineDocs
from .errors import install_error_handlers

api = LumbungAPI(
    title="Lumbung API",
    version="1",
    description="Village marketplace, service centres and BUMDes export desk. Errors: {code, message, details}.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs=OfflineDocs(),
)
install_error_handlers(api)


def _mount_routers() -> None:
    from lumbung.accounts.api import router as accounts_router
    from lumbung.aftersales.api import router as aftersales_router
    from lumbung.catalog.api import router as catalog_router
    from lumbung.centers.api import router as centers_router
    from lumbung.export.api import router as export_router
    from lumbung.ledger.api import router as ledger_router
    from lumbung.logistics.api import router as logistics_router
    from lumbung.notify.api import router as notify_router
    from lumbung.orders.api import router as orders_router
    from lumbung.payments.api import router as payments_router
    from lumbung.quality.api import router as quality_router
    from lumbung.regions.api import router as regions_router

    api.add_router("/regions", regions_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/notify", notify_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/quality", quality_router)
    api.add_router("/ledger", ledger_router)
    api.add_router("/payments", payments_router)
    api.add_router("/logistics", logistics_router)
    api.add_router("/orders", orders_router)
    api.add_router("/centers", centers_router)
    api.add_router("/export", export_router)
    api.add_router("/aftersales", aftersales_router)


_mount_routers()


class HealthOut(Schema):
    status: str


@api.get("/health", response=HealthOut, tags=["meta"], summary="Liveness check")
def health(request):
    return {"status": "ok"}
