from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "lumbung.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from . import handlers, rules  # noqa: F401  permission rules, payments event handlers
        from .services import jobs  # noqa: F401  periodic jobs

        handlers.register_payable()
