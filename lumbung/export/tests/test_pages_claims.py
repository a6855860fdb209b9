"""Claims on the contract page: the supplier answers within its deadline, a facilitator resolves an
escalated claim; anyone else is refused and nothing changes."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from lumbung.accounts.tests.factories import UserFactory
from lumbung.core.money import Money
from lumbung.export.models import Claim, ClaimStatus
from lumbung.export.services import shipping

from .factories import bumdes, facilitator, pooled_contract
from .test_shipping import inspect, upload_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed():
    c, manager, desk, _pool, lot = pooled_contract()
    inspect(lot)
    upload_all(c, manager)
    shipping.contract_ship(actor=manager, contract=c, transport_document="BL-5")
    shipping.contract_arrive(actor=c.buyer, contract=c)
    claim = shipping.claim_raise(buyer=c.buyer, contract=c, reason="Two bags wet", amount=Money("300", "USD"))
    return c, manager, desk, claim


def page(client, c):
    return client.get(f"/export/contracts/{c.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_supplier_answers_a_claim_on_the_contract_page(client, claimed):
    c, manager, _desk, claim = claimed
    client.force_login(manager)
    html = page(client, c)
    assert "Two bags wet" in html and "Send answer" in html
    assert claim.answer_due.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in html
    response = client.post(
        f"/export/contracts/{c.public_id}/do/claim-answer/",
        {"claim": claim.public_id, "answer": "We replace both bags in the next shipment."},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ANSWERED and claim.answered_at is not None
    html = page(client, c)
    assert "We replace both bags" in html and "Send answer" not in html
    # a second answer is refused and the first stays
    client.post(
        f"/export/contracts/{c.public_id}/do/claim-answer/", {"claim": claim.public_id, "answer": "x"}
    )
    claim.refresh_from_db()
    assert claim.answer.startswith("We replace")
    client.force_login(c.buyer)
    assert "We replace both bags" in page(client, c)


def test_an_empty_answer_is_refused_and_nothing_saved(client, claimed):
    c, manager, _desk, claim = claimed
    client.force_login(manager)
    response = client.post(
        f"/export/contracts/{c.public_id}/do/claim-answer/",
        {"claim": claim.public_id, "answer": "  "},
        follow=True,
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN and claim.answer == ""


def test_past_its_deadline_the_answer_form_is_gone(client, claimed):
    c, manager, _desk, _claim = claimed
    client.force_login(manager)
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        assert "Send answer" not in page(client, c)


@pytest.mark.parametrize("who", ["buyer", "facilitator", "other_bumdes", "stranger"])
def test_only_the_supplier_answers(client, claimed, who):
    c, _manager, desk, claim = claimed
    user = {
        "buyer": c.buyer,
        "facilitator": desk,
        "other_bumdes": bumdes()[1],
        "stranger": UserFactory(),
    }[who]
    client.force_login(user)
    response = client.post(
        f"/export/contracts/{c.public_id}/do/claim-answer/", {"claim": claim.public_id, "answer": "fine"}
    )
    # the buyer and the facilitator see the contract and are told no; others may not even see it
    assert response.status_code == (403 if who in ("other_bumdes", "stranger") else 302)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN and claim.answer == ""


def test_a_facilitator_resolves_an_escalated_claim_on_the_page(client, claimed):
    c, _manager, desk, claim = claimed
    client.force_login(desk)
    assert "Resolve the claim" not in page(client, c)  # the supplier still has time
    refused = client.post(
        f"/export/contracts/{c.public_id}/do/claim-resolve/",
        {"claim": claim.public_id, "resolution": "early"},
    )
    assert refused.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN and claim.resolution == ""
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        shipping.claims_escalate_overdue()
    html = page(client, c)
    assert "escalated to the facilitator" in html and "Resolve the claim" in html
    response = client.post(
        f"/export/contracts/{c.public_id}/do/claim-resolve/",
        {"claim": claim.public_id, "resolution": "Credit note of USD 300 on the next shipment"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESOLVED
    html = page(client, c)
    assert "Credit note of USD 300" in html and "Resolve the claim" not in html


@pytest.mark.parametrize("who", ["buyer", "supplier", "stranger"])
def test_only_a_facilitator_resolves(client, claimed, who):
    c, manager, _desk, claim = claimed
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        shipping.claims_escalate_overdue()
    user = {"buyer": c.buyer, "supplier": manager, "stranger": UserFactory()}[who]
    client.force_login(user)
    response = client.post(
        f"/export/contracts/{c.public_id}/do/claim-resolve/", {"claim": claim.public_id, "resolution": "mine"}
    )
    assert response.status_code == (403 if who == "stranger" else 302)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ESCALATED and claim.resolution == ""
    if who != "stranger":
        assert "Resolve the claim" not in page(client, c)


def test_a_claim_of_another_contract_is_not_found(client, claimed):
    _c, _manager, _desk, claim = claimed
    other, *_ = pooled_contract()
    client.force_login(facilitator())
    response = client.post(
        f"/export/contracts/{other.public_id}/do/claim-resolve/",
        {"claim": claim.public_id, "resolution": "x"},
    )
    assert response.status_code == 404
    assert Claim.objects.get().status == ClaimStatus.OPEN
