"""The gate: every requirement combination, any-of groups, shop vs product certificates, expiry,
the inspector's approval, and that rejected or unverified certificates never count."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from lumbung.catalog.models import ProductStatus
from lumbung.quality.models import CertificateStatus, InspectionOutcome
from lumbung.quality.selectors import EXPIRED, MISSING, PENDING, REJECTED, gate_evaluate
from lumbung.quality.services import gate_apply

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def food():
    """Packaged food needs PIRT or a BPOM number; its nut sub-category also needs halal."""
    parent = f.category(slug="pangan-olahan", name_id="Pangan olahan", name_en="Packaged food")
    nuts = f.category(slug="kacang", name_id="Kacang", name_en="Nuts", name_zh="坚果", parent=parent)
    f.requirement(parent, "PIRT", "BPOM_MD", "BPOM_ML")
    f.requirement(nuts, "HALAL")
    return nuts


@pytest.fixture
def kacang(food):
    return f.product(
        category_=food, name_id="Kacang Bainiu 250 g", name_en="Bainiu nuts 250 g", published=False
    )


def test_a_category_without_requirements_lets_the_product_through():
    item = f.product(published=False)
    result = gate_evaluate(item)
    assert result.publishable and result.missing == []
    gate_apply(product=item)
    item.refresh_from_db()
    assert item.is_published and item.status == ProductStatus.PUBLISHED


def test_nothing_held_lists_every_group_with_its_alternatives_and_the_product_name(kacang):
    with translation.override("en"):
        result = gate_evaluate(kacang)
    assert not result.publishable
    assert [m.codes for m in result.missing] == [("PIRT", "BPOM_MD", "BPOM_ML"), ("HALAL",)]
    assert all(m.state == MISSING for m in result.missing)
    assert (
        result.missing[0].message
        == "PIRT, BPOM MD or BPOM ML certificate for “Bainiu nuts 250 g” is missing."
    )
    assert result.missing[1].message == "Halal (BPJPH) certificate for “Bainiu nuts 250 g” is missing."


@pytest.mark.parametrize("code", ["PIRT", "BPOM_MD", "BPOM_ML"])
def test_any_one_standard_of_a_group_satisfies_it(kacang, code):
    f.certificate(kacang.shop, code)
    result = gate_evaluate(kacang)
    assert [m.codes for m in result.missing] == [("HALAL",)]
    assert not result.publishable
    f.certificate(kacang.shop, "HALAL", expires_on=None)
    result = gate_evaluate(kacang)
    assert result.publishable and result.missing == []
    assert result.held_codes == sorted([code, "HALAL"])


def test_requirements_of_the_parent_category_are_inherited(kacang):
    f.certificate(kacang.shop, "HALAL")
    result = gate_evaluate(kacang)
    assert [m.codes for m in result.missing] == [("PIRT", "BPOM_MD", "BPOM_ML")]


def test_a_standard_outside_every_group_does_not_help(kacang):
    f.certificate(kacang.shop, "ORGANIC")
    f.certificate(kacang.shop, "SNI")
    result = gate_evaluate(kacang)
    assert not result.publishable and len(result.missing) == 2
    assert result.held_codes == ["ORGANIC", "SNI"]  # still carried, shown as badges


def test_a_shop_certificate_covers_every_product_a_product_certificate_only_its_own(food, kacang):
    other = f.product(shop_=kacang.shop, category_=food, name_id="Kacang Mete", published=False)
    f.certificate(kacang.shop, "HALAL")
    f.certificate(kacang.shop, "PIRT", product_=kacang)
    assert gate_evaluate(kacang).publishable
    result = gate_evaluate(other)
    assert not result.publishable and [m.codes[0] for m in result.missing] == ["PIRT"]


def test_another_shops_certificate_never_counts(kacang, food):
    stranger_shop = f.shop()
    f.certificate(stranger_shop, "PIRT")
    f.certificate(stranger_shop, "HALAL")
    assert len(gate_evaluate(kacang).missing) == 2


def test_an_expired_certificate_does_not_count_and_the_seller_is_told_when_it_expired(kacang):
    today = timezone.localdate()
    f.certificate(kacang.shop, "PIRT")
    f.certificate(kacang.shop, "HALAL", expires_on=today - timedelta(days=3))
    with translation.override("en"):
        result = gate_evaluate(kacang)
    assert not result.publishable
    (item,) = result.missing
    assert item.state == EXPIRED and item.expired_on == today - timedelta(days=3)
    assert item.message.startswith("Halal (BPJPH) certificate for “Bainiu nuts 250 g” expired on ")


def test_expiry_date_is_written_the_sellers_way(kacang):
    f.certificate(kacang.shop, "PIRT")
    f.certificate(kacang.shop, "HALAL", expires_on=date(2026, 11, 1))
    # Evaluated on a later day than the expiry, whatever today is.
    later = date(2026, 11, 2) if timezone.localdate() <= date(2026, 11, 2) else timezone.localdate()
    assert "expired on Nov. 1, 2026" in gate_evaluate(kacang, today=later, language="en").missing[0].message
    assert "2026年11月1日" in gate_evaluate(kacang, today=later, language="zh-hans").missing[0].message
    assert "1 Nov. 2026" in gate_evaluate(kacang, today=later, language="id").missing[0].message


def test_a_certificate_expiring_today_still_counts_today(kacang):
    today = timezone.localdate()
    f.certificate(kacang.shop, "PIRT", expires_on=today)
    f.certificate(kacang.shop, "HALAL", expires_on=today)
    assert gate_evaluate(kacang, today=today).publishable
    assert not gate_evaluate(kacang, today=today + timedelta(days=1)).publishable


def test_a_rejected_certificate_does_not_count_and_the_reason_is_shown(kacang):
    f.certificate(kacang.shop, "HALAL")
    f.certificate(
        kacang.shop, "PIRT", status=CertificateStatus.REJECTED, rejection_reason="Number unknown to OSS"
    )
    with translation.override("en"):
        (item,) = gate_evaluate(kacang).missing
    assert item.state == REJECTED and item.rejection_reason == "Number unknown to OSS"
    assert item.message == "PIRT certificate for “Bainiu nuts 250 g” was rejected: Number unknown to OSS"


def test_a_submitted_certificate_waits_for_verification(kacang):
    f.certificate(kacang.shop, "HALAL")
    f.certificate(kacang.shop, "BPOM_MD", status=CertificateStatus.SUBMITTED)
    (item,) = gate_evaluate(kacang, language="en").missing
    assert item.state == PENDING
    assert "waiting for an inspector" in item.message


def test_an_inspectors_approval_lets_the_product_through_until_it_runs_out(kacang):
    today = timezone.localdate()
    f.inspection(kacang, valid_until=today + timedelta(days=30))
    result = gate_evaluate(kacang)
    assert result.publishable and result.approval is not None
    assert len(result.missing) == 2  # still told which certificates would make it independent
    assert not gate_evaluate(kacang, today=today + timedelta(days=31)).publishable


def test_a_later_rejection_withdraws_an_earlier_approval(kacang):
    now = timezone.now()
    f.inspection(kacang, at=now - timedelta(days=10))
    f.inspection(kacang, outcome=InspectionOutcome.REJECTED, at=now)
    assert not gate_evaluate(kacang).publishable


def test_a_rejection_alone_does_not_approve(kacang):
    f.inspection(kacang, outcome=InspectionOutcome.REJECTED)
    assert not gate_evaluate(kacang).publishable


def test_china_food_needs_the_sc_licence_named_in_chinese():
    cn_food = f.category(slug="shipin-cn", name_id="Pangan Tiongkok", name_zh="中国食品")
    f.requirement(cn_food, "CN_SC")
    item = f.product(category_=cn_food, name_zh="白牛山核桃 250克", published=False)
    with translation.override("zh-hans"):
        (missing,) = gate_evaluate(item).missing
    assert missing.codes == ("CN_SC",)
    assert "SC 食品生产许可证" in missing.message and "“白牛山核桃 250克”" in missing.message
    f.certificate(item.shop, "CN_SC")
    assert gate_evaluate(item).publishable


# --- gate_apply --------------------------------------------------------------------------------------


def test_apply_publishes_a_pending_product_and_records_the_standards_it_carries(kacang):
    f.certificate(kacang.shop, "BPOM_MD")
    f.certificate(kacang.shop, "HALAL")
    f.certificate(kacang.shop, "ORGANIC")
    assert kacang.status == ProductStatus.PENDING
    gate_apply(product=kacang)
    kacang.refresh_from_db()
    assert kacang.is_published and kacang.status == ProductStatus.PUBLISHED
    assert kacang.standard_codes == ["bpom_md", "halal", "organic"]


def test_apply_never_publishes_a_draft(food):
    draft = f.product(category_=food, published=False, submit=False)
    f.certificate(draft.shop, "PIRT")
    f.certificate(draft.shop, "HALAL")
    assert gate_apply(product=draft).publishable
    draft.refresh_from_db()
    assert not draft.is_published and draft.status == ProductStatus.DRAFT
    assert draft.standard_codes == ["halal", "pirt"]


def test_apply_unpublishes_with_the_reason_in_the_shops_language(kacang):
    f.certificate(kacang.shop, "PIRT")
    halal = f.certificate(kacang.shop, "HALAL")
    gate_apply(product=kacang)
    kacang.refresh_from_db()
    assert kacang.is_published
    halal.status = CertificateStatus.REJECTED
    halal.rejection_reason = "Palsu"
    halal.save()
    gate_apply(product=kacang)
    kacang.refresh_from_db()
    assert not kacang.is_published and kacang.status == ProductStatus.UNPUBLISHED
    # The shop writes Indonesian: its product name, never the English one, and the inspector's reason.
    assert kacang.unpublished_reason == gate_evaluate(kacang, language="id").summary
    assert (
        "Halal (BPJPH)" in kacang.unpublished_reason and "“Kacang Bainiu 250 g”" in kacang.unpublished_reason
    )
    assert "Palsu" in kacang.unpublished_reason and "Bainiu nuts" not in kacang.unpublished_reason
    assert kacang.standard_codes == ["pirt"]
