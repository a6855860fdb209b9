"""``LumbungAPI``: NinjaAPI plus the parts of the error format that live in URLs and the spec.

- A catch-all after every route (and at the root), so an unknown address under /api/ answers the JSON 404.
- Each path view wrapped so a wrong method answers the JSON 405 (ninja's own is plain text).
- The OpenAPI document names the ``Error`` schema and gives it to every operation as its
  ``default`` response, so clients and schemathesis know the shape of any failure.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, re_path
from ninja import NinjaAPI

from lumbung.core.schemas import ErrorOut

from .errors import json_method_not_allowed, json_not_found

ERROR_REF = "#/components/schemas/Error"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class LumbungAPI(NinjaAPI):
    def _get_urls(self) -> list[Any]:
        urls = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":  # ninja's root raises a bare Http404 (Django's HTML page)
                    pattern.callback = json_not_found(self)
                else:
                    pattern.callback = json_method_not_allowed(self, pattern.callback)
            urls.append(pattern)
        urls.append(re_path(r"^.*$", json_not_found(self), name="not-found"))
        return urls

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Error"] = ErrorOut.model_json_schema()
        error = {"description": "Error", "content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                if method in METHODS:
                    operation.setdefault("responses", {}).setdefault("default", error)
        return schema
