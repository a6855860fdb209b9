from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "lumbung.centers"
    label = "centers"

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the permission rules)
