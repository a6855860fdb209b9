"""Reads for the export desk: exporters and their certificates, matching, what each party may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from lumbung.accounts.models import Membership
from lumbung.quality.models import Certificate, CertificateStatus

from .models import Contract, Exporter, ExporterStatus, HsCode, Quote, Rfq

MANAGER_ROLES = ("owner", "bumdes_manager", "staff")


def hs_codes() -> QuerySet[HsCode]:
    return HsCode.objects.filter(is_active=True).order_by("code")


def hs_code_by_code(code: str) -> HsCode | None:
    return HsCode.objects.filter(code=code, is_active=True).first()


def exporter_certificates(exporter: Exporter) -> QuerySet[Certificate]:
    """Verified, unexpired certificates of the exporter organisation's shop (none without a shop)."""
    today = timezone.localdate()
    return (
        Certificate.objects.filter(
            shop__organisation_id=exporter.organisation_id, status=CertificateStatus.VERIFIED
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .select_related("standard")
        .order_by("standard__code")
    )


def exporter_by_public_id(public_id: str) -> Exporter | None:
    return (
        Exporter.objects.select_related("organisation__village")
        .prefetch_related("products__hs_code")
        .filter(public_id=public_id)
        .first()
    )


def exporters_all() -> QuerySet[Exporter]:
    return Exporter.objects.select_related("organisation__village").prefetch_related("products__hs_code")


def exporters_managed_by(user) -> QuerySet[Exporter]:
    orgs = Membership.objects.filter(user=user, role__in=MANAGER_ROLES, is_active=True).values("organisation")
    return exporters_all().filter(organisation__in=orgs)


def exporters_of_member(user) -> QuerySet[Exporter]:
    orgs = Membership.objects.filter(user=user, is_active=True).values("organisation")
    return exporters_all().filter(organisation__in=orgs)


def exporters_matching(rfq: Rfq) -> list[Exporter]:
    """Verified exporters offering the RFQ's HS code, enough monthly capacity first, then certificates.

    Suggestions are ranked: capacity covering the RFQ's quantity within its lead time (months until the
    target date, at least one), then certificates held, then the readiness score.
    """
    candidates = (
        exporters_all()
        .filter(status=ExporterStatus.VERIFIED, products__hs_code=rfq.hs_code, organisation__is_active=True)
        .distinct()
    )
    months = max(1, (rfq.target_date - timezone.localdate()).days // 30)
    ranked = []
    for exporter in candidates:
        capacity = sum(
            (p.monthly_capacity_kg for p in exporter.products.all() if p.hs_code_id == rfq.hs_code_id),
            start=0,
        )
        enough = capacity * months >= rfq.quantity_kg
        certificates = exporter_certificates(exporter).count()
        ranked.append((not enough, -certificates, -(exporter.readiness_score or 0), exporter.pk, exporter))
    ranked.sort(key=lambda row: row[:4])
    return [row[-1] for row in ranked]


def exporters_invitable(rfq: Rfq) -> list[tuple[Exporter, bool]]:
    """Verified exporters not yet invited to ``rfq``: the suggested ones (offering its HS code, ranked
    as matching ranks them) first, then the other verified exporters by name. Each with ``suggested``."""
    invited = set(rfq.invites.values_list("exporter_id", flat=True))
    suggested = [e for e in exporters_matching(rfq) if e.pk not in invited]
    taken = invited | {e.pk for e in suggested}
    others = (
        exporters_all()
        .filter(status=ExporterStatus.VERIFIED, organisation__is_active=True)
        .exclude(pk__in=taken)
        .order_by("organisation__name")
    )
    return [(e, True) for e in suggested] + [(e, False) for e in others]


def rfqs_for_buyer(user) -> QuerySet[Rfq]:
    return Rfq.objects.filter(buyer=user).select_related("hs_code")


def rfqs_for_exporter(exporter: Exporter) -> QuerySet[Rfq]:
    return Rfq.objects.filter(invites__exporter=exporter).select_related("hs_code").distinct()


def rfq_by_public_id(public_id: str) -> Rfq | None:
    return Rfq.objects.select_related("hs_code", "buyer").filter(public_id=public_id).first()


def quotes_visible(user, rfq: Rfq) -> QuerySet[Quote]:
    """The buyer and facilitators see every quote; an exporter's managers only their own."""
    from .rules import is_facilitator

    qs = Quote.objects.filter(rfq=rfq).select_related("exporter__organisation").prefetch_related("tiers")
    if rfq.buyer_id == user.pk or is_facilitator(user):
        return qs
    orgs = Membership.objects.filter(user=user, role__in=MANAGER_ROLES, is_active=True).values("organisation")
    return qs.filter(exporter__organisation__in=orgs)


def quote_by_public_id(public_id: str) -> Quote | None:
    return (
        Quote.objects.select_related("rfq", "exporter__organisation")
        .prefetch_related("tiers")
        .filter(public_id=public_id)
        .first()
    )


def contract_by_public_id(public_id: str) -> Contract | None:
    return (
        Contract.objects.select_related("exporter__organisation__village", "hs_code", "buyer", "rfq")
        .filter(public_id=public_id)
        .first()
    )


def contracts_visible(user) -> QuerySet[Contract]:
    from .rules import is_facilitator

    qs = Contract.objects.select_related("exporter__organisation", "hs_code")
    if is_facilitator(user):
        return qs
    orgs = Membership.objects.filter(user=user, role__in=MANAGER_ROLES, is_active=True).values("organisation")
    return qs.filter(Q(buyer=user) | Q(exporter__organisation__in=orgs))
