import json

import pytest

from lumbung.export.models import Contract, Counter, Quote

from .factories import buyer, days, exporter, facilitator, quote, rfq

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data=json.dumps(data, default=str), content_type="application/json")


def rfq_body(**overrides):
    body = {
        "buyer_company": "HK Wellness Ltd",
        "product": "Moringa leaf powder",
        "hs_code": "1212.99",
        "quantity": "2",
        "unit": "t",
        "destination_country": "HK",
        "destination_port": "Hong Kong",
        "incoterm": "CIF",
        "target_date": str(days(60)),
        "currency": "USD",
        "deadline": (days(5)).isoformat() + "T12:00:00+08:00",
        "max_quotes": 3,
    }
    body.update(overrides)
    return body


def test_buyer_posts_an_rfq_and_sees_matched_exporters(client):
    ex, _ = exporter()
    client.force_login(buyer())
    response = post(client, "/api/export/rfqs", rfq_body())
    assert response.status_code == 201, response.content
    assert response.json()["invited"] == [ex.public_id]


def test_a_bad_incoterm_is_a_field_error(client):
    client.force_login(buyer())
    response = post(client, "/api/export/rfqs", rfq_body(incoterm="FAS"))
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "incoterm"


def test_quotes_are_seen_only_by_their_buyer_their_exporter_and_facilitators(client):
    a, ma = exporter()
    b, mb = exporter()
    row = rfq()
    qa = quote(row, a, ma)
    qb = quote(row, b, mb)
    url = f"/api/export/rfqs/{row.public_id}/quotes"
    client.force_login(row.buyer)
    assert {q["public_id"] for q in client.get(url).json()} == {qa.public_id, qb.public_id}
    client.force_login(ma)
    assert [q["public_id"] for q in client.get(url).json()] == [qa.public_id]
    client.force_login(mb)
    assert [q["public_id"] for q in client.get(url).json()] == [qb.public_id]
    # B may not counter/accept/answer A's quote, nor see it by id.
    assert (
        post(client, f"/api/export/quotes/{qa.public_id}/counter/answer", {"accept": True}).status_code == 403
    )
    client.force_login(buyer())
    assert client.get(url).status_code == 403
    assert post(client, f"/api/export/quotes/{qa.public_id}/counter", {"unit_price": "1"}).status_code == 403
    client.force_login(facilitator())
    assert len(client.get(url).json()) == 2
    assert not Counter.objects.exists()


def test_compare_counter_accept_and_download_the_contract(client):
    ex, manager = exporter(name="BUMDes Kelor Oebelo")
    row = rfq()
    q = quote(row, ex, manager)
    client.force_login(row.buyer)
    assert (
        post(client, f"/api/export/quotes/{q.public_id}/counter", {"unit_price": "5700"}).status_code == 201
    )
    second = post(client, f"/api/export/quotes/{q.public_id}/counter", {"unit_price": "5000"})
    assert second.status_code == 409
    client.force_login(manager)
    assert (
        post(client, f"/api/export/quotes/{q.public_id}/counter/answer", {"accept": False}).status_code == 200
    )
    client.force_login(row.buyer)
    response = post(client, f"/api/export/quotes/{q.public_id}/accept", {"currency": "USD"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == "11800.00"  # the counter was rejected: the tier price stands
    phyto = next(d for d in body["documents"] if d["kind"] == "phytosanitary")
    assert "Badan Karantina" in phyto["reason"]
    pdf = client.get(f"/api/export/contracts/{body['public_id']}/contract.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(buyer())
    assert client.get(f"/api/export/contracts/{body['public_id']}").status_code == 403


def test_expired_quote_is_refused_with_a_clear_message(client):
    ex, manager = exporter()
    row = rfq()
    q = quote(row, ex, manager)
    Quote.objects.filter(pk=q.pk).update(valid_until=days(-1))
    client.force_login(row.buyer)
    response = post(client, f"/api/export/quotes/{q.public_id}/accept", {"currency": "USD"})
    assert response.status_code == 409
    assert response.json()["code"] == "quote_expired"
    assert not Contract.objects.exists()
