"""Test data for the export desk: BUMDes with managers and members, verified exporters, buyers,
facilitators, inspectors, RFQs and quotes built through the real services."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from lumbung.accounts.models import Membership, OrganisationKind, Role
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.export.models import Exporter, ExporterStatus
from lumbung.export.services import profiles
from lumbung.regions.tests.factories import village

_seq = itertools.count(1)
NPWP = "01.234.567.8-901.000"


def bumdes(*, name: str = "", village_=None, kind=OrganisationKind.BUMDES):
    """A BUMDes and its manager."""
    organisation = OrganisationFactory(
        kind=kind, name=name or f"BUMDes Uji {next(_seq)}", village=village_ or village(province="53")
    )
    manager = UserFactory()
    Membership.objects.create(user=manager, organisation=organisation, role=Role.BUMDES_MANAGER)
    return organisation, manager


def member(organisation, **fields):
    user = UserFactory(**fields)
    Membership.objects.create(user=user, organisation=organisation, role=Role.MEMBER)
    return user


def facilitator(**fields):
    user = UserFactory(**fields)
    desk = OrganisationFactory(kind=OrganisationKind.TRADE_DESK)
    Membership.objects.create(user=user, organisation=desk, role=Role.EXPORT_FACILITATOR)
    return user


def inspector(**fields):
    user = UserFactory(**fields)
    desk = OrganisationFactory(kind=OrganisationKind.TRADE_DESK)
    Membership.objects.create(user=user, organisation=desk, role=Role.QUALITY_INSPECTOR)
    return user


def buyer(**fields):
    fields.setdefault("language", "en")
    return UserFactory(**fields)


def exporter(
    *,
    name: str = "",
    hs: tuple[str, ...] = ("1212.99",),
    capacity: str = "3000",
    verified: bool = True,
    languages=("id", "en"),
) -> tuple[Exporter, object]:
    """A registered (and by default verified) exporter and its manager."""
    hs_codes_reseed()
    organisation, manager = bumdes(name=name)
    row = profiles.exporter_register(
        actor=manager,
        organisation=organisation,
        nib=f"{9120000000000 + next(_seq)}",
        npwp=NPWP,
        monthly_capacity_kg=capacity,
        languages=list(languages),
        products=[
            {"hs_code": code, "name": f"Produk {code}", "monthly_capacity_kg": capacity} for code in hs
        ],
    )
    if verified:
        Exporter.objects.filter(pk=row.pk).update(
            status=ExporterStatus.VERIFIED, readiness_score=80, verified_at=timezone.now()
        )
        row.refresh_from_db()
    return row, manager


def hs_codes_reseed() -> None:
    """A transactional test flushes tables, data migrations included: put the HS table back."""
    from lumbung.export.hs_codes import HS_CODES
    from lumbung.export.models import HsCode

    if HsCode.objects.exists():
        return
    HsCode.objects.bulk_create(
        [
            HsCode(code=code, chapter=code[:2], description_id=d_id, description_en=d_en, description_zh=d_zh)
            for code, d_id, d_en, d_zh in HS_CODES
        ]
    )


def days(n: int):
    return timezone.localdate() + timedelta(days=n)


def kg(value) -> Decimal:
    return Decimal(str(value))


def rfq(
    *, buyer_=None, hs_code: str = "1212.99", quantity="2", unit="t", currency="USD", max_quotes=5, **extra
):
    from lumbung.export.services import trade

    data = {
        "buyer": buyer_ or buyer(),
        "buyer_company": "Hong Kong Wellness Trading Ltd",
        "product": "Moringa leaf powder",
        "hs_code": hs_code,
        "spec": "Mesh 80, moisture below 8%",
        "quantity": quantity,
        "unit": unit,
        "destination_country": "HK",
        "destination_port": "Hong Kong",
        "incoterm": "CIF",
        "target_date": days(60),
        "currency": currency,
        "deadline": timezone.now() + timedelta(days=7),
        "max_quotes": max_quotes,
    }
    data.update(extra)
    return trade.rfq_post(**data)


def quote(rfq_, exporter_, manager, **extra):
    from lumbung.export.services import trade

    data = {
        "currency": rfq_.currency,
        "tiers": [{"min_quantity": "1", "unit_price": "6200"}, {"min_quantity": "2", "unit_price": "5900"}],
        "moq": "1",
        "incoterm": "CIF",
        "named_port": "Hong Kong",
        "lead_time_days": 30,
        "valid_until": days(20),
        "deposit_percent": 30,
        "payment_terms": "30% deposit, 70% against documents",
        "packaging": "25 kg kraft bags with PE liner",
    }
    data.update(extra)
    return trade.quote_submit(actor=manager, rfq=rfq_, exporter=exporter_, **data)


def contract(
    *, exporter_=None, manager=None, quantity="2", unit="t", tolerance="5", grades=None, **rfq_extra
):
    """A signed contract for moringa leaf powder to Hong Kong (2 t CIF by default)."""
    from lumbung.export.services import trade

    if exporter_ is None:
        exporter_, manager = exporter()
    row = rfq(quantity=quantity, unit=unit, **rfq_extra)
    trade.rfq_invite(actor=facilitator(), rfq=row, exporter=exporter_) if not row.invites.filter(
        exporter=exporter_
    ).exists() else None
    q = quote(row, exporter_, manager)
    return (
        trade.quote_accept(
            buyer=row.buyer,
            quote=q,
            currency=row.currency,
            tolerance_percent=tolerance,
            allowed_grades=grades or ["A", "EXPORT_PREMIUM"],
        ),
        manager,
    )


def fund_exporter(contract_, amount: int):
    """Put rupiah in the exporter's payable, as the release of the buyer's money would."""
    from lumbung.core.money import Money
    from lumbung.export import accounts
    from lumbung.ledger.services import Line, account_get_or_create, entry_post

    code = accounts.payable_exporter(contract_.exporter.organisation.public_id)
    account_get_or_create(code=code, currency="IDR")
    account_get_or_create(code="equity:opening:IDR", currency="IDR")
    money = Money(amount, "IDR")
    entry_post(
        kind="test.fund", reference="test", lines=[Line("equity:opening:IDR", money), Line(code, -money)]
    )


def png_upload(name="lot.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 140, 60)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_upload(name="doc.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lumbung.quality.tests.factories import PDF

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def pooled_contract(*, producers: int = 3, weight="40", quantity=None, **kw):
    """A contract with its deposit paid, a closed pool of ``producers`` deliveries and one lot."""
    from datetime import timedelta as td

    from lumbung.export.services import pooling, shipping

    quantity = quantity or str(Decimal(weight) * producers)
    c, manager = contract(quantity=quantity, unit="kg", **kw)
    desk = facilitator()
    shipping.deposit_record(actor=desk, contract=c, amount=c.deposit_money, bank_reference="TT-DEP-1")
    pool = pooling.pool_open(actor=manager, contract=c, grade_prices={"A": "42000"})
    org = c.exporter.organisation
    deliveries = [
        pooling.delivery_record(
            actor=manager,
            pool=pool,
            producer=member(org),
            weight_kg=weight,
            grade="A",
            harvested_on=timezone.localdate() - td(days=5),
            packed_on=timezone.localdate() - td(days=2),
        )
        for _ in range(producers)
    ]
    pooling.pool_close(actor=manager, pool=pool)
    lot = pooling.lot_assemble(
        actor=manager, pool=pool, deliveries=deliveries, packages=producers, gross_kg="125", marks="LMB/HK/1"
    )
    c.refresh_from_db()
    return c, manager, desk, pool, lot
