"""Reads of the standards gate: what a product needs, what it holds, what is missing, and the queues.

``gate_evaluate`` is the one place that decides whether a product may be published. The rule:
for EVERY requirement group of the product's category and its ancestors, the shop holds a verified,
unexpired certificate (shop-wide, or for this very product) for ANY one of the group's standards;
OR the product's latest inspection approved it and that approval has not run out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from lumbung.accounts.models import Role
from lumbung.catalog.models import Category, Product, ProductStatus, Shop

from .models import (
    Certificate,
    CertificateStatus,
    Inspection,
    PublicationRequest,
    RequirementGroup,
    Standard,
)

# Why a requirement group is not met, most actionable first.
MISSING = "missing"
PENDING = "pending"
EXPIRED = "expired"
REJECTED = "rejected"


@dataclass(frozen=True)
class MissingStandard:
    """One requirement group the product does not meet, and a sentence saying so to the seller."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    state: str
    message: str
    category: str
    expired_on: date | None = None
    rejection_reason: str = ""
    certificate_public_id: str = ""


@dataclass(frozen=True)
class MetStandard:
    codes: tuple[str, ...]
    names: tuple[str, ...]
    held_code: str
    category: str


@dataclass(frozen=True)
class GateResult:
    product_public_id: str
    publishable: bool
    missing: list[MissingStandard]
    met: list[MetStandard]
    # Standards the product carries today (verified, unexpired, shop-wide or its own): catalog shows them.
    held_codes: list[str]
    approval: Inspection | None = None
    approved_until: date | None = None
    language: str = "id"
    notes: list[str] = field(default_factory=list)

    @property
    def missing_codes(self) -> list[str]:
        return sorted({code for item in self.missing for code in item.codes})

    @property
    def summary(self) -> str:
        """All the reasons in one line (for catalog's ``unpublished_reason``)."""
        return " ".join(item.message for item in self.missing)[:255]


def category_lineage(category_id: int) -> list[int]:
    """The category and its ancestors, nearest first. The tree is small: one query, cycle-safe."""
    parents = dict(Category.objects.values_list("id", "parent_id"))
    lineage: list[int] = []
    current: int | None = category_id
    while current is not None and current not in lineage:
        lineage.append(current)
        current = parents.get(current)
    return lineage


def requirement_groups_for(category_id: int) -> list[RequirementGroup]:
    lineage = category_lineage(category_id)
    groups = list(
        RequirementGroup.objects.filter(category_id__in=lineage)
        .select_related("category")
        .prefetch_related("standards")
    )
    depth = {cid: i for i, cid in enumerate(lineage)}
    # Broadest first (what "food" needs before what "nuts" adds), then as the admin ordered them.
    groups.sort(key=lambda g: (-depth[g.category_id], g.position, g.pk))
    return groups


def _join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _latest(items: list[Certificate], key) -> Certificate:
    return max(items, key=key)


def certificates_for_product(product: Product) -> list[Certificate]:
    return list(
        Certificate.objects.filter(shop_id=product.shop_id)
        .filter(Q(product__isnull=True) | Q(product_id=product.pk))
        .select_related("standard")
    )


def latest_inspection(product: Product) -> Inspection | None:
    return Inspection.objects.filter(product=product).order_by("-at", "-id").first()


def gate_evaluate(product: Product, *, today: date | None = None, language: str | None = None) -> GateResult:
    """Decide whether ``product`` may be published, and say exactly what is missing in ``language``."""
    today = today or timezone.localdate()
    language = language or translation.get_language() or "id"
    certificates = certificates_for_product(product)
    held = sorted({c.standard.code for c in certificates if c.counts(today)})
    inspection = latest_inspection(product)
    approval = inspection if inspection is not None and inspection.approval_stands(today) else None

    missing: list[MissingStandard] = []
    met: list[MetStandard] = []
    with translation.override(language):
        product_name = product.name(language)
        for group in requirement_groups_for(product.category_id):
            standards = [s for s in group.standards.all() if s.is_active]
            if not standards:
                continue  # an admin emptied the group: nothing can satisfy it, so it asks for nothing
            codes = tuple(s.code for s in standards)
            names = tuple(s.name(language) for s in standards)
            category = group.category.name(language)
            held_here = [code for code in codes if code in held]
            if held_here:
                met.append(MetStandard(codes=codes, names=names, held_code=held_here[0], category=category))
                continue
            missing.append(_missing(product_name, codes, names, category, certificates, today))
    return GateResult(
        product_public_id=product.public_id,
        publishable=not missing or approval is not None,
        missing=missing,
        met=met,
        held_codes=held,
        approval=approval,
        approved_until=approval.valid_until if approval else None,
        language=language,
    )


