from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "lumbung.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import delivery  # noqa: F401  registers the routes and the notify.retry_due job
