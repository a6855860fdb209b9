"""Certificates in and out, inspections, publication requests: what sellers and inspectors do."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import ProductStatus
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.models import AuditEntry
from lumbung.quality.models import (
    Certificate,
    CertificateStatus,
    Inspection,
    InspectionPhoto,
    PublicationRequest,
)
from lumbung.quality.selectors import products_awaiting_inspection
from lumbung.quality.services import (
    certificate_reject,
    certificate_submit,
    certificate_verify,
    inspection_record,
    product_request_publication,
)

from . import factories as f

pytestmark = pytest.mark.django_db


def private_files() -> list[Path]:
    root = Path(settings.LUMBUNG_PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def nuts():
    cat = f.category(slug="kacang-olahan", name_id="Kacang olahan", name_en="Processed nuts")
    f.requirement(cat, "PIRT", "BPOM_MD")
    return cat


@pytest.fixture
def item(nuts):
    return f.product(category_=nuts, name_id="Kacang Bainiu 250 g", published=False)


def submit(shop, *, actor=None, file=None, **fields):
    today = timezone.localdate()
    args = {
        "standard": f.standard("PIRT"),
        "number": "P-IRT 2067371010123-29",
        "issuer": "Dinas Kesehatan Kab. Sigi",
        "issued_on": today - timedelta(days=30),
        "expires_on": today + timedelta(days=5 * 365),
        "file": file if file is not None else f.upload("sertifikat.pdf", f.PDF, "application/pdf"),
    }
    args.update(fields)
    return certificate_submit(actor=actor or f.owner_of(shop), shop=shop, **args)


# --- submitting ----------------------------------------------------------------------------------------


def test_owner_submits_a_pdf_it_waits_for_verification_and_is_stored_privately(item):
    cert = submit(item.shop)
    assert cert.status == CertificateStatus.SUBMITTED and cert.content_type == "application/pdf"
    assert cert.file.name.endswith(".pdf") and "sertifikat" not in cert.file.name
    (stored,) = private_files()
    assert stored.read_bytes() == f.PDF
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    with pytest.raises(ValueError):
        cert.file.url  # noqa: B018  private files have no public address


def test_a_pdf_named_jpg_is_accepted_as_what_it_is(item):
    cert = submit(item.shop, file=f.upload("foto.jpg", f.PDF, "image/jpeg"))
    assert cert.content_type == "application/pdf" and cert.file.name.endswith(".pdf")


def test_a_photo_of_the_certificate_is_accepted_whatever_its_name(item):
    cert = submit(item.shop, file=f.upload("scan.pdf", f.image_bytes("PNG"), "application/pdf"))
    assert cert.content_type == "image/png" and cert.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("sertifikat.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "type"),  # a Windows program
        ("sertifikat.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "type"),  # a Linux program
        ("sertifikat.pdf", b"<html><script>alert(1)</script></html>", "type"),
        ("sertifikat.pdf", f.PDF[:60], "damaged"),  # cut off in transit
        ("foto.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "unreadable"),
        ("kosong.pdf", b"", "empty"),
    ],
)
def test_files_that_are_not_a_pdf_or_photo_are_refused_and_nothing_is_kept(item, name, data, reason):
    with pytest.raises(ValidationFailed) as exc:
        submit(item.shop, file=f.upload(name, data, "application/pdf"))
    assert exc.value.details["field"] == "file"
    assert Certificate.objects.count() == 0 and private_files() == []


def test_a_file_over_5_mb_is_refused(item):
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n"
    with pytest.raises(ValidationFailed) as exc:
        submit(item.shop, file=f.upload("besar.pdf", big, "application/pdf"))
    assert exc.value.details["field"] == "file" and "5 MB" in str(exc.value.message)
    assert Certificate.objects.count() == 0 and private_files() == []


def test_a_file_of_exactly_5_mb_is_accepted(item):
    tail = b"\n%%EOF\n"
    exact = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 - 9 - len(tail)) + tail
    assert len(exact) == 5 * 1024 * 1024
    assert submit(item.shop, file=f.upload("pas.pdf", exact)).size_bytes == len(exact)


def test_an_expired_certificate_is_refused_at_submission(item):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as exc:
        submit(item.shop, expires_on=today - timedelta(days=1), issued_on=today - timedelta(days=900))
    assert exc.value.details["field"] == "expires_on"
    assert Certificate.objects.count() == 0 and private_files() == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"number": "   "}, "number"),
        ({"expires_on": None}, "expires_on"),  # PIRT certificates carry an expiry date
        ({"issued_on": timezone.localdate() + timedelta(days=2)}, "issued_on"),
    ],
)
def test_bad_fields_are_refused(item, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        submit(item.shop, **fields)
    assert exc.value.details["field"] == field and Certificate.objects.count() == 0


def test_a_halal_certificate_may_have_no_expiry(item):
    cert = submit(item.shop, standard=f.standard("HALAL"), expires_on=None, issuer="")
    assert cert.expires_on is None and cert.issuer.startswith("Badan Penyelenggara Jaminan Produk Halal")


def test_a_product_certificate_must_be_for_the_shops_own_product(item, nuts):
    foreign = f.product(category_=nuts, published=False)
    with pytest.raises(ValidationFailed):
        submit(item.shop, product=foreign)
    assert Certificate.objects.count() == 0


def test_shop_staff_may_submit(item):
    assert submit(item.shop, actor=f.shop_staff(item.shop)).pk


@pytest.mark.parametrize("who", ["stranger", "other_owner", "inspector"])
def test_outsiders_cannot_submit_for_a_shop_and_nothing_is_kept(item, who):
    actor = {"stranger": f.seller()[0], "other_owner": f.owner_of(f.shop()), "inspector": f.inspector()}[who]
    with pytest.raises(Forbidden):
        submit(item.shop, actor=actor)
    assert Certificate.objects.count() == 0 and private_files() == []


# --- verifying and rejecting ---------------------------------------------------------------------------


def test_verifying_publishes_the_waiting_product(item):
    cert = submit(item.shop)
    inspector = f.inspector()
    certificate_verify(actor=inspector, certificate=cert)
    cert.refresh_from_db()
    item.refresh_from_db()
    assert cert.status == CertificateStatus.VERIFIED and cert.verified_by == inspector and cert.verified_at
    assert item.is_published and item.standard_codes == ["pirt"]
    assert AuditEntry.objects.filter(action="quality.certificate_verified", object_id=cert.public_id).exists()


def test_rejecting_a_verified_certificate_takes_its_products_off_sale(item):
    cert = submit(item.shop)
    inspector = f.inspector()
    certificate_verify(actor=inspector, certificate=cert)
    certificate_reject(actor=inspector, certificate=cert, reason="Nomor tidak ada di OSS")
    cert.refresh_from_db()
    item.refresh_from_db()
    assert cert.status == CertificateStatus.REJECTED and cert.rejection_reason == "Nomor tidak ada di OSS"
    assert not item.is_published and "Nomor tidak ada di OSS" in item.unpublished_reason


def test_rejecting_needs_a_reason(item):
    cert = submit(item.shop)
    with pytest.raises(ValidationFailed):
        certificate_reject(actor=f.inspector(), certificate=cert, reason="  ")
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.SUBMITTED


def test_a_verified_certificate_cannot_be_verified_twice(item):
    cert = submit(item.shop)
    inspector = f.inspector()
    certificate_verify(actor=inspector, certificate=cert)
    with pytest.raises(Conflict):
        certificate_verify(actor=inspector, certificate=cert)


@pytest.mark.parametrize("who", ["owner", "staff_inspector", "stranger"])
def test_only_an_independent_inspector_verifies(item, who):
    cert = submit(item.shop)
    if who == "owner":
        actor = f.owner_of(item.shop)
    elif who == "staff_inspector":  # an inspector who also works for the shop
        actor = f.inspector()
        f.Membership.objects.create(user=actor, organisation=item.shop.organisation, role=f.Role.STAFF)
    else:
        actor = f.seller()[0]
    with pytest.raises(Forbidden):
        certificate_verify(actor=actor, certificate=cert)
    cert.refresh_from_db()
    item.refresh_from_db()
    assert cert.status == CertificateStatus.SUBMITTED and cert.verified_by is None and not item.is_published


# --- publication requests ------------------------------------------------------------------------------


def test_requesting_publication_of_a_draft_without_certificates_queues_it_for_inspection(nuts):
    draft = f.product(category_=nuts, published=False, submit=False)
    result = product_request_publication(actor=f.owner_of(draft.shop), product=draft)
    draft.refresh_from_db()
    assert not result.publishable and result.missing_codes == ["BPOM_MD", "PIRT"]
    assert draft.status == ProductStatus.PENDING and not draft.is_published
    assert PublicationRequest.objects.get(product=draft).missing_codes == ["BPOM_MD", "PIRT"]
    assert list(products_awaiting_inspection()) == [draft]


def test_requesting_publication_with_certificates_publishes_at_once(nuts):
    draft = f.product(category_=nuts, published=False, submit=False)
    f.certificate(draft.shop, "BPOM_MD")
    assert product_request_publication(actor=f.owner_of(draft.shop), product=draft).publishable
    draft.refresh_from_db()
    assert draft.is_published and draft.status == ProductStatus.PUBLISHED
    assert list(products_awaiting_inspection()) == []


def test_a_stranger_cannot_request_publication_and_nothing_changes(nuts):
    draft = f.product(category_=nuts, published=False, submit=False)
    with pytest.raises(Forbidden):
        product_request_publication(actor=f.seller()[0], product=draft)
    draft.refresh_from_db()
    assert draft.status == ProductStatus.DRAFT and not PublicationRequest.objects.exists()


def test_catalogs_submission_event_runs_the_gate(nuts, django_capture_on_commit_callbacks):
    draft = f.product(category_=nuts, published=False, submit=False)
    f.certificate(draft.shop, "PIRT")
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.product_submit(actor=f.owner_of(draft.shop), product=draft)
    draft.refresh_from_db()
    assert draft.is_published and draft.standard_codes == ["pirt"]
    assert PublicationRequest.objects.filter(product=draft).count() == 1


def test_our_own_request_is_recorded_once_even_after_catalogs_event(nuts, django_capture_on_commit_callbacks):
    draft = f.product(category_=nuts, published=False, submit=False)
    with django_capture_on_commit_callbacks(execute=True):
        product_request_publication(actor=f.owner_of(draft.shop), product=draft)
    assert PublicationRequest.objects.filter(product=draft).count() == 1


# --- inspections --------------------------------------------------------------------------------------


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (2400, 1800), (120, 90, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (1.0, 2.0, 3.0)}  # GPS position
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def inspect(product, *, actor=None, **fields):
    args = {
        "outcome": "approved",
        "checklist": [
            {"item": "Kemasan rapat", "passed": True, "note": ""},
            {"item": "Tidak berjamur", "passed": True, "note": "dicek 20 sampel"},
        ],
        "grade": "A",
        "measurements": {"moisture_pct": "7.5", "size_mm": 18},
        "notes": "Baik",
        "photos": [f.upload("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg")],
    }
    args.update(fields)
    return inspection_record(actor=actor or f.inspector(), product=product, **args)


def test_an_approving_inspection_publishes_the_product_with_a_clean_small_photo(item):
    inspection = inspect(item)
    item.refresh_from_db()
    assert item.is_published
    assert inspection.valid_until == timezone.localdate() + timedelta(days=365)
    assert inspection.measurements == {"moisture_pct": "7.5", "size_mm": "18"}
    (photo,) = inspection.photos.all()
    assert max(photo.width, photo.height) == 1600
    with Image.open(photo.image.path) as stored:
        assert stored.format == "WEBP" and not stored.getexif()
    assert list(products_awaiting_inspection()) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"photos": []}, "photos"),
        ({"grade": ""}, "grade"),
        ({"checklist": [{"item": "Tidak berjamur", "passed": False, "note": "jamur"}]}, "checklist"),
        ({"checklist": []}, "checklist"),
        ({"measurements": {"moisture": "basah"}}, "measurements"),
        ({"photos": [f.upload("foto.jpg", f.PDF, "image/jpeg")]}, "photos"),
        ({"outcome": "rejected", "notes": ""}, "notes"),
        ({"valid_until": timezone.localdate() + timedelta(days=800)}, "valid_until"),
    ],
)
def test_an_inspection_with_bad_input_is_refused_whole(item, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        inspect(item, **fields)
    assert exc.value.details["field"] == field
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists() and private_files() == []
    item.refresh_from_db()
    assert not item.is_published


def test_the_shops_owner_cannot_inspect_their_own_product(item):
    with pytest.raises(Forbidden):
        inspect(item, actor=f.owner_of(item.shop))
    assert not Inspection.objects.exists()


def test_a_rejecting_inspection_takes_an_approved_product_off_sale(item):
    inspector = f.inspector()
    inspect(item, actor=inspector)
    inspect(
        item, actor=inspector, outcome="rejected", grade="", photos=[], notes="Berjamur di 3 dari 20 sampel"
    )
    item.refresh_from_db()
    assert not item.is_published and item.status == ProductStatus.UNPUBLISHED


def test_an_inspection_of_another_subject_needs_no_product():
    inspection = inspection_record(
        actor=f.inspector(),
        subject_type="export.lot",
        subject_id="lot0000000000001",
        outcome="approved",
        grade="EXPORT_PREMIUM",
        checklist=[{"item": "Kadar air < 12%", "passed": True, "note": ""}],
        photos=[f.upload("lot.png", f.image_bytes("PNG"))],
    )
    assert inspection.product is None and inspection.subject_type == "export.lot"
