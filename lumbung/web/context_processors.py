from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.LUMBUNG_SITE_NAME, "LUMBUNG_ENV": settings.LUMBUNG_ENV}
