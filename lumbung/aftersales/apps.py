from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "lumbung.aftersales"
    label = "aftersales"
    verbose_name = _("After-sales")

    def ready(self) -> None:
        from lumbung.centers.ports import aftersales_provide

        from . import rules  # noqa: F401  permission rules
        from .centre_port import PORT
        from .services import jobs  # noqa: F401  periodic jobs

        # The centre counter lists escalated cases and files complaints for villagers through this.
        aftersales_provide(PORT)
