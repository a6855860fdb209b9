from datetime import timedelta

import pytest
from django.utils import timezone

from lumbung.accounts.models import OrganisationKind
from lumbung.accounts.tests.factories import UserFactory
from lumbung.catalog.tests.factories import shop as make_shop
from lumbung.core.errors import Forbidden, ValidationFailed
from lumbung.export.models import Exporter, ExporterStatus, Verification
from lumbung.export.services.profiles import exporter_register, verification_record
from lumbung.quality.models import CertificateStatus
from lumbung.quality.tests.factories import certificate

from .factories import NPWP, bumdes, exporter, facilitator

pytestmark = pytest.mark.django_db

PRODUCTS = [{"hs_code": "1212.99", "name": "Tepung kelor", "monthly_capacity_kg": "2000.5"}]


def register(actor, organisation, **overrides):
    data = {
        "nib": "9120301234567",
        "npwp": NPWP,
        "monthly_capacity_kg": "2500",
        "languages": ["id", "en"],
        "products": PRODUCTS,
    }
    data.update(overrides)
    return exporter_register(actor=actor, organisation=organisation, **data)


def test_a_bumdes_manager_registers_with_valid_numbers():
    organisation, manager = bumdes(name="BUMDes Kelor Oebelo")
    row = register(manager, organisation)
    assert row.status == ExporterStatus.REGISTERED
    assert row.npwp == "0012345678901000"
    assert [(p.hs_code.code, p.name) for p in row.products.all()] == [("1212.99", "Tepung kelor")]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nib", "912030123456"),  # 12 digits
        ("nib", "91203012345AB"),
        ("npwp", "01.234.567.8-901"),
        ("monthly_capacity_kg", "-5"),
        ("monthly_capacity_kg", "1.0005"),
        ("languages", ["fr"]),
        ("products", []),
        ("products", [{"hs_code": "9999.99", "name": "x", "monthly_capacity_kg": "1"}]),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(field, value):
    organisation, manager = bumdes()
    with pytest.raises(ValidationFailed) as exc:
        register(manager, organisation, **{field: value})
    assert exc.value.details["field"] == field
    assert not Exporter.objects.exists()


def test_strangers_and_households_cannot_register():
    organisation, _manager = bumdes()
    with pytest.raises(Forbidden):
        register(UserFactory(), organisation)
    household, owner = bumdes(kind=OrganisationKind.HOUSEHOLD)
    with pytest.raises(ValidationFailed):
        register(owner, household)
    assert not Exporter.objects.exists()


def test_verification_scores_by_the_stated_rubric():
    row, _ = exporter(verified=False, capacity="1200", languages=("id", "zh"))
    desk = facilitator()
    check = verification_record(
        actor=desk,
        exporter=row,
        documents_checked=["nib", "npwp", "deed", "bank_account"],
        visited_on=timezone.localdate() - timedelta(days=1),
        visit_notes="Rumah pengering bersih, gudang kering.",
        facility_ok=True,
    )
    # 35 documents + 10 products + 10 capacity + 0 certificates + 20 visit + 10 languages
    assert check.score == 85
    row.refresh_from_db()
    assert (row.status, row.readiness_score) == (ExporterStatus.VERIFIED, 85)


def test_a_certificate_of_its_shop_counts_and_a_low_score_is_not_ready():
    row, manager = exporter(verified=False, capacity="100", languages=("id",))
    shop = make_shop(owner=manager)
    shop.organisation = row.organisation
    # the exporter's own organisation has the shop
    from lumbung.catalog.models import Shop

    Shop.objects.filter(pk=shop.pk).update(organisation=row.organisation)
    shop.refresh_from_db()
    certificate(shop, "PIRT")
    certificate(shop, "HALAL", status=CertificateStatus.REJECTED)
    check = verification_record(
        actor=facilitator(), exporter=row, documents_checked=["nib"], visited_on=None, facility_ok=False
    )
    assert check.breakdown["certificates"] == 15
    assert check.score == 10 + 10 + 0 + 15
    row.refresh_from_db()
    assert row.status == ExporterStatus.NOT_READY


def test_only_facilitators_verify():
    row, manager = exporter(verified=False)
    with pytest.raises(Forbidden):
        verification_record(actor=manager, exporter=row, documents_checked=["nib"], visited_on=None)
    assert not Verification.objects.exists()
