from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "lumbung.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from . import rules  # noqa: F401  registers the permission rules