def _missing(
    product_name: str,
    codes: tuple[str, ...],
    names: tuple[str, ...],
    category: str,
    certificates: list[Certificate],
    today: date,
) -> MissingStandard:
    """Why a group is unmet: a certificate waiting for review, one that expired, one rejected, or none."""
    mine = [c for c in certificates if c.standard.code in codes]
    pending = [c for c in mine if c.status == CertificateStatus.SUBMITTED and not c.is_expired(today)]
    expired = [c for c in mine if c.status == CertificateStatus.VERIFIED and c.is_expired(today)]
    rejected = [c for c in mine if c.status == CertificateStatus.REJECTED]
    base = {"codes": codes, "names": names, "category": category}
    if pending:
        cert = _latest(pending, key=lambda c: (c.submitted_at, c.pk))
        message = _(
            "%(standard)s certificate for “%(product)s” is waiting for an inspector to verify it."
        ) % {
            "standard": cert.standard.name(),
            "product": product_name,
        }
        return MissingStandard(state=PENDING, message=message, certificate_public_id=cert.public_id, **base)
    if expired:
        cert = _latest(expired, key=lambda c: (c.expires_on, c.pk))
        message = _("%(standard)s certificate for “%(product)s” expired on %(date)s.") % {
            "standard": cert.standard.name(),
            "product": product_name,
            "date": formats.date_format(cert.expires_on, "DATE_FORMAT"),
        }
        return MissingStandard(
            state=EXPIRED,
            message=message,
            expired_on=cert.expires_on,
            certificate_public_id=cert.public_id,
            **base,
        )
    if rejected:
        cert = _latest(rejected, key=lambda c: (c.verified_at or c.submitted_at, c.pk))
        message = _("%(standard)s certificate for “%(product)s” was rejected: %(reason)s") % {
            "standard": cert.standard.name(),
            "product": product_name,
            "reason": cert.rejection_reason,
        }
        return MissingStandard(
            state=REJECTED,
            message=message,
            rejection_reason=cert.rejection_reason,
            certificate_public_id=cert.public_id,
            **base,
        )
    message = _("%(standards)s certificate for “%(product)s” is missing.") % {
        "standards": _join_names(list(names)),
        "product": product_name,
    }
    return MissingStandard(state=MISSING, message=message, **base)


# --- lists ---------------------------------------------------------------------------------------


def standards_active() -> QuerySet[Standard]:
    return Standard.objects.filter(is_active=True).order_by("position", "code")


def standard_by_code(code: str) -> Standard | None:
    return Standard.objects.filter(code=code, is_active=True).first()


def shops_managed_by(user) -> QuerySet[Shop]:
    """Shops where the user is owner or staff (the people who may submit certificates)."""
    if user is None or not user.is_authenticated:
        return Shop.objects.none()
    return (
        Shop.objects.filter(
            organisation__memberships__user=user,
            organisation__memberships__role__in=[Role.OWNER, Role.STAFF],
            organisation__memberships__is_active=True,
        )
        .select_related("organisation")
        .distinct()
        .order_by("name")
    )


def certificates_of_user(user) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(shop__in=shops_managed_by(user))
        .select_related("standard", "shop", "product", "product__shop")
        .order_by("-submitted_at", "-id")
    )


def certificate_by_public_id(public_id: str) -> Certificate | None:
    return (
        Certificate.objects.select_related(
            "standard", "shop", "shop__organisation", "product", "product__shop"
        )
        .filter(public_id=public_id)
        .first()
    )


def certificates_to_verify() -> QuerySet[Certificate]:
    """The inspectors' queue: submitted certificates, oldest first."""
    return (
        Certificate.objects.filter(status=CertificateStatus.SUBMITTED)
        .select_related("standard", "shop", "product", "product__shop")
        .order_by("submitted_at", "id")
    )


def products_of_user(user) -> QuerySet[Product]:
    return (
        Product.objects.filter(shop__in=shops_managed_by(user))
        .exclude(status=ProductStatus.ARCHIVED)
        .select_related("shop", "category")
        .order_by("shop__name", "-id")
    )


def products_awaiting_inspection() -> QuerySet[Product]:
    """Products whose seller asked for publication, that the gate has not let through, and that no
    inspector has looked at since that request. Oldest request first."""
    last_request = (
        PublicationRequest.objects.filter(product=OuterRef("pk"))
        .order_by("-requested_at", "-id")
        .values("requested_at")
    )
    inspected_since = Inspection.objects.filter(product=OuterRef("pk"), at__gte=OuterRef("requested_at"))
    return (
        Product.objects.filter(status=ProductStatus.PENDING, is_published=False)
        .annotate(requested_at=Subquery(last_request[:1]))
        .filter(requested_at__isnull=False)
        .annotate(inspected=Exists(inspected_since))
        .filter(inspected=False)
        .select_related("shop", "category")
        .order_by("requested_at", "id")
    )


def product_by_public_id(public_id: str) -> Product | None:
    return (
        Product.objects.select_related("shop", "shop__organisation", "category")
        .filter(public_id=public_id)
        .first()
    )


def inspections_of_product(product: Product) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(product=product)
        .select_related("inspector")
        .prefetch_related("photos")
        .order_by("-at", "-id")
    )


def inspection_by_public_id(public_id: str) -> Inspection | None:
    return (
        Inspection.objects.select_related("product", "product__shop", "inspector")
        .prefetch_related("photos")
        .filter(public_id=public_id)
        .first()
    )


def inspections_visible_to(user, *, reviewer: bool) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("product", "product__shop", "inspector").prefetch_related("photos")
    if reviewer:
        return qs.order_by("-at", "-id")
    return qs.filter(product__shop__in=shops_managed_by(user)).order_by("-at", "-id")


def products_affected_by(certificate: Certificate) -> QuerySet[Product]:
    """The products a certificate can change the gate for: its product, or every product of its shop."""
    if certificate.product_id:
        return Product.objects.filter(pk=certificate.product_id)
    return Product.objects.filter(shop_id=certificate.shop_id).exclude(status=ProductStatus.ARCHIVED)


def certificates_newly_expired(today: date | None = None) -> QuerySet[Certificate]:
    """Verified certificates past their expiry date that the daily job has not handled yet."""
    today = today or timezone.localdate()
    return (
        Certificate.objects.filter(
            status=CertificateStatus.VERIFIED, expires_on__lt=today, expiry_handled_at__isnull=True
        )
        .select_related("standard", "shop", "shop__organisation", "product")
        .order_by("expires_on", "id")
    )
