from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "lumbung.logistics"
    label = "logistics"
