"""PostgreSQL: people racing on one case, each on its own connection, released by a barrier.
Two opens → one case; two decisions with different keys → one refund."""

import threading

import pytest
from django.db import connection, transaction

from lumbung.aftersales import services
from lumbung.aftersales.models import Case
from lumbung.aftersales.states import Remedy
from lumbung.core.errors import DomainError
from lumbung.orders.tests import factories as of
from lumbung.payments.models import Refund

from . import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*acts):
    barrier = threading.Barrier(len(acts))
    outcomes = []

    def run(act):
        try:
            barrier.wait()
            with transaction.atomic():
                act()
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_opens_at_once_make_one_case():
    w = f.delivered_order()
    outcomes = race(*[lambda: f.open_case(w)] * 2)
    assert outcomes == ["case_already_open", "ok"]
    assert Case.objects.count() == 1


def test_two_decisions_at_once_refund_once():
    w = f.delivered_order()
    case = f.open_case(w)
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REJECT, message="Tidak")
    services.case_refuse(actor=w.buyer, case=case, message="Mohon mediasi")
    staff = of.staff()

    def decide(who):
        return lambda: services.case_decide(
            actor=who, case=case, remedy=Remedy.REFUND, amount="10000", message="x"
        )

    outcomes = race(decide(w.agent), decide(staff))
    assert outcomes == ["case_illegal_transition", "ok"]
    assert Refund.objects.count() == 1
