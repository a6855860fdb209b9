from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "lumbung.catalog"
    label = "catalog"
