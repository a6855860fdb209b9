from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lumbung.core.errors import Conflict, Forbidden
from lumbung.core.money import CurrencyMismatch
from lumbung.export.models import (
    Contract,
    ContractEvent,
    ContractStatus,
    Counter,
    Quote,
    Rfq,
    RfqStatus,
)
from lumbung.export.services import trade

from .factories import buyer, days, exporter, facilitator, quote, rfq

pytestmark = pytest.mark.django_db


def test_matching_invites_verified_exporters_of_the_hs_code_enough_capacity_first():
    small, _ = exporter(name="Kecil", capacity="100")
    big, _ = exporter(name="Besar", capacity="5000")
    exporter(name="Kepiting", hs=("0306.33",))
    exporter(name="Belum", verified=False)
    row = rfq()
    assert [i.exporter for i in row.invites.order_by("id")] == [big, small]


def test_only_invited_exporters_quote_and_a_facilitator_can_invite_more():
    row = rfq(hs_code="1211.90")
    other, manager = exporter(hs=("1212.99",))
    with pytest.raises(Forbidden):
        quote(row, other, manager)
    trade.rfq_invite(actor=facilitator(), rfq=row, exporter=other)
    assert quote(row, other, manager).exporter == other


def test_a_quote_in_another_currency_is_refused_and_nothing_written():
    ex, manager = exporter()
    row = rfq(currency="USD")
    with pytest.raises(CurrencyMismatch) as exc:
        quote(row, ex, manager, currency="CNY")
    assert exc.value.details["expected"] == "USD"
    assert not Quote.objects.exists()


def test_the_rfq_closes_after_n_quotes_and_at_its_deadline():
    a, ma = exporter()
    b, mb = exporter()
    row = rfq(max_quotes=1)
    quote(row, a, ma)
    row.refresh_from_db()
    assert row.status == RfqStatus.CLOSED
    with pytest.raises(Conflict):
        quote(row, b, mb)
    late = rfq()
    Rfq.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert trade.rfqs_close_due() == 1
    late.refresh_from_db()
    assert late.status == RfqStatus.CLOSED
    assert trade.rfqs_close_due() == 0


def test_the_buyer_counters_once_and_an_accepted_counter_sets_the_price():
    ex, manager = exporter()
    row = rfq()
    q = quote(row, ex, manager)
    trade.counter_make(buyer=row.buyer, quote=q, unit_price="5600", message="Best price?")
    with pytest.raises(Conflict):
        trade.counter_make(buyer=row.buyer, quote=q, unit_price="5000")
    assert Counter.objects.count() == 1
    trade.counter_answer(actor=manager, quote=q, accept=True)
    contract = trade.quote_accept(buyer=row.buyer, quote=q, currency="USD")
    assert contract.total == Decimal("11200.00")  # 2 t × 5,600


def test_accepting_writes_the_contract_with_the_tier_price_and_its_documents():
    ex, manager = exporter()
    other, om = exporter()
    row = rfq()
    q = quote(row, ex, manager)
    loser = quote(row, other, om)
    contract = trade.quote_accept(buyer=row.buyer, quote=q, currency="USD", tolerance_percent="5")
    assert contract.quantity_kg == Decimal("2000")
    assert contract.unit_price_per_kg == Decimal("5.9000")
    assert (contract.total, contract.deposit) == (Decimal("11800.00"), Decimal("3540.00"))
    kinds = set(contract.requirements.values_list("kind", flat=True))
    assert {"coo_form_ahk", "phytosanitary", "peb", "insurance", "packing_list"} <= kinds
    assert "health_certificate" not in kinds
    assert contract.status == ContractStatus.AWAITING_DEPOSIT
    assert ContractEvent.objects.filter(contract=contract).count() == 1
    row.refresh_from_db()
    loser.refresh_from_db()
    assert (row.status, loser.status) == (RfqStatus.AWARDED, "declined")
    with pytest.raises(Conflict):
        trade.quote_accept(buyer=row.buyer, quote=loser, currency="USD")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"quantity": "0.5"}, "below_moq"),
        ({"currency": "IDR"}, "currency_mismatch"),
        ({"expired": True}, "quote_expired"),
    ],
)
def test_bad_acceptances_are_refused_and_nothing_is_written(change, error):
    ex, manager = exporter()
    row = rfq()
    q = quote(row, ex, manager)
    if change.pop("expired", False):
        Quote.objects.filter(pk=q.pk).update(valid_until=days(-1))
        q.refresh_from_db()
    args = {"currency": "USD", **change}
    with pytest.raises(Exception) as exc:
        trade.quote_accept(buyer=row.buyer, quote=q, **args)
    assert exc.value.code == error
    assert str(exc.value.message)
    assert not Contract.objects.exists()
    row.refresh_from_db()
    assert row.status == RfqStatus.OPEN


def test_a_stranger_cannot_accept():
    ex, manager = exporter()
    q = quote(rfq(), ex, manager)
    with pytest.raises(Forbidden):
        trade.quote_accept(buyer=buyer(), quote=q, currency="USD")
    assert not Contract.objects.exists()


def test_contract_status_follows_the_transition_map():
    ex, manager = exporter()
    row = rfq()
    contract = trade.quote_accept(buyer=row.buyer, quote=quote(row, ex, manager), currency="USD")
    with pytest.raises(trade.IllegalTransition):
        trade.contract_set_status(contract=contract, to=ContractStatus.SHIPPED)
    trade.contract_set_status(contract=contract, to=ContractStatus.IN_PREPARATION, reason="deposit")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_PREPARATION
    assert list(contract.events.values_list("to_status", flat=True)) == ["awaiting_deposit", "in_preparation"]
