from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lumbung.core"
    label = "core"
    verbose_name = "Core"
