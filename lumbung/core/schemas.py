"""API schemas shared by every app. One ``ErrorOut`` so the OpenAPI spec names one error shape."""

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Every API error. ``code`` is stable and meant for programs; ``message`` is for people."""

    code: str
    message: str
    details: dict[str, Any] = {}
