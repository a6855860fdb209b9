"""Permission rules owned by logistics (registered at start-up by ``apps.LogisticsConfig.ready``).

- An agent (``Role.CENTRE_AGENT``) sees and handles the parcels and batches of its own centre: the
  parcel's origin centre, or its destination centre for the last mile (ready for pickup,
  collected, door delivery by the centre).
- A courier (``Role.COURIER`` in the carrier's organisation) sees its carrier's batches and the
  parcels in them, and confirms handovers.
- Platform admins may do everything (superusers through ``core.permissions``; the
  ``platform_admin`` role here).
- Anyone may track a parcel by its code (``selectors.parcel_public_tracking``), which shows no
  names, phones or addresses.
"""

from __future__ import annotations

from lumbung.accounts.models import Role
from lumbung.accounts.selectors import has_role, is_platform_admin
from lumbung.core.permissions import rule


def is_agent_of(user, organisation) -> bool:
    return organisation is not None and has_role(user, Role.CENTRE_AGENT, organisation=organisation)


def is_courier_of(user, carrier) -> bool:
    return carrier is not None and has_role(user, Role.COURIER, organisation=carrier.organisation)


def _parcel_carrier(parcel):
    return parcel.batch.carrier if parcel.batch_id else None


@rule("logistics.view_parcel")
def can_view_parcel(user, parcel) -> bool:
    if parcel is None:
        return False
    return (
        is_platform_admin(user)
        or is_agent_of(user, parcel.origin_centre)
        or is_agent_of(user, parcel.destination_centre)
        or is_courier_of(user, _parcel_carrier(parcel))
    )


@rule("logistics.handle_parcel")
def can_handle_parcel(user, parcel) -> bool:
    """Intake, labels, batching: the origin centre's agents."""
    return parcel is not None and (is_platform_admin(user) or is_agent_of(user, parcel.origin_centre))


@rule("logistics.deliver_parcel")
def can_deliver_parcel(user, parcel) -> bool:
    """The last mile: the destination centre's agents (or the origin's when no other centre is set)."""
    if parcel is None:
        return False
    centre = parcel.destination_centre or parcel.origin_centre
    return is_platform_admin(user) or is_agent_of(user, centre)


@rule("logistics.manage_batches")
def can_manage_batches(user, centre) -> bool:
    """``centre`` is the centre's organisation (for creating) or a batch (for changing one)."""
    organisation = getattr(centre, "origin_centre", centre)
    return organisation is not None and (is_platform_admin(user) or is_agent_of(user, organisation))


@rule("logistics.view_batch")
def can_view_batch(user, batch) -> bool:
    if batch is None:
        return False
    return (
        is_platform_admin(user)
        or is_agent_of(user, batch.origin_centre)
        or is_courier_of(user, batch.carrier)
    )


@rule("logistics.hand_over_batch")
def can_hand_over_batch(user, batch) -> bool:
    """Only a courier of the batch's carrier confirms it took the batch (not even an admin)."""
    return batch is not None and is_courier_of(user, batch.carrier)


@rule("logistics.quote_carriers")
def can_quote_carriers(user, obj=None) -> bool:
    """Asking carriers for prices costs API calls: any logged-in user."""
    return True
