"""The project's URLs plus the ledger pages, until the lead mounts ``ledger/`` in lumbung/urls.py."""

from django.urls import include, path

from lumbung.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("ledger/", include("lumbung.ledger.urls")), *project_urlpatterns]
