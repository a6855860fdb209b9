"""Rate cards for tests: a card with round numbers, in force from an hour ago (newer than the seed)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from lumbung.logistics.models import RateCard


class RateCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RateCard

    name = factory.Sequence(lambda n: f"Test card {n}")
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    same_regency_first_kg = Decimal(10000)
    same_regency_next_kg = Decimal(5000)
    same_province_first_kg = Decimal(20000)
    same_province_next_kg = Decimal(6000)
    same_island_first_kg = Decimal(30000)
    same_island_next_kg = Decimal(7000)
    elsewhere_first_kg = Decimal(40000)
    elsewhere_next_kg = Decimal(8000)
    pickup_discount = Decimal(1500)
    door_surcharge = Decimal(2500)
    max_weight_kg = 30
