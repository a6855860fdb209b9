from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "lumbung.centers"
    label = "centers"

    def ready(self) -> None:
        from . import handlers, rules  # noqa: F401  (permission rules, logistics event handlers)
        from .services import lastmile  # noqa: F401  (periodic job: uncollected parcels go back)
