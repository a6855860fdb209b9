"""A domain error that escapes a page view is shown as a small page with the right status."""

import pytest
from django.urls import include, path

from lumbung.accounts.tests.factories import UserFactory
from lumbung.core.errors import Forbidden, NotFound, RateLimited


def _forbidden(request):
    raise Forbidden()


def _missing(request):
    raise NotFound()


def _slow_down(request):
    raise RateLimited(details={"retry_after_seconds": 120})


urlpatterns = [
    path("forbidden/", _forbidden),
    path("missing/", _missing),
    path("slow/", _slow_down),
    path("", include("lumbung.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_forbidden_and_missing_are_pages_not_crashes(client):
    client.force_login(UserFactory())
    forbidden = client.get("/forbidden/", HTTP_ACCEPT_LANGUAGE="en")
    assert forbidden.status_code == 403
    assert b"not allowed" in forbidden.content
    assert client.get("/missing/").status_code == 404


def test_rate_limited_page_says_when_to_retry(client):
    response = client.get("/slow/")
    assert response.status_code == 429
    assert response["Retry-After"] == "120"
