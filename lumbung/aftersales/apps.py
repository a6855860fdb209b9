from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    name = "lumbung.aftersales"
    label = "aftersales"
