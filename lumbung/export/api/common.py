"""Shared bits of the export API: the error responses and lookups that 404 on unknown public ids."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import NotFound
from lumbung.core.schemas import ErrorOut

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def found(obj, what=None):
    if obj is None:
        raise NotFound(what or _("Not found."))
    return obj
