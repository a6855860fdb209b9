from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "lumbung.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        from . import rules, tasks  # noqa: F401  permission rules and periodic jobs
