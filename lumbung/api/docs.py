"""The API docs page at /api/docs, which must work with no internet.

With ``ninja`` in INSTALLED_APPS, ninja's Swagger UI is served from its bundled static files (no CDN).
Without it, ninja would load Swagger from a CDN, so we render a light page instead: every operation
with its method, path and summary, and a link to the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase, Swagger

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class OfflineDocs(DocsBase):
    def __init__(self) -> None:
        self.swagger = Swagger(settings={"persistAuthorization": True})

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        if "ninja" in settings.INSTALLED_APPS:
            return self.swagger.render_page(request, api, **kwargs)
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = [
            {
                "method": method.upper(),
                "path": path,
                "summary": op.get("summary", ""),
                "tags": op.get("tags", []),
            }
            for path, item in schema.get("paths", {}).items()
            for method, op in item.items()
            if method in METHODS
        ]
        operations.sort(key=lambda o: (o["tags"][:1], o["path"], o["method"]))
        return render(
            request,
            "api/docs.html",
            {"api": api, "operations": operations, "openapi_url": self.get_openapi_url(api, kwargs)},
        )
