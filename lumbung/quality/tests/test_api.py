"""The quality API: a permission matrix over every endpoint (status AND nothing changed on refusal),
and what sellers and inspectors read from it."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lumbung.accounts.tests.factories import UserFactory
from lumbung.catalog.models import Product
from lumbung.core.models import AuditEntry
from lumbung.quality.models import Certificate, Inspection, InspectionPhoto, PublicationRequest

from . import factories as f

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "owner", "shop_staff", "other_owner", "inspector", "platform_admin"]


@pytest.fixture
def world():
    cat = f.category(slug="keripik", name_id="Keripik", name_en="Crisps")
    f.requirement(cat, "PIRT", "BPOM_MD")
    owner = UserFactory(language="en")
    shop = f.shop(owner=owner, name="Keripik Bu Ani")
    item = f.product(shop_=shop, category_=cat, name_id="Keripik Pisang 200 g", published=False, submit=False)
    cert = f.certificate(shop, "PIRT", status="submitted", number="P-IRT 1234")
    users = {
        "anonymous": None,
        "owner": owner,
        "shop_staff": f.shop_staff(shop),
        "other_owner": f.owner_of(f.shop()),
        "inspector": f.inspector(),
        "platform_admin": UserFactory(is_staff=True, is_superuser=True),
    }
    return {"category": cat, "shop": shop, "product": item, "cert": cert, "users": users}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def snapshot() -> dict:
    root = Path(settings.LUMBUNG_PRIVATE_MEDIA_ROOT)
    return {
        "certificates": sorted(
            Certificate.objects.values_list("public_id", "status", "verified_by_id", "rejection_reason")
        ),
        "inspections": Inspection.objects.count(),
        "photos": InspectionPhoto.objects.count(),
        "requests": PublicationRequest.objects.count(),
        "products": sorted(Product.objects.values_list("public_id", "status", "is_published", "standards")),
        "audit": AuditEntry.objects.count(),
        "files": sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else [],
    }


def certificate_form(world):
    today = timezone.localdate()
    return {
        "shop": world["shop"].public_id,
        "standard": "BPOM_MD",
        "number": "MD 224510001234",
        "issuer": "BPOM",
        "expires_on": (today + timedelta(days=900)).isoformat(),
        "file": f.upload("md.pdf", f.PDF, "application/pdf"),
    }


def inspection_form(world):
    return {
        "product": world["product"].public_id,
        "outcome": "approved",
        "grade": "A",
        "checklist": json.dumps([{"item": "Kemasan rapat", "passed": True, "note": ""}]),
        "measurements": json.dumps({"moisture_pct": "3.5"}),
        "notes": "Renyah, kemasan baik",
        "photos": f.upload("p.png", f.image_bytes("PNG")),
    }


# endpoint -> (method, url builder, body builder, {role: expected status})
OK_ALL = dict.fromkeys(ROLES, 200)
MATRIX = {
    "standards": ("get", lambda w: "/api/quality/standards", None, OK_ALL),
    "requirements": (
        "get",
        lambda w: f"/api/quality/categories/{w['category'].slug}/requirements",
        None,
        OK_ALL,
    ),
    "submit": (
        "post_multipart",
        lambda w: "/api/quality/certificates",
        certificate_form,
        {
            "anonymous": 401,
            "owner": 201,
            "shop_staff": 201,
            "other_owner": 403,
            "inspector": 403,
            "platform_admin": 201,
        },
    ),
    "mine": ("get", lambda w: "/api/quality/certificates", None, {**OK_ALL, "anonymous": 401}),
    "queue": (
        "get",
        lambda w: "/api/quality/certificates/queue",
        None,
        {
            "anonymous": 401,
            "owner": 403,
            "shop_staff": 403,
            "other_owner": 403,
            "inspector": 200,
            "platform_admin": 200,
        },
    ),
    "detail": (
        "get",
        lambda w: f"/api/quality/certificates/{w['cert'].public_id}",
        None,
        {
            "anonymous": 401,
            "owner": 200,
            "shop_staff": 200,
            "other_owner": 403,
            "inspector": 200,
            "platform_admin": 200,
        },
    ),
    "verify": (
        "post_json",
        lambda w: f"/api/quality/certificates/{w['cert'].public_id}/verify",
        lambda w: {},
        {
            "anonymous": 401,
            "owner": 403,
            "shop_staff": 403,
            "other_owner": 403,
            "inspector": 200,
            "platform_admin": 200,
        },
    ),
    "reject": (
        "post_json",
        lambda w: f"/api/quality/certificates/{w['cert'].public_id}/reject",
        lambda w: {"reason": "Nomor tidak terdaftar di OSS"},
        {
            "anonymous": 401,
            "owner": 403,
            "shop_staff": 403,
            "other_owner": 403,
            "inspector": 200,
            "platform_admin": 200,
        },
    ),
    "inspect": (
        "post_multipart",
        lambda w: "/api/quality/inspections",
        inspection_form,
        {
            "anonymous": 401,
            "owner": 403,
            "shop_staff": 403,
            "other_owner": 403,
            "inspector": 201,
            "platform_admin": 201,
        },
    ),
    "inspections": ("get", lambda w: "/api/quality/inspections", None, {**OK_ALL, "anonymous": 401}),
    "gate": (
        "get",
        lambda w: f"/api/quality/products/{w['product'].public_id}/gate",
        None,
        {
            "anonymous": 401,
            "owner": 200,
            "shop_staff": 200,
            "other_owner": 403,
            "inspector": 200,
            "platform_admin": 200,
        },
    ),
    "request_publication": (
        "post_json",
        lambda w: f"/api/quality/products/{w['product'].public_id}/request-publication",
        lambda w: {},
        {
            "anonymous": 401,
            "owner": 200,
            "shop_staff": 200,
            "other_owner": 403,
            "inspector": 403,
            "platform_admin": 200,
        },
    ),
}


def call(client, method, url, body):
    if method == "get":
        return client.get(url)
    if method == "post_json":
        return client.post(url, data=json.dumps(body), content_type="application/json")
    return client.post(url, data=body)


def test_the_matrix_covers_every_quality_endpoint():
    spec = Client().get("/api/openapi.json").json()
    operations = {
        (path, method) for path, ops in spec["paths"].items() if "/quality/" in path for method in ops
    }
    assert len(operations) == len(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_permission_matrix(world, endpoint, role):
    method, url, body, expected = MATRIX[endpoint]
    before = snapshot()
    response = call(client_for(world["users"][role]), method, url(world), body(world) if body else None)
    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert response.json()["code"] in {"unauthenticated", "forbidden"}
        assert snapshot() == before


def test_lists_are_scoped_to_the_callers_shops(world):
    mine = client_for(world["users"]["owner"]).get("/api/quality/certificates").json()
    assert [c["public_id"] for c in mine] == [world["cert"].public_id]
    assert client_for(world["users"]["other_owner"]).get("/api/quality/certificates").json() == []
    f.inspection(world["product"])
    assert len(client_for(world["users"]["owner"]).get("/api/quality/inspections").json()) == 1
    assert client_for(world["users"]["other_owner"]).get("/api/quality/inspections").json() == []


def test_the_seller_reads_exactly_what_is_missing_in_their_language(world):
    client = client_for(world["users"]["owner"])
    gate = client.get(
        f"/api/quality/products/{world['product'].public_id}/gate", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert gate["publishable"] is False
    (missing,) = gate["missing"]
    assert missing["codes"] == ["PIRT", "BPOM_MD"] and missing["state"] == "pending"
    assert missing["certificate"] == world["cert"].public_id
    assert "PIRT" in missing["message"] and "Keripik Pisang 200 g" in missing["message"]


def test_verify_through_the_api_then_the_seller_asks_and_the_product_is_published(world):
    inspector = client_for(world["users"]["inspector"])
    body = inspector.post(f"/api/quality/certificates/{world['cert'].public_id}/verify").json()
    assert body["status"] == "verified"
    gate = client_for(world["users"]["owner"]).post(
        f"/api/quality/products/{world['product'].public_id}/request-publication"
    )
    assert gate.status_code == 200
    assert gate.json()["publishable"] and gate.json()["is_published"] and gate.json()["held"] == ["PIRT"]


def test_an_executable_named_pdf_is_refused_by_the_api(world):
    form = certificate_form(world)
    form["file"] = f.upload("md.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf")
    before = snapshot()
    response = client_for(world["users"]["owner"]).post("/api/quality/certificates", data=form)
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "file"
    assert snapshot() == before


def test_an_unknown_certificate_is_404():
    user = f.inspector()
    response = client_for(user).get("/api/quality/certificates/doesnotexist0000")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_bad_checklist_json_is_a_validation_error(world):
    form = inspection_form(world)
    form["checklist"] = "[{not json"
    before = snapshot()
    response = client_for(world["users"]["inspector"]).post("/api/quality/inspections", data=form)
    assert response.status_code == 422 and response.json()["details"]["field"] == "checklist"
    assert snapshot() == before
