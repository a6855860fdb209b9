"""Logistics fixtures: a centre with its agent, a carrier with its courier, parcels at the counter."""

from __future__ import annotations

import pytest

from lumbung.logistics.services import Party, parcel_create, parcel_intake
from lumbung.regions.tests.factories import village

from .factories import CarrierFactory, agent_of, centre_org, courier_of


@pytest.fixture
def centre():
    return centre_org(name="Pusat Layanan Sidondo", village=village(province="72", regency="72.10"))


@pytest.fixture
def agent(centre):
    return agent_of(centre)


@pytest.fixture
def carrier():
    return CarrierFactory(name="JNE Palu")


@pytest.fixture
def courier(carrier):
    return courier_of(carrier)


@pytest.fixture
def make_parcel(centre, agent):
    """A parcel at ``centre``; ``accepted=True`` (default) also weighs it in at the counter."""

    def make(*, accepted: bool = True, destination_centre=None, recipient_village=None, **kwargs):
        recipient_village = recipient_village or village(province="35", province_name="Jawa Timur")
        kwargs.setdefault("declared_weight_g", 1500)
        parcel = parcel_create(
            origin_centre=centre,
            sender=Party(name="Ibu Sari", phone="+6281234500001", village=centre.village, address="RT 01"),
            recipient=Party(
                name="Pak Budi", phone="+6281234500002", village=recipient_village, address="Jl. Melati 7"
            ),
            reference=kwargs.pop("reference", "order:ORD123"),
            delivery_method="pickup" if destination_centre else "door",
            destination_centre=destination_centre,
            actor=agent,
            **kwargs,
        )
        if accepted:
            parcel = parcel_intake(parcel=parcel, actor=agent, measured_weight_g=1620)
        return parcel

    return make
