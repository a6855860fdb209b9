from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "lumbung.centers"
    label = "centers"
