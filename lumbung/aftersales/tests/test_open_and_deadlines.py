"""Opening a case (window, lines, photos, consent, duplicates) and the deadlines under a moved clock."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from lumbung.accounts.models import AssistPurpose, ConsentMethod
from lumbung.accounts.services import acting_for_record_in_person
from lumbung.aftersales import services
from lumbung.aftersales.models import Case, CaseEvent, CasePhoto
from lumbung.aftersales.states import CaseStatus, Remedy
from lumbung.core.errors import DomainError
from lumbung.core.models import AuditEntry
from lumbung.orders.models import Order
from lumbung.orders.services import jobs as order_jobs
from lumbung.orders.states import OrderStatus

from . import factories as f

pytestmark = pytest.mark.django_db


def test_a_case_holds_the_order_so_it_does_not_complete_while_open():
    w = f.delivered_order()
    case = f.open_case(w)
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        order_jobs.delivered_complete()
        assert Order.objects.get(pk=w.order.pk).status == OrderStatus.DELIVERED
        services.case_withdraw(actor=w.buyer, case=case, message="Sudah beres")
        order_jobs.delivered_complete()
    assert Order.objects.get(pk=w.order.pk).status == OrderStatus.COMPLETED


@pytest.mark.parametrize("days", [6, 8])
def test_the_window_is_seven_days_after_delivery(days):
    w = f.delivered_order(complete=True)
    with time_machine.travel(w.order.delivered_at + timedelta(days=days), tick=False):
        if days <= 7:
            assert f.open_case(w).status == CaseStatus.OPEN
        else:
            with pytest.raises(DomainError) as exc:
                f.open_case(w)
            assert exc.value.code == "case_window_closed"
            assert not Case.objects.exists()


def test_the_window_follows_the_setting(settings):
    settings.LUMBUNG_AFTERSALES_WINDOW_DAYS = 2
    w = f.delivered_order()
    later = time_machine.travel(w.order.delivered_at + timedelta(days=3), tick=False)
    with later, pytest.raises(DomainError) as exc:
        f.open_case(w)
    assert exc.value.code == "case_window_closed"


def test_an_order_not_yet_delivered_cannot_have_a_case():
    from lumbung.orders.tests import factories as of

    buyer = of.buyer()
    _shop, variant = of.shop_with_variant()
    order = of.checkout(buyer, (variant, 1)).orders[0]
    of.pay(order)
    with pytest.raises(DomainError) as exc:
        services.case_open(actor=buyer, order=order, kind="complaint", reason="Belum sampai juga")
    assert exc.value.code == "case_window_closed"


def test_only_the_buyer_opens_and_only_one_active_case_per_order():
    w = f.delivered_order()
    with pytest.raises(DomainError):
        services.case_open(actor=w.seller, order=w.order, kind="complaint", reason="Saya penjualnya")
    f.open_case(w)
    with pytest.raises(DomainError) as exc:
        f.open_case(w, reason="Kedua kalinya")
    assert exc.value.code == "case_already_open"
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="opened").count() == 1


def test_lines_must_belong_to_the_order_and_are_kept():
    w = f.delivered_order(items=2)
    first = w.order.lines.first()
    case = f.open_case(w, lines=[first.public_id])
    assert [c.line for c in case.lines.all()] == [first]
    assert case.claimed_value == first.line_total
    other = f.delivered_order()
    with pytest.raises(DomainError):
        f.open_case(other, lines=[first.public_id])
    assert not Case.objects.filter(order=other.order).exists()


def test_photos_are_small_webp_without_exif():
    w = f.delivered_order()
    case = f.open_case(w, photos=[f.jpeg_with_gps(), f.jpeg_with_gps((800, 600))])
    photos = list(CasePhoto.objects.filter(case=case))
    assert len(photos) == 2
    for photo in photos:
        data = bytes(photo.webp)
        assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
        assert len(data) <= CasePhoto.MAX_BYTES and max(photo.width, photo.height) <= CasePhoto.LONGEST_SIDE
        assert b"Exif" not in data and b"SERIAL-12345" not in data and b"KameraDesa" not in data
        import io

        assert not Image.open(io.BytesIO(data)).getexif()


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved():
    import io

    w = f.delivered_order()
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "bukti.jpg"
    with pytest.raises(DomainError):
        f.open_case(w, photos=[fake])
    assert not Case.objects.exists()
    assert not Order.objects.get(pk=w.order.pk).on_hold


def test_an_agent_files_for_a_villager_only_with_consent():
    w = f.delivered_order()
    with pytest.raises(DomainError) as exc:
        services.case_open(
            actor=w.agent, order=w.order, kind="complaint", reason="Rusak saat diambil", on_behalf_of=w.buyer
        )
    assert exc.value.code == "no_consent"
    w.buyer.has_own_phone = False  # consent given at the counter, recorded with what was checked
    w.buyer.save(update_fields=["has_own_phone"])
    grant = acting_for_record_in_person(
        agent=w.agent,
        villager=w.buyer,
        centre=w.centre.organisation,
        purpose=AssistPurpose.AFTERSALES,
        consent_note="KTP dicek, tanda tangan di slip",
    )
    case = services.case_open(
        actor=w.agent, order=w.order, kind="complaint", reason="Rusak saat diambil", on_behalf_of=w.buyer
    )
    assert case.buyer == w.buyer and case.filed_by == w.agent
    opened = CaseEvent.objects.get(case=case, action="opened")
    assert (opened.actor, opened.on_behalf_of) == (w.agent, w.buyer)
    audit = AuditEntry.objects.get(action="aftersales.case_open")
    assert (audit.actor, audit.on_behalf_of, audit.data["acting_for"]) == (w.agent, w.buyer, grant.public_id)
    assert grant.consent_method == ConsentMethod.IN_PERSON


def test_seller_silent_escalates_to_the_centre_then_to_the_platform():
    w = f.delivered_order()
    case = f.open_case(w)
    start = timezone.now()
    with time_machine.travel(start + timedelta(days=2, hours=23), tick=False):
        assert services.cases_deadlines_run() == 0
    with time_machine.travel(start + timedelta(days=3, minutes=1), tick=False):
        services.cases_deadlines_run()
        case.refresh_from_db()
        assert case.status == CaseStatus.ESCALATED_CENTRE
        # Too late for the seller now: the centre decides.
        with pytest.raises(DomainError):
            services.case_answer(actor=w.seller, case=case, remedy=Remedy.REJECT, message="Telat")
    with time_machine.travel(start + timedelta(days=6, minutes=2), tick=False):
        services.cases_deadlines_run()
        case.refresh_from_db()
        assert case.status == CaseStatus.ESCALATED_PLATFORM
        with pytest.raises(DomainError):
            services.case_decide(actor=w.agent, case=case, remedy=Remedy.REJECT, message="Terlambat")
    steps = list(CaseEvent.objects.filter(case=case).values_list("action", "role"))
    assert steps == [("opened", "buyer"), ("escalated", "system"), ("to_platform", "system")]


def test_a_buyer_silent_on_an_offer_gets_it_carried_out():
    w = f.delivered_order()
    case = f.open_case(w)
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REFUND, amount="25000")
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1), tick=False):
        services.cases_deadlines_run()
        services.cases_deadlines_run()  # a second run finds nothing more to do
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.outcome_amount == Decimal("25000")
    assert Order.objects.get(pk=w.order.pk).refunded == Decimal("25000")


def test_an_offer_that_can_no_longer_be_paid_goes_to_the_centre_instead():
    from lumbung.core.money import Money
    from lumbung.orders.services import order_refund
    from lumbung.orders.tests import factories as of

    w = f.delivered_order()
    case = f.open_case(w)
    services.case_answer(actor=w.seller, case=case, remedy=Remedy.REFUND, amount="50000")
    order_refund(
        order=w.order,
        amount=Money(w.order.total - 10000, "IDR"),
        actor=of.staff(),
        reason="x",
        idempotency_key="s",
    )
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1), tick=False):
        services.cases_deadlines_run()
    case.refresh_from_db()
    assert case.status == CaseStatus.ESCALATED_CENTRE
    assert Order.objects.get(pk=w.order.pk).refunded == w.order.total - 10000


def test_no_centre_means_the_platform_mediates():
    w = f.delivered_order(pickup=False)
    w.centre.villages.clear()
    case = f.open_case(w)
    assert case.centre is None
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1), tick=False):
        services.cases_deadlines_run()
    case.refresh_from_db()
    assert case.status == CaseStatus.ESCALATED_PLATFORM
