from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "lumbung.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from . import rules, tasks  # noqa: F401  permission rules and periodic jobs
