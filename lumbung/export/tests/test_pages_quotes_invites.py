"""RFQ page: a quote with several price tiers, and a facilitator inviting more exporters."""

import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.export.models import Quote, QuoteTier, RfqInvite
from lumbung.notify.models import OutboxMessage

from .factories import buyer, days, exporter, facilitator, rfq

pytestmark = pytest.mark.django_db

BASE = {
    "q-moq": "0.5",
    "q-incoterm": "CIF",
    "q-named_port": "Hong Kong",
    "q-lead_time_days": "30",
    "q-valid_until": "",
    "q-deposit_percent": "30",
    "q-payment_terms": "30% deposit, 70% against documents",
    "q-packaging": "25 kg bags",
}


def quote_post(client, row, **tiers):
    data = dict(BASE, **{"q-valid_until": str(days(20))})
    data.update({f"q-{k}": v for k, v in tiers.items()})
    return client.post(f"/export/rfqs/{row.public_id}/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_an_exporter_quotes_three_price_tiers_on_the_page(client):
    _ex, manager = exporter()
    hk = buyer()
    row = rfq(buyer_=hk)
    client.force_login(manager)
    page = client.get(f"/export/rfqs/{row.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('name="q-unit_price_') == 4 and "from quantity" in page
    response = quote_post(
        client,
        row,
        unit_price_1="6500",
        min_quantity_2="1",
        unit_price_2="6200",
        min_quantity_3="2",
        unit_price_3="5900",
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert [(str(t.min_quantity), str(t.unit_price)) for t in quote.tiers.order_by("min_quantity")] == [
        ("0.500", "6500.00"),
        ("1.000", "6200.00"),
        ("2.000", "5900.00"),
    ]
    client.force_login(hk)
    page = client.get(f"/export/rfqs/{row.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5900.00" in page and "6500.00" in page


@pytest.mark.parametrize(
    ("tiers", "error"),
    [
        ({"min_quantity_1": "1", "unit_price_1": "6500"}, "The first tier starts at the minimum order"),
        ({"min_quantity_1": "0.2", "unit_price_1": "6500"}, "The first tier starts at the minimum order"),
        (
            {
                "unit_price_1": "6500",
                "min_quantity_2": "2",
                "unit_price_2": "6200",
                "min_quantity_3": "1",
                "unit_price_3": "6000",
            },
            "Each tier starts at a larger quantity than the one before",
        ),
        ({"unit_price_1": "6500", "min_quantity_2": "0.5", "unit_price_2": "6200"}, "larger quantity"),
        ({"unit_price_1": "0"}, "A price must be more than zero"),
        (
            {"unit_price_1": "6500", "min_quantity_2": "2", "unit_price_2": "-1"},
            "A price must be more than zero",
        ),
        ({"unit_price_1": "6500", "min_quantity_2": "2"}, "Give both the quantity and the price"),
        ({}, "This field is required"),
    ],
)
def test_bad_tiers_are_refused_with_a_clear_error_and_nothing_saved(client, tiers, error):
    _ex, manager = exporter()
    row = rfq()
    client.force_login(manager)
    response = quote_post(client, row, **tiers)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Quote.objects.exists() and not QuoteTier.objects.exists()
    assert not OutboxMessage.objects.filter(template="export_quote_received").exists()


def test_tier_errors_follow_the_readers_language(client):
    """New strings reach id/zh when the lead extracts the catalogues; Django's own are there already."""
    _ex, manager = exporter()
    row = rfq()
    client.force_login(manager)
    data = dict(BASE, **{"q-valid_until": str(days(20))})
    page = client.post(f"/export/rfqs/{row.public_id}/", data, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Isian ini wajib diisi" in page and "This field is required" not in page
    assert not Quote.objects.exists()


def test_a_facilitator_invites_more_exporters_from_the_rfq_page(client):
    matched, _m = exporter(name="BUMDes Kelor Oebelo")
    ginger, ginger_manager = exporter(name="BUMDes Jahe Merah", hs=("0905.10",))
    unverified, _u = exporter(name="BUMDes Belum Siap", verified=False)
    row = rfq()
    assert list(row.invites.values_list("exporter", flat=True)) == [matched.pk]
    desk = facilitator()
    client.force_login(desk)
    page = client.get(f"/export/rfqs/{row.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    invite_part = page[page.index("Invite more exporters") :]
    assert "BUMDes Jahe Merah" in invite_part  # verified, not yet invited
    assert "BUMDes Belum Siap" not in invite_part  # not verified
    assert f'value="{matched.public_id}"' not in invite_part  # already invited
    response = client.post(
        f"/export/rfqs/{row.public_id}/", {"i-exporters": [ginger.public_id], "invite": "1"}
    )
    assert response.status_code == 302
    assert RfqInvite.objects.get(rfq=row, exporter=ginger).by_facilitator == desk
    assert OutboxMessage.objects.filter(to=ginger_manager.phone, template="export_rfq_invited").exists()
    page = client.get(f"/export/rfqs/{row.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Every verified exporter is already invited." in page
    # the invited BUMDes now sees the request and may quote
    client.force_login(ginger_manager)
    assert client.get(f"/export/rfqs/{row.public_id}/").status_code == 200
    _ = unverified


@pytest.mark.parametrize("who", ["buyer", "invited_exporter", "stranger"])
def test_only_a_facilitator_may_invite_and_a_refusal_changes_nothing(client, who):
    matched, matched_manager = exporter()
    ginger, _g = exporter(name="BUMDes Jahe", hs=("0905.10",))
    row = rfq()
    user = {"buyer": row.buyer, "invited_exporter": matched_manager, "stranger": UserFactory()}[who]
    client.force_login(user)
    before = OutboxMessage.objects.count()
    response = client.post(
        f"/export/rfqs/{row.public_id}/", {"i-exporters": [ginger.public_id], "invite": "1"}
    )
    assert response.status_code == 403
    assert not RfqInvite.objects.filter(exporter=ginger).exists()
    assert OutboxMessage.objects.count() == before
    page = client.get(f"/export/rfqs/{row.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Invite more exporters" not in page.content.decode()
    _ = matched


def test_an_unknown_exporter_id_is_refused_on_the_form(client):
    exporter()
    exporter(name="BUMDes Jahe", hs=("0905.10",))
    row = rfq()
    client.force_login(facilitator())
    response = client.post(
        f"/export/rfqs/{row.public_id}/", {"i-exporters": ["nope"], "invite": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert RfqInvite.objects.count() == 1
