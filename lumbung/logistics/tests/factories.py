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


# --- parcels, carriers, batches ----------------------------------------------------------------
from lumbung.accounts.models import OrganisationKind, Role  # noqa: E402
from lumbung.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory  # noqa: E402
from lumbung.logistics.models import Carrier, Parcel  # noqa: E402
from lumbung.regions.tests.factories import china_county, village  # noqa: E402


def centre_org(**kwargs):
    """A service centre's organisation (the logistics side needs only the organisation)."""
    kwargs.setdefault("kind", OrganisationKind.SERVICE_CENTRE)
    kwargs.setdefault("phone", "+6281100000001")
    kwargs.setdefault("address", "Jl. Poros Desa No. 1")
    return OrganisationFactory(**kwargs)


def agent_of(organisation, **kwargs):
    return MembershipFactory(organisation=organisation, role=Role.CENTRE_AGENT, **kwargs).user


def courier_of(carrier, **kwargs):
    return MembershipFactory(organisation=carrier.organisation, role=Role.COURIER, **kwargs).user


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CARRIER)
    name = factory.Sequence(lambda n: f"Kurir {n}")
    adapter = Carrier.Adapter.MANUAL
    courier_code = "jne"
    courier_type = "reg"


class ParcelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parcel

    origin_centre = factory.LazyFunction(centre_org)
    sender_name = "Ibu Sari"
    sender_phone = "+6281234500001"
    sender_village = factory.LazyAttribute(lambda o: o.origin_centre.village)
    sender_address = "Dusun Satu RT 01/RW 02"
    recipient_name = "Pak Budi"
    recipient_phone = "+6281234500002"
    recipient_village = factory.LazyFunction(lambda: village(province="35", province_name="Jawa Timur"))
    recipient_address = "Jl. Melati 7"
    recipient_postcode = "65151"
    declared_weight_g = 1200
    contents = "Kacang mete"


def bainiu_sender():
    """A county in Lin'an with Bainiu village as the address text, as the Chinese data has it."""
    return china_county()


UserFactory = UserFactory  # re-exported for the logistics tests
