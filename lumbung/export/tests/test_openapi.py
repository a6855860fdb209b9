import pytest

pytestmark = pytest.mark.django_db

EXPECTED = [
    ("post", "/api/export/exporters"),
    ("post", "/api/export/exporters/{public_id}/verifications"),
    ("post", "/api/export/rfqs"),
    ("post", "/api/export/rfqs/{public_id}/quotes"),
    ("get", "/api/export/rfqs/{public_id}/quotes"),
    ("post", "/api/export/quotes/{public_id}/counter"),
    ("post", "/api/export/quotes/{public_id}/accept"),
    ("post", "/api/export/contracts/{public_id}/pool"),
    ("post", "/api/export/pools/{public_id}/pledges"),
    ("post", "/api/export/pools/{public_id}/deliveries"),
    ("post", "/api/export/pools/{public_id}/lots"),
    ("post", "/api/export/pools/{public_id}/payout"),
    ("post", "/api/export/lots/{public_id}/inspection"),
    ("get", "/api/export/contracts/{public_id}/pack"),
    ("post", "/api/export/contracts/{public_id}/documents"),
    ("post", "/api/export/contracts/{public_id}/deposit"),
    ("post", "/api/export/contracts/{public_id}/ship"),
    ("post", "/api/export/contracts/{public_id}/release"),
    ("post", "/api/export/contracts/{public_id}/claims"),
    ("get", "/api/export/me/payouts"),
]


def test_the_export_api_is_described_in_openapi(client):
    spec = client.get("/api/openapi.json").json()
    for method, path in EXPECTED:
        assert method in spec["paths"].get(path, {}), path
    payout = spec["paths"]["/api/export/pools/{public_id}/payout"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in payout["parameters"])
