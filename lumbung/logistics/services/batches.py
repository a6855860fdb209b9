"""Batches: a centre gathers accepted parcels for one carrier and destination hub, closes the
manifest, and the carrier's courier confirms the handover (by scanning the batch or logging in).

``open → closed → handed_over`` (``status.BATCH_TRANSITIONS``; a closed batch may be reopened
until the courier takes it). Closing books a shipment per parcel with the carrier's adapter after
the transaction commits (never while holding locks). The handover moves every parcel to
``handed_to_carrier``; confirming it twice changes nothing and says so.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lumbung.core import audit
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.core.permissions import require

from ..models import Batch, BatchStatus, Carrier, Parcel
from ..rules import is_courier_of
from ..status import P, batch_can_move
from .parcels import parcel_set_status

log = logging.getLogger(__name__)


class IllegalBatchMove(Conflict):
    code = "illegal_batch_move"
    default_message = _("The batch cannot do that in its current state.")


@dataclass(frozen=True)
class HandoverResult:
    batch: Batch
    already_done: bool
    message: str


def batch_lock(batch: Batch) -> Batch:
    return Batch.objects.select_for_update().select_related("carrier").get(pk=batch.pk)


def _move(batch: Batch, to: str) -> None:
    if not batch_can_move(batch.status, to):
        raise IllegalBatchMove(
            _("The batch is “%(current)s”; it cannot become “%(to)s”.")
            % {"current": BatchStatus(batch.status).label, "to": BatchStatus(to).label},
            details={"from": batch.status, "to": to, "batch": batch.code},
        )
    batch.status = to


def _area_holds(area, village) -> bool:
    """Is ``village`` inside ``area`` (a regency, province or district hub)?"""
    if area is None:
        return True
    return area.code in {village.code, village.province_code, village.regency_code, village.district_code}


@transaction.atomic
def batch_create(*, origin_centre, carrier: Carrier, actor, destination_area=None) -> Batch:
    require(actor, "logistics.manage_batches", origin_centre)
    if not carrier.is_active:
        raise ValidationFailed(_("That carrier is not active."), details={"field": "carrier"})
    if destination_area is not None and destination_area.level > 3:
        raise ValidationFailed(
            _("A hub is a district, regency or province, not a village."),
            details={"field": "destination_area"},
        )
    batch = Batch.objects.create(
        origin_centre=origin_centre, carrier=carrier, destination_area=destination_area, created_by=actor
    )
    audit.record("logistics.batch_create", actor=actor, obj=batch, data={"carrier": carrier.public_id})
    return batch


@transaction.atomic
def batch_add_parcels(*, batch: Batch, parcels: list[Parcel], actor) -> Batch:
    """Put accepted parcels of the batch's centre (bound for its hub) into an open batch."""
    require(actor, "logistics.manage_batches", batch)
    batch = batch_lock(batch)
    if batch.status != BatchStatus.OPEN:
        raise IllegalBatchMove(_("Only an open batch takes parcels."), details={"batch": batch.code})
    if not parcels:
        raise ValidationFailed(_("Choose at least one parcel."), details={"field": "parcels"})
    locked = list(
        Parcel.objects.select_for_update()
        .select_related("recipient_village")
        .filter(pk__in=[p.pk for p in parcels])
        .order_by("pk")
    )
    for parcel in locked:
        if parcel.origin_centre_id != batch.origin_centre_id:
            raise ValidationFailed(
                _("Parcel %(code)s belongs to another centre.") % {"code": parcel.code},
                details={"field": "parcels", "parcel": parcel.code},
            )
        if parcel.status != P.ACCEPTED_AT_CENTRE:
            raise ValidationFailed(
                _("Parcel %(code)s is not waiting at the counter.") % {"code": parcel.code},
                details={"field": "parcels", "parcel": parcel.code, "status": parcel.status},
            )
        if not _area_holds(batch.destination_area, parcel.recipient_village):
            raise ValidationFailed(
                _("Parcel %(code)s goes elsewhere than this batch's hub.") % {"code": parcel.code},
                details={"field": "parcels", "parcel": parcel.code},
            )
    for parcel in locked:
        parcel.batch = batch
        parcel.save(update_fields=["batch"])
        parcel_set_status(
            parcel=parcel,
            to=P.BATCHED,
            actor=actor,
            source="centre",
            reason=str(_("Added to batch %(code)s") % {"code": batch.code}),
        )
    return batch


