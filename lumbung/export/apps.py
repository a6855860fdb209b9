from django.apps import AppConfig


class ExportConfig(AppConfig):
    name = "lumbung.export"
    label = "export"
