import pytest

from lumbung.accounts.models import User
from lumbung.export.models import Delivery
from lumbung.export.services import pooling, shipping

from .factories import inspector, png_upload, pooled_contract

pytestmark = pytest.mark.django_db


def test_the_public_page_shows_consenting_first_names_only_and_stays_tiny(client):
    _c, _manager, _desk, _pool, lot = pooled_contract(producers=3)
    people = [User.objects.get(pk=pk) for pk in Delivery.objects.values_list("producer_id", flat=True)]
    names = ["Maria Kolo", "Yohanes Bani", "Siti Nuban"]
    for person, name in zip(people, names, strict=True):
        User.objects.filter(pk=person.pk).update(name=name)
    pooling.consent_set(producer=people[0], show_first_name=True)
    pooling.consent_set(producer=people[1], show_first_name=False)
    shipping.lot_inspect(
        actor=inspector(),
        lot=lot,
        passed=True,
        checklist=[{"item": "no mould", "passed": True, "note": ""}],
        samples=4,
        measurements={"moisture_pct": "7.4"},
        photos=[png_upload()],
    )
    response = client.get(f"/export/p/{lot.public_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) <= 15 * 1024
    assert 'lang="en"' in html  # the buyer's language
    assert "Maria" in html and "Kolo" not in html
    assert "Yohanes" not in html and "Siti" not in html
    assert "2 more producers" in html
    assert lot.pool.exporter.organisation.village.name in html
    assert "moisture_pct 7.4" in html
    assert "+62" not in html  # no phone numbers


def test_a_retail_pack_has_its_own_qr_to_the_same_story(client):
    _c, manager, _desk, _pool, lot = pooled_contract(producers=1)
    pack = pooling.retail_pack_create(actor=manager, lot=lot, net_grams=250)
    assert client.get(f"/export/p/{pack.public_id}/").status_code == 200
    qr = client.get(f"/export/p/{pack.public_id}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert client.get("/export/p/nope/").status_code == 404
