"""A hypothesis state machine over random sequences of case acts by random people, with a moving clock.

After every step: a refused act changed nothing (case, timeline, ledger, refunds); an allowed act
moved the case along ``states.TRANSITIONS`` and was done by someone the rules name for it; acts the
rules clearly allow did succeed; the ledger verifies; the order's escrow holds exactly what is owed;
the order is on hold exactly while a case is active.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from lumbung.aftersales import services
from lumbung.aftersales.models import Case, CaseEvent
from lumbung.aftersales.states import ACTIVE, TRANSITIONS, CaseStatus, Remedy
from lumbung.core.errors import DomainError
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.verify import ledger_verify
from lumbung.orders.accounts import escrow_code
from lumbung.orders.models import Order
from lumbung.orders.services import jobs as order_jobs
from lumbung.orders.services import order_complete
from lumbung.orders.states import ESCROW_HELD
from lumbung.orders.tests import factories as of
from lumbung.payments.models import Refund

from . import factories as f

pytestmark = pytest.mark.django_db

S = CaseStatus
PEOPLE = ("buyer", "seller", "agent", "staff", "stranger", "other_agent")
# Who the rules name for each act, and in which states.
ALLOWED = {
    "answer": ({"seller"}, {S.OPEN}),
    "accept": ({"buyer"}, {S.OFFERED}),
    "refuse": ({"buyer"}, {S.OFFERED}),
    "withdraw": ({"buyer"}, set(ACTIVE)),
    "decide": ({"agent", "staff"}, {S.ESCALATED_CENTRE, S.ESCALATED_PLATFORM}),
    "refer": ({"agent", "staff"}, {S.ESCALATED_CENTRE}),
}


def people_for(*likely: str):
    """Anyone may try anything, but the people the rules name try more often, so runs get deep."""
    return st.sampled_from([*PEOPLE, *(likely * 4)])


class World:
    def __init__(self):
        self.w = f.delivered_order(price="12347", quantity=3)
        other = f.delivered_order()
        self.people = {
            "buyer": self.w.buyer,
            "seller": self.w.seller,
            "agent": self.w.agent,
            "staff": of.staff(),
            "stranger": of.buyer(),
            "other_agent": other.agent,
        }


class CaseMachine(RuleBasedStateMachine):
    world: World

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._travel = time_machine.travel(timezone.now(), tick=False)
        self.clock = self._travel.start()
        self.order = Order.objects.get(pk=self.world.w.order.pk)

    def teardown(self):
        self._travel.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers -----------------------------------------------------------------------------------

    def _case(self):
        return Case.objects.filter(order=self.order).order_by("-pk").first()

    def _snapshot(self):
        case = self._case()
        return (
            case and (case.status, case.outcome, case.offer, case.due_at),
            CaseEvent.objects.count(),
            JournalEntry.objects.count(),
            Refund.objects.count(),
            Order.objects.values_list("status", "refunded", "on_hold").get(pk=self.order.pk),
        )

    def _do(self, act: str, who: str, func, *, must_succeed: bool = False):
        case = self._case()
        if case is None:
            return  # nothing to act on yet
        before_status = case.status
        before = self._snapshot()
        try:
            with transaction.atomic():
                func(self.world.people[who], case)
        except DomainError:
            assert self._snapshot() == before, f"{who} {act} was refused but something changed"
            assert not must_succeed, f"{who} {act} on {before_status} should have been allowed"
            return
        after = self._case()
        if act == "comment":
            assert after.status == before_status
            return
        assert after.status in TRANSITIONS[before_status], (act, before_status, after.status)
        people, states = ALLOWED[act]
        assert who in people and before_status in states, f"{who} could {act} on {before_status}"

    def _amount(self, share: int) -> str:
        left = Order.objects.get(pk=self.order.pk)
        return str(max(Decimal(1), (left.total - left.refunded) * share // 100))

    # --- rules -------------------------------------------------------------------------------------

    @initialize(kind=st.sampled_from(["return", "complaint", "dispute"]))
    def buyer_opens_a_case(self, kind):
        services.case_open(
            actor=self.world.people["buyer"], order=self.order, kind=kind, reason="Barang rusak"
        )

    @rule(who=people_for("buyer"), kind=st.sampled_from(["return", "complaint", "dispute"]))
    def open(self, who, kind):
        before = Case.objects.count()
        try:
            with transaction.atomic():
                services.case_open(
                    actor=self.world.people[who], order=self.order, kind=kind, reason="Barangnya rusak parah"
                )
        except DomainError:
            assert Case.objects.count() == before
            return
        assert who == "buyer"
        assert Case.objects.filter(order=self.order, status__in=ACTIVE).count() == 1

    @rule(
        who=people_for("seller"),
        remedy=st.sampled_from(list(Remedy.values)),
        share=st.integers(min_value=1, max_value=120),
    )
    def answer(self, who, remedy, share):
        case = self._case()
        sure = (
            case is not None
            and case.status == S.OPEN
            and who == "seller"
            and (remedy != Remedy.REFUND or share <= 100)
        )
        self._do(
            "answer",
            who,
            lambda actor, case: services.case_answer(
                actor=actor, case=case, remedy=remedy, amount=self._amount(share), message="Jawaban penjual"
            ),
            must_succeed=sure,
        )

    @rule(who=people_for("buyer"))
    def accept(self, who):
        self._do("accept", who, lambda actor, case: services.case_accept(actor=actor, case=case))

    @rule(who=people_for("buyer"))
    def refuse(self, who):
        case = self._case()
        sure = case is not None and case.status == S.OFFERED and who == "buyer"
        self._do(
            "refuse",
            who,
            lambda actor, case: services.case_refuse(actor=actor, case=case, message="Tidak setuju"),
            must_succeed=sure,
        )

    @rule(who=st.sampled_from(PEOPLE))
    def withdraw(self, who):
        case = self._case()
        sure = case is not None and case.status in ACTIVE and who == "buyer"
        self._do(
            "withdraw",
            who,
            lambda actor, case: services.case_withdraw(actor=actor, case=case),
            must_succeed=sure,
        )

    @rule(
        who=people_for("agent", "staff"),
        remedy=st.sampled_from(list(Remedy.values)),
        share=st.integers(min_value=1, max_value=120),
    )
    def decide(self, who, remedy, share):
        case = self._case()
        sure = (
            case is not None
            and remedy == Remedy.REJECT
            and (
                (who == "staff" and case.status in (S.ESCALATED_CENTRE, S.ESCALATED_PLATFORM))
                or (who == "agent" and case.status == S.ESCALATED_CENTRE)
            )
        )
        self._do(
            "decide",
            who,
            lambda actor, case: services.case_decide(
                actor=actor, case=case, remedy=remedy, amount=self._amount(share), message="Keputusan"
            ),
            must_succeed=sure,
        )

    @rule(who=people_for("agent"))
    def refer(self, who):
        self._do(
            "refer", who, lambda actor, case: services.case_refer(actor=actor, case=case, message="Ke pusat")
        )

    @rule(who=st.sampled_from(PEOPLE))
    def comment(self, who):
        self._do(
            "comment", who, lambda actor, case: services.case_comment(actor=actor, case=case, message="Halo")
        )

    @rule()
    def buyer_confirms_receipt(self):
        try:
            with transaction.atomic():
                order_complete(order=self.order, actor=self.world.people["buyer"])
        except DomainError:
            pass

    @rule(days=st.integers(min_value=1, max_value=4))
    def time_passes(self, days):
        self.clock.shift(timedelta(days=days))
        services.cases_deadlines_run()
        order_jobs.delivered_complete()

    # --- invariants --------------------------------------------------------------------------------

    @invariant()
    def ledger_is_sound(self):
        report = ledger_verify()
        assert not report.unbalanced_entries and not report.stale_balances
        assert not report.negative_accounts and not report.unbalanced_currencies

    @invariant()
    def escrow_and_hold_follow_the_case(self):
        order = Order.objects.get(pk=self.order.pk)
        owed = order.total - order.refunded if order.status in ESCROW_HELD else Decimal(0)
        assert of.balance(escrow_code(order.public_id)) == owed
        assert 0 <= order.refunded <= order.total
        active = Case.objects.filter(order=order, status__in=ACTIVE).exists()
        if order.status in ESCROW_HELD:
            assert order.on_hold == active
        assert Case.objects.filter(order=order, status__in=ACTIVE).count() <= 1


def test_case_state_machine_refuses_illegal_moves():
    CaseMachine.world = World()
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=80,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
