from django.apps import AppConfig


class ExportConfig(AppConfig):
    name = "lumbung.export"
    label = "export"

    def ready(self) -> None:
        from . import (
            rules,  # noqa: F401  (registers the permission rules)
            tasks,  # noqa: F401  (registers the periodic jobs)
        )
