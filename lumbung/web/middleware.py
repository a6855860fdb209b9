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
