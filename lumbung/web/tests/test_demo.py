"""The demo loads through the real services and shows what a newcomer should see."""

import pytest
from django.core.management import call_command
from django.db.models import Q

from lumbung.accounts.models import Membership, Organisation, Role, User
from lumbung.catalog.models import Product
from lumbung.logistics.models import Batch, Parcel
from lumbung.logistics.status import ParcelStatus
from lumbung.orders.models import Order
from lumbung.regions import sources
from lumbung.regions.services import areas_load
from lumbung.web import demo_data

# Transactional: the standards gate runs after each commit, as it does for a real seller.
pytestmark = pytest.mark.django_db(transaction=True)


def _demo_areas():
    """Only the areas the demo names, with their ancestors: the whole load is tested in regions."""
    every = {row.code: row for row in [*sources.indonesia(), *sources.china()]}
    wanted = {p.village for p in demo_data.PEOPLE} | {o.village for o in demo_data.ORGS}
    wanted |= set(demo_data.CENTRE_VILLAGES) | {"35.07"}
    keep = set()
    for code in wanted:
        while code:
            keep.add(code)
            code = every[code].parent_code
    return [row for row in every.values() if row.code in keep]


@pytest.fixture
def demo_loaded():
    rows = sorted(_demo_areas(), key=lambda row: row.level)
    areas_load(rows=rows)
    call_command("demo", verbosity=0)


def test_every_demo_login_exists_with_its_role(demo_loaded):
    for person in demo_data.PEOPLE:
        assert User.objects.filter(phone=person.phone).exists(), person.key
    agent = User.objects.get(phone="+6281234500401")
    assert Membership.objects.filter(user=agent, role=Role.CENTRE_AGENT, is_active=True).exists()
    admin = User.objects.get(phone=demo_data.ADMIN_PHONE)
    assert admin.is_superuser and admin.check_password(demo_data.ADMIN_PASSWORD)


def test_the_gate_is_visible_some_products_on_sale_some_waiting(demo_loaded):
    on_sale = set(Product.objects.filter(is_published=True).values_list("name_id", flat=True))
    waiting = set(Product.objects.filter(is_published=False).values_list("name_id", flat=True))
    assert {"Bubuk daun kelor", "Kepiting bakau hidup", "Alpukat mentega"} <= on_sale
    assert {"Minyak sereh wangi", "Tepung pisang kepok"} <= waiting


def test_the_wonorejo_counter_holds_a_parcel_in_every_state(demo_loaded, client):
    centre = Organisation.objects.get(name="Pusat Layanan Desa Wonorejo")
    here = Parcel.objects.filter(Q(origin_centre=centre) | Q(destination_centre=centre))
    assert set(here.values_list("status", flat=True)) == set(ParcelStatus.values)
    # The parcels' moves reached their orders (handlers run after each commit, as in production).
    collected = here.get(status="collected")
    assert Order.objects.get(public_id=collected.reference.removeprefix("order:")).status == "delivered"
    out = here.get(status="out_for_delivery")
    assert Order.objects.get(public_id=out.reference.removeprefix("order:")).status == "in_transit"
    # Joko (Kurir Desa Express) has a batch to take on his page.
    joko = User.objects.get(phone="+6281234500801")
    waiting = Batch.objects.get(origin_centre=centre, status="closed")
    client.force_login(joko)
    assert (
        f"/logistics/batches/{waiting.public_id}/handover"
        in client.get("/logistics/courier/").content.decode()
    )


def test_demo_twice_changes_nothing(demo_loaded):
    before = (User.objects.count(), Product.objects.count())
    call_command("demo", "--if-empty", verbosity=0)
    assert (User.objects.count(), Product.objects.count()) == before


def test_home_page_shows_demo_products_in_rupiah(demo_loaded, client, settings):
    settings.LUMBUNG_ENV = "demo"
    page = client.get("/").content.decode()
    assert "Rp" in page
    assert "/notify/outbox/" in page
