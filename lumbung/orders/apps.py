from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "lumbung.orders"
    label = "orders"
