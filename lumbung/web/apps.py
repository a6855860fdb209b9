from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lumbung.web"
    label = "web"
