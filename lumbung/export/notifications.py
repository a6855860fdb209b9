"""SMS about the export desk, queued through notify's outbox in each recipient's own language.

Call these inside the transaction of the event they report (the services do): the outbox row
commits, or rolls back, with the event. A user without a phone of their own gets nothing here.

- an exporter invited to an RFQ (by matching or by a facilitator): the BUMDes's managers;
- a quote arrives: the buyer;
- a quote accepted or countered: the exporter's managers;
- each contract milestone: the BUMDes's managers.
"""

from __future__ import annotations

from django.utils import timezone

from lumbung.accounts.models import NO_PHONE_PREFIX, Membership, Role
from lumbung.notify.services import message_queue

MANAGER_ROLES = (Role.OWNER, Role.BUMDES_MANAGER)


def _reachable(user) -> bool:
    return bool(user and user.is_active and user.phone and not user.phone.startswith(NO_PHONE_PREFIX))


def _send(user, template: str, context: dict) -> None:
    if _reachable(user):
        message_queue(to=user.phone, template=template, context=context, language=user.language or "id")


def _managers(organisation_id: int) -> list:
    rows = Membership.objects.filter(
        organisation_id=organisation_id, role__in=MANAGER_ROLES, is_active=True
    ).select_related("user")
    seen, users = set(), []
    for row in rows:
        if row.user_id not in seen:
            seen.add(row.user_id)
            users.append(row.user)
    return users


def rfq_invited(*, rfq, exporter) -> None:
    context = {
        "product": rfq.product,
        "quantity": rfq.quantity,
        "unit": rfq.unit,
        "country": rfq.destination_country,
        "rfq": rfq.public_id,
        "deadline": timezone.localtime(rfq.deadline).strftime("%Y-%m-%d %H:%M"),
    }
    for user in _managers(exporter.organisation_id):
        _send(user, "export_rfq_invited", context)


def quote_received(*, quote) -> None:
    rfq = quote.rfq
    context = {"product": rfq.product, "exporter": quote.exporter.organisation.name, "rfq": rfq.public_id}
    _send(rfq.buyer, "export_quote_received", context)


def quote_answered(*, quote, event: str, price=None) -> None:
    """``event`` is "accepted" (a contract was signed) or "countered" (the buyer's counter-offer)."""
    context = {
        "event": event,
        "product": quote.rfq.product,
        "currency": quote.currency,
        "price": price if price is not None else "",
        "rfq": quote.rfq.public_id,
    }
    for user in _managers(quote.exporter.organisation_id):
        _send(user, "export_quote_answered", context)


def milestone_reached(*, contract, milestone) -> None:
    context = {"kind": milestone.kind, "contract": contract.code, "reference": milestone.reference}
    for user in _managers(contract.exporter.organisation_id):
        _send(user, "export_milestone", context)
