"""The daily job: a certificate that expires takes its products off sale and the owner gets an SMS."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from lumbung.core.periodic import get_job
from lumbung.core.services import job_run_by_name
from lumbung.notify.models import OutboxMessage

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    cat = f.category(slug="kacang-halal", name_id="Kacang")
    f.requirement(cat, "PIRT", "BPOM_MD")
    f.requirement(cat, "HALAL")
    owner = f.UserFactory(language="en", phone="+6281234500001")
    shop = f.shop(owner=owner, name="Toko Bainiu")
    item = f.product(shop_=shop, category_=cat, name_id="Kacang Bainiu 250 g", name_en="Bainiu nuts 250 g")
    draft = f.product(shop_=shop, category_=cat, name_id="Kacang Draf", published=False, submit=False)
    today = timezone.localdate()
    f.certificate(shop, "PIRT", expires_on=today + timedelta(days=400))
    halal = f.certificate(shop, "HALAL", expires_on=today + timedelta(days=10), number="ID-HALAL-77")
    return owner, item, draft, halal


def at_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def test_the_job_is_registered_daily():
    assert get_job("quality.expire_certificates").every == timedelta(days=1)


def test_expiry_unpublishes_and_tells_the_owner_once(setup):
    owner, item, _draft, halal = setup
    expiry = halal.expires_on

    with time_machine.travel(at_noon(expiry), tick=False):  # the last valid day: nothing happens
        job_run_by_name("quality.expire_certificates")
    item.refresh_from_db()
    assert item.is_published and not OutboxMessage.objects.exists()

    with time_machine.travel(at_noon(expiry + timedelta(days=1)), tick=False):
        job_run_by_name("quality.expire_certificates")
        item.refresh_from_db()
        assert not item.is_published
        assert "Halal (BPJPH)" in item.unpublished_reason and "Kacang Bainiu 250 g" in item.unpublished_reason
        assert item.standard_codes == ["pirt"]
        (sms,) = OutboxMessage.objects.all()
        assert sms.to == owner.phone and sms.template == "certificate_expired" and sms.language == "en"
        # In the owner's language: English product name, standard, number; the draft was never on sale.
        assert "Bainiu nuts 250 g" in sms.body and "Halal (BPJPH)" in sms.body and "ID-HALAL-77" in sms.body
        assert "Toko Bainiu" in sms.body and "Kacang Draf" not in sms.body
        halal.refresh_from_db()
        assert halal.expiry_handled_at is not None

    with time_machine.travel(at_noon(expiry + timedelta(days=2)), tick=False):  # the next day: no repeat
        job_run_by_name("quality.expire_certificates")
    assert OutboxMessage.objects.count() == 1


def test_an_inspectors_approval_keeps_the_product_on_sale_past_expiry(setup):
    _owner, item, _draft, halal = setup
    f.inspection(item, valid_until=halal.expires_on + timedelta(days=100))
    with time_machine.travel(at_noon(halal.expires_on + timedelta(days=1)), tick=False):
        job_run_by_name("quality.expire_certificates")
    item.refresh_from_db()
    assert item.is_published
    (sms,) = OutboxMessage.objects.all()  # still told: the approval will run out too
    assert "ID-HALAL-77" in sms.body


def test_a_new_verified_certificate_puts_the_product_back_on_sale(setup):
    owner, item, draft, halal = setup
    with time_machine.travel(at_noon(halal.expires_on + timedelta(days=1)), tick=False):
        job_run_by_name("quality.expire_certificates")
        item.refresh_from_db()
        assert not item.is_published
        from lumbung.quality.services import certificate_submit, certificate_verify

        renewed = certificate_submit(
            actor=owner,
            shop=item.shop,
            standard=f.standard("HALAL"),
            number="ID-HALAL-78",
            file=f.upload("baru.pdf", f.PDF),
        )
        certificate_verify(actor=f.inspector(), certificate=renewed)
    item.refresh_from_db()
    draft.refresh_from_db()
    assert item.is_published and not draft.is_published
