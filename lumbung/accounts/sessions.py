"""Logging a browser in after a code or a password, in the user's own language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.utils import translation

BACKEND = "lumbung.accounts.backends.LumbungBackend"


def session_login(request, user) -> None:
    """Start a fresh session (the key is cycled against fixation) and switch to the user's language."""
    login(request, user, backend=BACKEND)
    request.session.pop("otp_phone", None)
    translation.activate(user.language)
    request.LANGUAGE_CODE = translation.get_language()


def language_cookie_set(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
