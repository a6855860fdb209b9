import json
from decimal import Decimal

import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.export.models import ContractPayment, Document
from lumbung.payments.services.fx import fx_rate_enter

from .factories import buyer, contract, facilitator, inspector, pdf_upload, png_upload, pooled_contract

pytestmark = pytest.mark.django_db


def post(client, url, data=None, **headers):
    return client.post(
        url, data=json.dumps(data or {}, default=str), content_type="application/json", **headers
    )


def test_deposit_over_the_api_is_idempotent_and_only_for_facilitators(client):
    c, _manager = contract()
    body = {"amount": str(c.deposit), "currency": "USD", "bank_reference": "TT-1"}
    url = f"/api/export/contracts/{c.public_id}/deposit"
    client.force_login(c.buyer)
    assert post(client, url, body, HTTP_IDEMPOTENCY_KEY="k1").status_code == 403
    client.force_login(facilitator())
    wrong = post(client, url, {**body, "currency": "CNY"}, HTTP_IDEMPOTENCY_KEY="k0")
    assert wrong.status_code == 400 and wrong.json()["code"] == "currency_mismatch"
    first = post(client, url, body, HTTP_IDEMPOTENCY_KEY="k1")
    again = post(client, url, body, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and again.json() == first.json()
    assert first.json()["status"] == "in_preparation"
    assert ContractPayment.objects.count() == 1


def test_the_pack_lists_reasons_blocks_shipping_and_prints_pdfs(client):
    c, manager, _desk, _pool, _lot = pooled_contract()
    client.force_login(manager)
    pack = client.get(f"/api/export/contracts/{c.public_id}/pack").json()
    assert any("Badan Karantina" in d["reason"] for d in pack["documents"] if d["kind"] == "phytosanitary")
    assert pack["data"]["certificate_of_origin"]["form"] == "coo_form_ahk"
    assert pack["data"]["packing"][0]["sub_lots"]
    assert len(pack["blockers"]) == 2  # inspection and documents
    refused = post(client, f"/api/export/contracts/{c.public_id}/ship", {"transport_document": "BL-1"})
    assert refused.status_code == 409 and refused.json()["code"] == "not_ready_to_ship"
    for name in ("proforma-invoice", "commercial-invoice", "packing-list"):
        response = client.get(f"/api/export/contracts/{c.public_id}/pack/{name}.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # upload with a file; a stranger cannot see the pack
    response = client.post(
        f"/api/export/contracts/{c.public_id}/documents",
        {"kind": "phytosanitary", "number": "PH-1", "file": pdf_upload()},
    )
    assert response.status_code == 201, response.content
    assert Document.objects.get().file.name
    client.force_login(UserFactory())
    assert client.get(f"/api/export/contracts/{c.public_id}/pack").status_code == 403


def test_full_flow_over_the_api_to_release(client):
    c, manager, desk, _pool, lot = pooled_contract()
    client.force_login(inspector())
    response = client.post(
        f"/api/export/lots/{lot.public_id}/inspection",
        {
            "passed": "true",
            "samples": "5",
            "checklist": "no mould\nsealed bags",
            "moisture_pct": "7.1",
            "photos": [png_upload()],
        },
    )
    assert response.status_code == 201, response.content
    client.force_login(manager)
    for kind, number, npe in (
        ("phytosanitary", "PH-9", ""),
        ("insurance", "I-9", ""),
        ("peb", "PEB-9", "NPE-9"),
    ):
        data = {"kind": kind, "number": number, "npe": npe}
        assert client.post(f"/api/export/contracts/{c.public_id}/documents", data).status_code == 201
    assert (
        post(client, f"/api/export/contracts/{c.public_id}/ship", {"transport_document": "BL-9"}).status_code
        == 200
    )
    client.force_login(c.buyer)
    assert post(client, f"/api/export/contracts/{c.public_id}/arrived").status_code == 200
    client.force_login(desk)
    body = {"amount": str(c.total - c.deposit), "currency": "USD", "bank_reference": "TT-2"}
    assert (
        post(
            client, f"/api/export/contracts/{c.public_id}/balance", body, HTTP_IDEMPOTENCY_KEY="b"
        ).status_code
        == 201
    )
    fx_rate_enter(base="USD", quote="IDR", rate=Decimal("16000"), source="BI JISDOR", actor=desk)
    done = post(client, f"/api/export/contracts/{c.public_id}/release", HTTP_IDEMPOTENCY_KEY="r")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert "balance_released" in done.json()["milestones"]
    client.force_login(buyer())
    assert post(client, f"/api/export/contracts/{c.public_id}/claims", {"reason": "x"}).status_code == 403
