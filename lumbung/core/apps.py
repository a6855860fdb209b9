from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lumbung.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import idempotency  # noqa: F401  registers its periodic purge
