import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.export.models import Exporter, Verification

from .factories import NPWP, bumdes, exporter, facilitator

pytestmark = pytest.mark.django_db


def form(org, **overrides):
    data = {
        "organisation": org.public_id,
        "nib": "9120301234567",
        "npwp": NPWP,
        "hs_code": "1212.99",
        "product": "Tepung kelor",
        "monthly_capacity_kg": "1500",
        "languages": ["id", "en"],
    }
    data.update(overrides)
    return data


def test_manager_registers_through_the_page_and_sees_the_profile(client):
    org, manager = bumdes(name="BUMDes Kelor Oebelo")
    client.force_login(manager)
    response = client.post("/export/exporters/new/", form(org), follow=True)
    assert response.status_code == 200
    assert "BUMDes Kelor Oebelo" in response.content.decode()
    assert "HS 1212.99" in response.content.decode()
    assert Exporter.objects.get().organisation == org


def test_a_bad_nib_shows_on_the_form_and_saves_nothing(client):
    org, manager = bumdes()
    client.force_login(manager)
    response = client.post("/export/exporters/new/", form(org, nib="123"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "13 digits" in response.content.decode()
    assert not Exporter.objects.exists()


def test_facilitator_verifies_on_the_page_and_others_are_refused(client):
    row, manager = exporter(verified=False)
    client.force_login(manager)
    assert client.get(f"/export/exporters/{row.public_id}/verify/").status_code == 403
    client.force_login(facilitator())
    response = client.post(
        f"/export/exporters/{row.public_id}/verify/",
        {"documents_checked": ["nib", "npwp"], "visited_on": "", "visit_notes": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert Verification.objects.get().score == 20 + 10 + 10 + 10


def test_an_unverified_profile_is_hidden_from_strangers(client):
    row, _ = exporter(verified=False)
    client.force_login(UserFactory())
    assert client.get(f"/export/exporters/{row.public_id}/").status_code == 404
