import pytest

from lumbung.export.demo import demo_moringa
from lumbung.export.models import Contract, ProducerPayout
from lumbung.regions.tests.factories import village

pytestmark = pytest.mark.django_db


def test_the_moringa_story_has_a_contract_at_each_milestone_and_is_repeatable():
    oebelo = village(province="53", name="Oebelo")
    story = demo_moringa(village=oebelo)
    main = story["contracts"][0]
    main.refresh_from_db()
    assert main.quantity_kg == 2000 and main.destination_country == "HK"
    assert main.status == "completed"
    assert ProducerPayout.objects.filter(run__pool__contract=main).count() == 40
    statuses = sorted(set(Contract.objects.values_list("status", flat=True)))
    assert statuses == ["arrived", "awaiting_deposit", "completed", "in_preparation", "shipped"]
    milestone_counts = sorted(c.milestones.count() for c in story["contracts"])
    assert milestone_counts == [0, 1, 2, 3, 4, 5, 6, 7]
    again = demo_moringa(village=oebelo)
    assert len(again["contracts"]) == len(story["contracts"])
    assert Contract.objects.count() == 8
