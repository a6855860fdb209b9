"""Seed a believable default rate card (2024 domestic courier prices, whole rupiah).

Roughly what a national courier charges from a village counter: a same-regency parcel costs about
Rp8.000 for the first kilogram; across the archipelago about Rp38.000. Admins replace it with a
newer card; this one stays for history.
"""

from datetime import datetime, timezone
from decimal import Decimal

from django.db import migrations

NAME = "Tarif dasar 2024"


def seed(apps, schema_editor):
    RateCard = apps.get_model("logistics", "RateCard")
    if RateCard.objects.filter(name=NAME).exists():
        return
    RateCard.objects.create(
        public_id="ratecard2024base",
        name=NAME,
        valid_from=datetime(2024, 1, 1, tzinfo=timezone.utc),
        currency="IDR",
        same_regency_first_kg=Decimal(8000),
        same_regency_next_kg=Decimal(4000),
        same_province_first_kg=Decimal(11000),
        same_province_next_kg=Decimal(7000),
        same_island_first_kg=Decimal(19000),
        same_island_next_kg=Decimal(13000),
        elsewhere_first_kg=Decimal(38000),
        elsewhere_next_kg=Decimal(30000),
        pickup_discount=Decimal(2000),
        door_surcharge=Decimal(4000),
        max_weight_kg=50,
        notes="Default card seeded with the first release; replace it with a newer card.",
    )


def unseed(apps, schema_editor):
    apps.get_model("logistics", "RateCard").objects.filter(name=NAME, public_id="ratecard2024base").delete()


class Migration(migrations.Migration):
    dependencies = [("logistics", "0001_rate_card")]

    operations = [migrations.RunPython(seed, unseed)]
