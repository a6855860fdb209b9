from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from lumbung.core.errors import DomainError, ValidationFailed
from lumbung.core.money import Money
from lumbung.logistics.models import RateCard
from lumbung.logistics.selectors import (
    CrossBorderNotQuoted,
    NoRateCard,
    WeightOutOfRange,
    chargeable_kg,
    rate_card_current,
    shipping_quote,
    shipping_quote_detail,
)
from lumbung.logistics.zones import Zone
from lumbung.regions.tests.factories import china_county, village

from .factories import RateCardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def card():
    return RateCardFactory()


@pytest.fixture
def places():
    return {
        "origin": village(province="35", province_name="Jawa Timur", regency="35.07"),
        "same_regency": village(province="35", province_name="Jawa Timur", regency="35.07"),
        "same_province": village(province="35", province_name="Jawa Timur", regency="35.73"),
        "same_island": village(province="33", province_name="Jawa Tengah", regency="33.74"),
        "elsewhere": village(province="72", province_name="Sulawesi Tengah", regency="72.10"),
    }


@pytest.mark.parametrize(
    ("grams", "kg"), [(1, 1), (999, 1), (1000, 1), (1001, 2), (2500, 3), (3000, 3), (29_001, 30)]
)
def test_weight_is_rounded_up_to_whole_kilograms(grams, kg):
    assert chargeable_kg(grams) == kg


@pytest.mark.parametrize(
    ("key", "first", "further"),
    [
        ("same_regency", 10000, 5000),
        ("same_province", 20000, 6000),
        ("same_island", 30000, 7000),
        ("elsewhere", 40000, 8000),
    ],
)
def test_each_zone_charges_first_kg_then_each_further_kg(card, places, key, first, further):
    origin, destination = places["origin"], places[key]
    one = shipping_quote(origin=origin, destination=destination, weight_grams=800, method="pickup")
    three = shipping_quote(origin=origin, destination=destination, weight_grams=2100, method="pickup")
    assert one == Money(Decimal(first - 1500), "IDR")
    assert three == Money(Decimal(first + 2 * further - 1500), "IDR")


def test_door_adds_the_surcharge_and_pickup_takes_off_the_discount(card, places):
    args = {"origin": places["origin"], "destination": places["elsewhere"], "weight_grams": 1500}
    door = shipping_quote_detail(**args, method="door")
    pickup = shipping_quote_detail(**args, method="pickup")
    assert door.zone == pickup.zone == Zone.ELSEWHERE
    assert door.base == pickup.base == Money(Decimal(48000), "IDR")
    assert door.total == Money(Decimal(50500), "IDR")
    assert pickup.total == Money(Decimal(46500), "IDR")
    assert door.total.currency == "IDR"


def test_the_newest_card_in_force_is_used_and_a_future_one_is_not(card, places):
    RateCardFactory(valid_from=timezone.now() + timedelta(days=3), same_regency_first_kg=Decimal(99000))
    older = RateCardFactory(
        valid_from=timezone.now() - timedelta(days=30), same_regency_first_kg=Decimal(7000)
    )
    assert rate_card_current() == card
    assert rate_card_current(at=timezone.now() - timedelta(days=2)) == older
    total = shipping_quote(
        origin=places["origin"], destination=places["same_regency"], weight_grams=1000, method="door"
    )
    assert total == Money(Decimal(12500), "IDR")


def test_the_seeded_default_card_is_in_force_without_any_other():
    card = rate_card_current()
    assert card.name == "Tarif dasar 2024"
    assert card.currency == "IDR"
    firsts = [first for _label, first, _further in card.rows()]
    assert firsts == sorted(firsts)  # nearer is cheaper
    assert card.pickup_discount < firsts[0]


def test_no_card_in_force_is_refused(places):
    RateCard.objects.all().delete()
    RateCardFactory(valid_from=timezone.now() + timedelta(days=1))
    with pytest.raises(NoRateCard):
        shipping_quote(
            origin=places["origin"], destination=places["elsewhere"], weight_grams=10, method="door"
        )


@pytest.mark.parametrize("grams", [0, -1, -5000])
def test_zero_and_negative_weights_are_refused(card, places, grams):
    with pytest.raises(WeightOutOfRange) as info:
        shipping_quote(
            origin=places["origin"], destination=places["elsewhere"], weight_grams=grams, method="door"
        )
    assert info.value.details["field"] == "weight_grams"


def test_absurd_weight_is_refused_at_the_cards_limit(card, places):
    args = {"origin": places["origin"], "destination": places["elsewhere"], "method": "door"}
    assert shipping_quote(**args, weight_grams=30_000) == Money(Decimal(40000 + 29 * 8000 + 2500), "IDR")
    with pytest.raises(WeightOutOfRange) as info:
        shipping_quote(**args, weight_grams=30_001)
    assert info.value.details["max_kg"] == 30
    with pytest.raises(WeightOutOfRange):
        shipping_quote(**args, weight_grams=10**12)


@pytest.mark.parametrize("weight", [1.5, "1000", True, None])
def test_weight_must_be_whole_grams(card, places, weight):
    with pytest.raises(WeightOutOfRange):
        shipping_quote(
            origin=places["origin"], destination=places["elsewhere"], weight_grams=weight, method="door"
        )


def test_unknown_method_is_refused(card, places):
    with pytest.raises(ValidationFailed) as info:
        shipping_quote(
            origin=places["origin"], destination=places["elsewhere"], weight_grams=1, method="drone"
        )
    assert info.value.details["field"] == "method"


def test_china_indonesia_is_refused_both_ways_with_a_translated_message(card, places, settings):
    linan = china_county()
    for origin, destination in ((linan, places["origin"]), (places["origin"], linan), (linan, linan)):
        with pytest.raises(CrossBorderNotQuoted) as info:
            shipping_quote(origin=origin, destination=destination, weight_grams=500, method="door")
        assert info.value.code == "cross_border_not_quoted"
        with translation.override("en"):
            assert "export desk" in str(info.value.message)


def test_a_whole_province_is_too_vague_to_quote(card, places):
    province = places["origin"].parent.parent.parent
    assert province.level == 1
    with pytest.raises(DomainError) as info:
        shipping_quote(origin=province, destination=places["elsewhere"], weight_grams=500, method="door")
    assert info.value.details["field"] == "origin"


def test_card_clean_refuses_a_discount_as_large_as_a_first_kg(card):
    card.pickup_discount = card.same_regency_first_kg
    with pytest.raises(ValidationError) as info:
        card.full_clean()
    assert "pickup_discount" in info.value.message_dict


def test_database_refuses_negative_prices_and_oversized_discounts(card):
    for changes in (
        {"elsewhere_next_kg": Decimal(-1)},
        {"pickup_discount": Decimal(10000)},
        {"max_weight_kg": 0},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            RateCard.objects.filter(pk=card.pk).update(**changes)
    card.refresh_from_db()
    assert card.pickup_discount == Decimal(1500)
