"""Authentication for every app's ninja router.

``api_auth``: a bearer API token (``Authorization: Bearer lmb_...``) or the browser's Django session.
A session can be ridden by another site, so unsafe methods on a session need the CSRF token
(``X-CSRFToken`` header); a bearer token cannot, so it needs none. Anonymous callers get 401.

``optional_auth``: the same, but an anonymous caller is let through as ``AnonymousUser`` for public
endpoints that do better when they know who is asking (``request.auth`` is then the user either way).

    from lumbung.accounts.api_auth import api_auth, optional_auth
    router = Router(auth=api_auth)
    @router.get("/public", auth=optional_auth)
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from lumbung.core.errors import Forbidden

from .services.tokens import api_token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the request's user becomes the token's owner."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django session, with Django's CSRF check on unsafe methods when the session logs someone in.

    Unlike ninja's own ``SessionAuth`` the CSRF check runs only for a logged-in session, so an
    anonymous caller gets a plain 401 rather than a CSRF error.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise Forbidden(
                _("The security token of this page has expired. Reload the page and try again."),
                code="csrf_failed",
            )
        return user


class AnonymousAuth:
    """Last in ``optional_auth``: lets an anonymous caller through (``AnonymousUser`` is truthy)."""

    def __call__(self, request):
        return AnonymousUser()


api_auth = [TokenAuth(), SessionAuth()]
optional_auth = [TokenAuth(), SessionAuth(), AnonymousAuth()]
