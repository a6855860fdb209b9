"""A page that shows one fixed instant, for the time-zone tests."""

from datetime import UTC, datetime

from django.http import HttpResponse
from django.template import engines
from django.urls import path

MIDNIGHT_UTC = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


def show_time(request):
    template = engines["django"].from_string(
        "{% load tz %}{% get_current_timezone as TZ %}{{ moment|date:'H:i' }} {{ TZ }}"
    )
    return HttpResponse(template.render({"moment": MIDNIGHT_UTC}, request))


urlpatterns = [path("when/", show_time)]
