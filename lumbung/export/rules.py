"""Who may do what at the export desk (registered in ``ExportConfig.ready``).

- ``export.manage_exporter`` (obj: Exporter or Organisation): its owner, BUMDes manager or staff.
- ``export.facilitate`` (obj: ignored): export facilitators (the role held anywhere) and platform admins.
- ``export.view_rfq`` (obj: Rfq): its buyer, facilitators, and exporters invited to it.
- ``export.view_quote`` (obj: Quote): the RFQ's buyer, the quoting exporter's managers, facilitators.
  One BUMDes never sees another's quotes.
- ``export.view_contract`` (obj: Contract): its buyer, the exporter's managers, facilitators.
- ``export.view_pool`` (obj: Pool): the contract's parties, facilitators and the BUMDes's members.
- ``export.inspect`` (obj: ExportLot): quality inspectors who do not work for the exporter.
Superusers pass every rule (``lumbung.core.permissions.can``).
"""

from __future__ import annotations

from lumbung.accounts.models import Membership, Organisation, Role
from lumbung.accounts.selectors import has_role, is_member, is_platform_admin
from lumbung.core.permissions import anonymous_ok, rule

from .models import Contract, Exporter, ExportLot, Pool, Quote, Rfq

MANAGERS = (Role.OWNER, Role.BUMDES_MANAGER, Role.STAFF)


def manages_org(user, organisation) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role__in=MANAGERS, is_active=True, organisation__is_active=True
    ).exists()


def is_facilitator(user) -> bool:
    return has_role(user, Role.EXPORT_FACILITATOR) or is_platform_admin(user)


@rule("export.manage_exporter")
def can_manage_exporter(user, obj) -> bool:
    if isinstance(obj, Exporter):
        obj = obj.organisation
    return isinstance(obj, Organisation) and manages_org(user, obj)


@rule("export.facilitate")
def can_facilitate(user, _obj=None) -> bool:
    return is_facilitator(user)


@rule("export.view_rfq")
def can_view_rfq(user, rfq) -> bool:
    if not isinstance(rfq, Rfq):
        return False
    if rfq.buyer_id == user.pk or is_facilitator(user):
        return True
    orgs = Membership.objects.filter(user=user, role__in=MANAGERS, is_active=True).values("organisation")
    return rfq.invites.filter(exporter__organisation__in=orgs).exists()


@rule("export.view_quote")
def can_view_quote(user, quote) -> bool:
    if not isinstance(quote, Quote):
        return False
    return (
        quote.rfq.buyer_id == user.pk
        or manages_org(user, quote.exporter.organisation)
        or is_facilitator(user)
    )


@rule("export.view_contract")
def can_view_contract(user, contract) -> bool:
    if not isinstance(contract, Contract):
        return False
    return (
        contract.buyer_id == user.pk
        or manages_org(user, contract.exporter.organisation)
        or is_facilitator(user)
    )


@rule("export.view_pool")
def can_view_pool(user, pool) -> bool:
    if not isinstance(pool, Pool):
        return False
    return can_view_contract(user, pool.contract) or is_member(user, pool.exporter.organisation)


@rule("export.pledge")
def can_pledge(user, pool) -> bool:
    """Members of the BUMDes (member producers) pledge to its pools."""
    return isinstance(pool, Pool) and has_role(user, Role.MEMBER, organisation=pool.exporter.organisation)


@rule("export.inspect")
def can_inspect(user, lot) -> bool:
    if not isinstance(lot, ExportLot) or not has_role(user, Role.QUALITY_INSPECTOR):
        return False
    return not manages_org(user, lot.pool.exporter.organisation)


@rule("export.view_provenance")
@anonymous_ok
def can_view_provenance(_user, _obj=None) -> bool:
    return True
