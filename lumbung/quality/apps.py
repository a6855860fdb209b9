from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "lumbung.quality"
    label = "quality"
    verbose_name = _("Quality and standards")

    def ready(self) -> None:
        from . import handlers, rules, tasks  # noqa: F401  rules, catalog event handlers, daily expiry job