@transaction.atomic
def batch_remove_parcel(*, batch: Batch, parcel: Parcel, actor) -> Batch:
    require(actor, "logistics.manage_batches", batch)
    batch = batch_lock(batch)
    if batch.status != BatchStatus.OPEN:
        raise IllegalBatchMove(
            _("Reopen the batch before taking parcels out."), details={"batch": batch.code}
        )
    parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if parcel.batch_id != batch.pk:
        raise ValidationFailed(_("That parcel is not in this batch."), details={"field": "parcel"})
    parcel.batch = None
    parcel.save(update_fields=["batch"])
    parcel_set_status(
        parcel=parcel,
        to=P.ACCEPTED_AT_CENTRE,
        actor=actor,
        source="centre",
        reason=str(_("Taken out of batch %(code)s") % {"code": batch.code}),
    )
    return batch


@transaction.atomic
def batch_close(*, batch: Batch, actor, book_shipments: bool = True) -> Batch:
    """Freeze the manifest. Shipments are booked with the carrier once this commits."""
    require(actor, "logistics.manage_batches", batch)
    batch = batch_lock(batch)
    _move(batch, BatchStatus.CLOSED)
    if not batch.parcels.exists():
        raise ValidationFailed(_("An empty batch cannot be closed."), details={"batch": batch.code})
    batch.closed_at, batch.closed_by = timezone.now(), actor
    batch.save(update_fields=["status", "closed_at", "closed_by"])
    audit.record("logistics.batch_close", actor=actor, obj=batch, data={"parcels": batch.parcels.count()})
    if book_shipments and batch.carrier.adapter == Carrier.Adapter.BITESHIP:
        transaction.on_commit(functools.partial(_book_after_commit, batch.pk))
    return batch


def _book_after_commit(batch_pk: int) -> None:
    from .shipments import batch_book_shipments

    try:
        batch_book_shipments(batch=Batch.objects.get(pk=batch_pk))
    except Exception:  # the periodic job books what is left; the close itself stands
        log.exception("booking shipments for batch %s failed", batch_pk)


@transaction.atomic
def batch_reopen(*, batch: Batch, actor) -> Batch:
    require(actor, "logistics.manage_batches", batch)
    batch = batch_lock(batch)
    _move(batch, BatchStatus.OPEN)
    batch.closed_at, batch.closed_by = None, None
    batch.save(update_fields=["status", "closed_at", "closed_by"])
    return batch


@transaction.atomic
def batch_hand_over(*, batch: Batch, courier) -> HandoverResult:
    """The carrier's courier confirms taking the batch. Twice is a no-op with a clear message."""
    batch = batch_lock(batch)
    if not is_courier_of(courier, batch.carrier):
        # Only the carrier's own courier can say the carrier has it; not even platform staff.
        raise Forbidden(
            _("Only a courier of %(carrier)s can confirm this handover.") % {"carrier": batch.carrier.name}
        )
    if batch.status == BatchStatus.HANDED_OVER:
        who = batch.handed_over_to.name if batch.handed_over_to else "?"
        when = date_format(timezone.localtime(batch.handed_over_at), "DATETIME_FORMAT")
        return HandoverResult(
            batch=batch,
            already_done=True,
            message=str(
                _("Batch %(code)s was already handed over to %(who)s on %(when)s. Nothing changed.")
                % {"code": batch.code, "who": who, "when": when}
            ),
        )
    if batch.status == BatchStatus.OPEN:
        raise IllegalBatchMove(
            _("The centre has not closed batch %(code)s yet.") % {"code": batch.code},
            details={"batch": batch.code},
        )
    _move(batch, BatchStatus.HANDED_OVER)
    batch.handed_over_at, batch.handed_over_to = timezone.now(), courier
    batch.save(update_fields=["status", "handed_over_at", "handed_over_to"])
    parcels = list(batch.parcels.select_for_update().order_by("pk"))
    for parcel in parcels:
        if parcel.status == P.BATCHED:
            parcel_set_status(
                parcel=parcel,
                to=P.HANDED_TO_CARRIER,
                actor=courier,
                source="courier",
                reason=str(_("Batch %(code)s handed over") % {"code": batch.code}),
            )
    audit.record("logistics.batch_hand_over", actor=courier, obj=batch, data={"parcels": len(parcels)})
    return HandoverResult(
        batch=batch,
        already_done=False,
        message=str(
            _("Batch %(code)s handed over: %(count)s parcels.") % {"code": batch.code, "count": len(parcels)}
        ),
    )
