from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "lumbung.payments"
    label = "payments"
