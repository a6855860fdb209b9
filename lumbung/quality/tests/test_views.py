"""The pages: sellers see exactly what blocks each product and upload certificates; inspectors work
their queue, verify or reject, and record inspections. Strangers are refused and nothing changes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lumbung.accounts.tests.factories import UserFactory
from lumbung.catalog.models import ProductStatus
from lumbung.quality.models import Certificate, CertificateStatus, Inspection

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cat = f.category(slug="madu", name_id="Madu", name_en="Honey")
    f.requirement(cat, "PIRT", "BPOM_MD")
    f.requirement(cat, "HALAL")
    owner = UserFactory(language="en")
    shop = f.shop(owner=owner, name="Madu Hutan Sigi")
    item = f.product(shop_=shop, category_=cat, name_id="Madu Hutan 250 ml", published=False, submit=False)
    return {"owner": owner, "shop": shop, "product": item, "category": cat}


def browser(user=None, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_log_in(world):
    response = browser().get("/quality/products/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_seller_sees_exactly_what_is_missing_for_each_product(world):
    page = browser(world["owner"]).get("/quality/products/").content.decode()
    assert "Madu Hutan 250 ml" in page
    assert "PIRT or BPOM MD certificate for “Madu Hutan 250 ml” is missing." in page
    assert "Halal (BPJPH) certificate for “Madu Hutan 250 ml” is missing." in page


def test_the_seller_requests_publication_and_is_told_what_is_still_missing(world):
    f.certificate(world["shop"], "HALAL")
    client = browser(world["owner"])
    url = f"/quality/products/{world['product'].public_id}/"
    page = client.get(url).content.decode()
    assert "Request publication" in page and "Halal (BPJPH) certificate" not in page
    response = client.post(url + "request/", follow=True)
    page = response.content.decode()
    assert "Not published yet" in page and "PIRT or BPOM MD certificate" in page
    world["product"].refresh_from_db()
    assert world["product"].status == ProductStatus.PENDING and not world["product"].is_published


def test_a_stranger_cannot_see_or_request_and_nothing_changes(world):
    stranger = f.owner_of(f.shop())
    client = browser(stranger)
    url = f"/quality/products/{world['product'].public_id}/"
    assert client.get(url).status_code == 403
    assert client.post(url + "request/").status_code == 403
    world["product"].refresh_from_db()
    assert world["product"].status == ProductStatus.DRAFT


def upload_form(world, **changes):
    today = timezone.localdate()
    data = {
        "shop": world["shop"].public_id,
        "standard": "PIRT",
        "number": "P-IRT 2067371010123-29",
        "issuer": "",
        "issued_on": (today - timedelta(days=10)).isoformat(),
        "expires_on": (today + timedelta(days=1800)).isoformat(),
        "product": "",
        "file": f.upload("pirt.jpg", f.PDF, "image/jpeg"),  # a PDF named .jpg: accepted as a PDF
    }
    data.update(changes)
    return data


def test_the_seller_uploads_a_certificate(world):
    response = browser(world["owner"]).post("/quality/certificates/", upload_form(world), follow=True)
    assert response.status_code == 200
    cert = Certificate.objects.get()
    assert cert.status == CertificateStatus.SUBMITTED and cert.content_type == "application/pdf"
    page = response.content.decode()
    assert "P-IRT 2067371010123-29" in page and "An inspector will verify it" in page


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        (
            {"file": f.upload("pirt.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")},
            "must be a PDF or a photo",
        ),
        (
            {"expires_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
            "This certificate expired on",
        ),
        ({"number": ""}, "This field is required"),
    ],
)
def test_bad_uploads_show_the_error_and_keep_nothing(world, changes, error):
    response = browser(world["owner"]).post("/quality/certificates/", upload_form(world, **changes))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_seller_cannot_upload_for_another_shop(world):
    stranger = f.owner_of(f.shop())
    response = browser(stranger).post("/quality/certificates/", upload_form(world))
    assert response.status_code == 400 and not Certificate.objects.exists()


def test_the_certificate_file_is_only_for_the_shop_and_inspectors(world):
    cert = f.certificate(world["shop"], "PIRT", status=CertificateStatus.SUBMITTED)
    url = f"/quality/certificates/{cert.public_id}/file/"
    response = browser(world["owner"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == f.PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert browser(f.inspector()).get(url).status_code == 200
    assert browser(f.owner_of(f.shop())).get(url).status_code == 403


def test_the_inspector_queue_lists_certificates_and_waiting_products(world):
    cert = f.certificate(world["shop"], "PIRT", status=CertificateStatus.SUBMITTED, number="P-IRT 777")
    from lumbung.quality.services import product_request_publication

    product_request_publication(actor=world["owner"], product=world["product"])
    page = browser(f.inspector()).get("/quality/review/").content.decode()
    assert "P-IRT 777" in page and "Madu Hutan 250 ml" in page
    assert f"/quality/review/certificates/{cert.public_id}/" in page
    assert browser(world["owner"]).get("/quality/review/").status_code == 403


def test_the_inspector_verifies_and_the_waiting_product_goes_on_sale(world):
    f.certificate(world["shop"], "HALAL")
    cert = f.certificate(world["shop"], "BPOM_MD", status=CertificateStatus.SUBMITTED)
    from lumbung.quality.services import product_request_publication

    product_request_publication(actor=world["owner"], product=world["product"])
    client = browser(f.inspector())
    url = f"/quality/review/certificates/{cert.public_id}/"
    assert "Download the PDF" in client.get(url).content.decode()
    assert client.post(url, {"action": "verify"}).status_code == 302
    cert.refresh_from_db()
    world["product"].refresh_from_db()
    assert cert.status == CertificateStatus.VERIFIED and world["product"].is_published


def test_rejecting_without_a_reason_shows_an_error_and_changes_nothing(world):
    cert = f.certificate(world["shop"], "PIRT", status=CertificateStatus.SUBMITTED)
    response = browser(f.inspector()).post(
        f"/quality/review/certificates/{cert.public_id}/", {"action": "reject", "reason": ""}
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.SUBMITTED


def test_the_owner_cannot_verify_their_own_certificate(world):
    cert = f.certificate(world["shop"], "PIRT", status=CertificateStatus.SUBMITTED)
    response = browser(world["owner"]).post(
        f"/quality/review/certificates/{cert.public_id}/", {"action": "verify"}
    )
    assert response.status_code == 403
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.SUBMITTED


def inspection_form(**changes):
    data = {
        "outcome": "approved",
        "grade": "A",
        "moisture_pct": "18.5",
        "other_measurements": "hmf_mg_per_kg = 12",
        "notes": "Madu jernih",
        "photos": [f.upload("a.jpg", f.image_bytes("JPEG")), f.upload("b.png", f.image_bytes("PNG"))],
    }
    for key in ("sealed", "label", "clean", "sensory", "weight", "numbers"):
        data[f"check_{key}"] = "on"
    data.update(changes)
    return data


def test_the_inspector_approves_with_checklist_measurements_and_photos(world):
    from lumbung.quality.services import product_request_publication

    product_request_publication(actor=world["owner"], product=world["product"])
    inspector = f.inspector()
    client = browser(inspector)
    url = f"/quality/review/products/{world['product'].public_id}/inspect/"
    assert "Halal (BPJPH) certificate" in client.get(url).content.decode()
    assert client.post(url, inspection_form()).status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.inspector == inspector and inspection.grade == "A"
    assert inspection.measurements == {"moisture_pct": "18.5", "hmf_mg_per_kg": "12"}
    assert len(inspection.checklist) == 6 and all(item["passed"] for item in inspection.checklist)
    assert inspection.photos.count() == 2
    world["product"].refresh_from_db()
    assert world["product"].is_published
    # The seller sees the approval and its photo.
    owner = browser(world["owner"])
    assert (
        "Approved by an inspector"
        in owner.get(f"/quality/products/{world['product'].public_id}/").content.decode()
    )
    photo = owner.get(f"/quality/inspections/{inspection.public_id}/photos/1/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/webp"
    assert (
        browser(f.owner_of(f.shop()))
        .get(f"/quality/inspections/{inspection.public_id}/photos/1/")
        .status_code
        == 403
    )


def test_an_approval_with_a_failed_check_is_refused_and_nothing_saved(world):
    data = inspection_form()
    del data["check_clean"]
    response = browser(f.inspector()).post(
        f"/quality/review/products/{world['product'].public_id}/inspect/", data
    )
    assert response.status_code == 400
    assert "No mould, pests or foreign matter" in response.content.decode()
    assert not Inspection.objects.exists()


def test_the_owner_cannot_open_the_inspection_form(world):
    url = f"/quality/review/products/{world['product'].public_id}/inspect/"
    assert browser(world["owner"]).get(url).status_code == 403
    assert browser(world["owner"]).post(url, inspection_form()).status_code == 403
    assert not Inspection.objects.exists()


def test_pages_work_in_indonesian_and_chinese(world):
    for language in ("id", "zh-hans"):
        assert browser(world["owner"], language).get("/quality/products/").status_code == 200
        assert browser(world["owner"], language).get("/quality/certificates/").status_code == 200
