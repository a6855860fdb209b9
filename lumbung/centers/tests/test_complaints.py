"""After-sales at the counter: cases escalated to the centre on its console, and complaints filed for
a villager with their consent (after-sales' real ``case_open``, through the port it registers)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from lumbung.accounts.models import AssistPurpose
from lumbung.accounts.services import acting_for_record_in_person
from lumbung.aftersales.models import Case, CaseEvent
from lumbung.aftersales.services import case_deadline_pass
from lumbung.aftersales.tests import factories as af
from lumbung.centers.errors import NotAtCounter
from lumbung.centers.models import AssistedAct
from lumbung.centers.ports import aftersales, aftersales_provide
from lumbung.centers.services import assisted_case_open
from lumbung.core.audit import AuditEntry
from lumbung.core.errors import Forbidden
from lumbung.orders.models import Order

from .factories import platform_admin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _escalated(w):
    case = af.open_case(w)
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=5), tick=False):
        case = case_deadline_pass(case=case)
    assert case.status == "escalated_centre"
    return case


def _no_phone_with_consent(w, purpose=AssistPurpose.AFTERSALES):
    w.buyer.has_own_phone = False
    w.buyer.save(update_fields=["has_own_phone"])
    return acting_for_record_in_person(
        agent=w.agent,
        villager=w.buyer,
        centre=w.centre.organisation,
        purpose=purpose,
        consent_note="KTP checked, thumbprint on slip #12",
    )


# --- 1. the console lists cases escalated to this centre -------------------------------------------


def test_the_console_lists_this_centres_escalated_cases_and_none_of_another_centres(client, aftersales_port):
    mine, theirs = af.delivered_order(), af.delivered_order()
    waiting = af.open_case(mine)  # still with the seller: not the centre's yet
    client.force_login(mine.agent)
    page = client.get(f"/centres/{mine.centre.public_id}/counter/").content.decode()
    assert "No complaints waiting." in page and waiting.public_id not in page

    Case.objects.filter(pk=waiting.pk).delete()  # (start again with a case that reaches the centre)
    my_case, their_case = _escalated(mine), _escalated(theirs)
    page = client.get(f"/centres/{mine.centre.public_id}/counter/").content.decode()
    assert f'href="/aftersales/case/{my_case.public_id}/"' in page
    assert mine.order.code in page
    assert their_case.public_id not in page and theirs.order.code not in page

    client.force_login(theirs.agent)
    page = client.get(f"/centres/{theirs.centre.public_id}/counter/").content.decode()
    assert their_case.public_id in page and my_case.public_id not in page


@pytest.mark.parametrize("who", ["anonymous", "other_agent", "buyer", "seller"])
def test_strangers_do_not_see_a_centres_cases(client, aftersales_port, who):
    mine, theirs = af.delivered_order(), af.delivered_order()
    case = _escalated(mine)
    user = {"anonymous": None, "other_agent": theirs.agent, "buyer": mine.buyer, "seller": mine.seller}[who]
    if user is not None:
        client.force_login(user)
    response = client.get(f"/centres/{mine.centre.public_id}/counter/")
    assert response.status_code == (302 if user is None else 403)
    assert case.public_id not in response.content.decode()


def test_a_platform_admin_sees_the_centres_cases(client, aftersales_port):
    w = af.delivered_order()
    case = _escalated(w)
    client.force_login(platform_admin())
    assert case.public_id in client.get(f"/centres/{w.centre.public_id}/counter/").content.decode()


# --- 2. filing a complaint for a villager -------------------------------------------------------------


def test_an_agent_files_a_complaint_for_a_consenting_villager_and_the_receipt_shows_the_case(
    client, aftersales_port
):
    w = af.delivered_order()
    grant = _no_phone_with_consent(w)
    client.force_login(w.agent)
    path = f"/centres/{w.centre.public_id}/assist/{w.buyer.public_id}/complaint/"
    page = client.get(path).content.decode()
    assert w.order.code in page and 'id="consent-aftersales">yes' in page

    form = {
        "order": w.order.public_id,
        "kind": "complaint",
        "reason": "Kacangnya basi saat dibuka",
        "form_key": "fk-c",
    }
    response = client.post(path, form)
    assert response.status_code == 302
    case = Case.objects.get(order=w.order)
    assert (case.kind, case.buyer, case.filed_by) == ("complaint", w.buyer, w.agent)
    opened = CaseEvent.objects.get(case=case, action="opened")
    assert (opened.actor, opened.on_behalf_of) == (w.agent, w.buyer)

    act = AssistedAct.objects.get(centre=w.centre)
    assert (act.kind, act.villager, act.agent, act.grant, act.order) == (
        "complaint",
        w.buyer,
        w.agent,
        grant,
        w.order,
    )
    assert act.case_public_id == case.public_id
    assert AuditEntry.objects.filter(action="centers.assisted_case", actor=w.agent).exists()

    slip = client.get(response["Location"]).content.decode()
    assert f'href="/aftersales/case/{case.public_id}/"' in slip and w.order.code in slip

    # A double submit files once.
    again = client.post(path, form)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Case.objects.filter(order=w.order).count() == 1 and AssistedAct.objects.count() == 1


def test_without_aftersales_consent_the_complaint_is_refused_and_nothing_is_written(client, aftersales_port):
    w = af.delivered_order()
    _no_phone_with_consent(w, purpose=AssistPurpose.BUY)  # consent to buy is not consent to complain
    client.force_login(w.agent)
    path = f"/centres/{w.centre.public_id}/assist/{w.buyer.public_id}/complaint/"
    assert 'id="consent-aftersales">no' in client.get(path).content.decode()
    response = client.post(
        path,
        {
            "order": w.order.public_id,
            "kind": "complaint",
            "reason": "Kacangnya basi saat dibuka",
            "form_key": "fk-n",
        },
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not Case.objects.exists() and not AssistedAct.objects.exists()
    assert not AuditEntry.objects.filter(
        action__in=["centers.assisted_case", "aftersales.case_open"]
    ).exists()
    assert not Order.objects.get(pk=w.order.pk).on_hold


def test_consent_given_at_another_centre_does_not_count_here(aftersales_port):
    w = af.delivered_order()
    other = af.delivered_order()  # another centre, whose agent asks for the villager's consent
    _no_phone_with_consent(w)
    with pytest.raises(Forbidden):
        assisted_case_open(
            agent=other.agent,
            centre=other.centre,
            villager=w.buyer,
            order=w.order,
            kind="complaint",
            reason="Kacangnya basi saat dibuka",
            idempotency_key="k-1",
        )
    assert not Case.objects.exists() and not AssistedAct.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "other_agent", "buyer"])
def test_strangers_cannot_file_for_the_villager(client, aftersales_port, who):
    w = af.delivered_order()
    other = af.delivered_order()
    _no_phone_with_consent(w)
    user = {"anonymous": None, "other_agent": other.agent, "buyer": w.buyer}[who]
    if user is not None:
        client.force_login(user)
    path = f"/centres/{w.centre.public_id}/assist/{w.buyer.public_id}/complaint/"
    response = client.post(
        path,
        {
            "order": w.order.public_id,
            "kind": "complaint",
            "reason": "Kacangnya basi saat dibuka",
            "form_key": "fk-s",
        },
    )
    assert response.status_code == (302 if user is None else 403)
    if user is None:
        assert "/login" in response["Location"] or "login" in response["Location"]
    assert not Case.objects.exists() and not AssistedAct.objects.exists()


def test_a_refused_case_writes_no_receipt(client, aftersales_port):
    """After-sales refuses a reason too short to act on: no case, no receipt, the error on the form."""
    w = af.delivered_order()
    _no_phone_with_consent(w)
    client.force_login(w.agent)
    path = f"/centres/{w.centre.public_id}/assist/{w.buyer.public_id}/complaint/"
    response = client.post(
        path, {"order": w.order.public_id, "kind": "complaint", "reason": "x", "form_key": "fk-x"}
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not Case.objects.exists() and not AssistedAct.objects.exists()


def test_without_the_port_the_counter_offers_no_complaints():
    previous = aftersales_provide(None)
    try:
        assert aftersales() is None
        w = af.delivered_order()
        _no_phone_with_consent(w)
        with pytest.raises(NotAtCounter):
            assisted_case_open(
                agent=w.agent,
                centre=w.centre,
                villager=w.buyer,
                order=w.order,
                kind="complaint",
                reason="Kacangnya basi saat dibuka",
                idempotency_key="k-2",
            )
        assert not Case.objects.exists()
    finally:
        aftersales_provide(previous)
