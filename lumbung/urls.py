from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lumbung.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("regions/", include("lumbung.regions.urls")),
    path("accounts/", include("lumbung.accounts.urls")),
    path("notify/", include("lumbung.notify.urls")),
    path("quality/", include("lumbung.quality.urls")),
    path("ledger/", include("lumbung.ledger.urls")),
    path("payments/", include("lumbung.payments.urls")),
    path("logistics/", include("lumbung.logistics.urls")),
    path("orders/", include("lumbung.orders.urls")),
    path("centres/", include("lumbung.centers.urls")),
    path("export/", include("lumbung.export.urls")),
    path("aftersales/", include("lumbung.aftersales.urls")),
    path("", include("lumbung.catalog.urls")),
    path("", include("lumbung.web.urls")),
]
if not settings.PRODUCTION:
    from lumbung.web.views import media

    urlpatterns.append(path("media/<path:path>", media, name="media"))
