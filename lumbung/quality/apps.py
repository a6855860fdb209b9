from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "lumbung.quality"
    label = "quality"
