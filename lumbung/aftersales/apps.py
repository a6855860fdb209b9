from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "lumbung.aftersales"
    label = "aftersales"
    verbose_name = _("After-sales")

    def ready(self) -> None:
        from . import rules  # noqa: F401  permission rules
        from .services import jobs  # noqa: F401  periodic jobs
