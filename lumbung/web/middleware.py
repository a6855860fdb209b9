"""Request middleware: show times in the zone of the user's village; keep the admin for staff."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.http import Http404
from django.utils import timezone


def zone_for(request) -> zoneinfo.ZoneInfo:
    """The user's village zone, else a zone the session chose, else the site's (Asia/Jakarta).

    A bad name (a typo in data, an old session) falls through to the next choice instead of a 500.
    """
    candidates = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "village_id", None):
        candidates.append(user.village.timezone)
    session = getattr(request, "session", None)
    if session is not None:
        candidates.append(session.get("tz"))
    for name in candidates:
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class TimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(zone_for(request))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class AdminStaffOnlyMiddleware:
    """The Django admin is for platform staff only: everyone else gets the site's ordinary 404,
    not a login form that tells a stranger there is an admin to attack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/"):
            user = getattr(request, "user", None)
            if not (user is not None and user.is_authenticated and user.is_active and user.is_staff):
                raise Http404
        return self.get_response(request)


class DomainErrorPageMiddleware:
    """A domain error that escapes a page view becomes a small page with its status, not a 500.

    Views still catch the errors they can explain beside a form; this is the safety net, so a
    stranger asking for someone else's order sees 403/404 in their language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from lumbung.core.errors import DomainError, Unauthenticated

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, Unauthenticated) and not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        response = render(request, "web/error.html", {"error": exception}, status=exception.status)
        retry_after = exception.details.get("retry_after_seconds") if exception.details else None
        if retry_after is not None:
            response["Retry-After"] = str(int(retry_after))
        return response
