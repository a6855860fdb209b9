"""Request middleware: show times in the zone of the user's village; keep the admin for staff."""

import zoneinfo

from django.conf import settings
from django.http import HttpResponseNotFound
from django.utils import timezone


class TimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tzname = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.village_id:
            tzname = user.village.timezone
        tzname = tzname or request.session.get("tz") if hasattr(request, "session") else tzname
        if tzname:
            timezone.activate(zoneinfo.ZoneInfo(tzname))
        else:
            timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class AdminStaffOnlyMiddleware:
    """The Django admin is for platform staff only: everyone else gets a plain 404, not a login form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/"):
            user = getattr(request, "user", None)
            if not (user is not None and user.is_authenticated and user.is_staff):
                return HttpResponseNotFound()
        return self.get_response(request)
