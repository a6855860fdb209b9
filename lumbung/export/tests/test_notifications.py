"""Outbox SMS at each export step: to the right person, in their language, with the event or not at all."""

from decimal import Decimal

import pytest
from django.db import transaction

from lumbung.core.errors import Conflict, ValidationFailed
from lumbung.core.money import Money
from lumbung.export.models import Rfq
from lumbung.export.services import shipping, trade
from lumbung.notify.models import OutboxMessage

from .factories import buyer, exporter, facilitator, pooled_contract, quote, rfq
from .test_shipping import inspect, upload_all

pytestmark = pytest.mark.django_db


def sent(user, template):
    return list(OutboxMessage.objects.filter(to=user.phone, template=template))


def test_matched_and_facilitator_invited_exporters_get_an_sms_in_their_language():
    _matched, matched_manager = exporter(name="BUMDes Kelor")
    other, other_manager = exporter(name="BUMDes Jahe", hs=("0905.10",))
    other_manager.language = "en"
    other_manager.save(update_fields=["language"])
    row = rfq(quantity="500", unit="kg")
    [invite] = sent(matched_manager, "export_rfq_invited")
    assert invite.language == "id" and "Moringa leaf powder" in invite.body and row.public_id in invite.body
    assert sent(other_manager, "export_rfq_invited") == []
    trade.rfq_invite(actor=facilitator(), rfq=row, exporter=other)
    [invite] = sent(other_manager, "export_rfq_invited")
    assert invite.language == "en" and "invited to quote" in invite.body
    with pytest.raises(Conflict):  # a second invite is refused and sends nothing more
        trade.rfq_invite(actor=facilitator(), rfq=row, exporter=other)
    assert len(sent(other_manager, "export_rfq_invited")) == 1


class Undo(Exception):
    pass


def test_the_sms_is_part_of_the_event_transaction():
    """Queued in the same transaction: if the RFQ is rolled back, so is the invitation SMS."""
    exporter()
    with pytest.raises(Undo), transaction.atomic():
        rfq(quantity="500", unit="kg")
        assert OutboxMessage.objects.filter(template="export_rfq_invited").count() == 1
        raise Undo
    assert not Rfq.objects.exists() and OutboxMessage.objects.count() == 0


def test_buyer_hears_of_a_quote_and_the_exporter_of_a_counter_and_an_acceptance():
    ex, manager = exporter()
    hk = buyer()
    row = rfq(buyer_=hk)
    q = quote(row, ex, manager)
    [arrived] = sent(hk, "export_quote_received")
    assert arrived.language == "en" and ex.organisation.name in arrived.body
    assert sent(manager, "export_quote_answered") == []
    trade.counter_make(buyer=hk, quote=q, unit_price="5800")
    [countered] = sent(manager, "export_quote_answered")
    assert "5800" in countered.body
    with pytest.raises(Conflict):  # a second counter is refused, no second SMS
        trade.counter_make(buyer=hk, quote=q, unit_price="5700")
    assert len(sent(manager, "export_quote_answered")) == 1
    trade.counter_answer(actor=manager, quote=q, accept=True)
    trade.quote_accept(buyer=hk, quote=q, currency="USD")
    assert len(sent(manager, "export_quote_answered")) == 2
    assert sent(hk, "export_quote_answered") == []


def test_the_bumdes_manager_hears_of_each_milestone_once():
    c, manager, desk, _pool, lot = pooled_contract()
    kinds = lambda: [m.body for m in sent(manager, "export_milestone")]  # noqa: E731
    assert len(kinds()) == 2  # deposit paid, pooling complete
    inspect(lot)
    upload_all(c, manager)
    shipping.contract_ship(actor=manager, contract=c, transport_document="BL-99")
    assert any("BL-99" in body for body in kinds())
    shipping.contract_arrive(actor=c.buyer, contract=c)
    assert len(kinds()) == len(set(kinds())) == c.milestones.count() == 6
    assert sent(c.buyer, "export_milestone") == [] and sent(desk, "export_milestone") == []
    # a refused payment (wrong amount) records no milestone and sends nothing
    with pytest.raises(ValidationFailed):
        shipping.balance_record(actor=desk, contract=c, amount=Money(Decimal("1"), "USD"), bank_reference="x")
    assert len(kinds()) == 6
