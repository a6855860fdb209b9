from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lumbung.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import (
            rules,  # noqa: F401  registers the permission rules
            tasks,  # noqa: F401  registers the periodic jobs
        )
