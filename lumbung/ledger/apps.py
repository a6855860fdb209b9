from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "lumbung.ledger"
    label = "ledger"
