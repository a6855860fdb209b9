"""Demo hook: the moringa story, with one contract at each milestone (called by the lead's demo).

    from lumbung.export.demo import demo_moringa
    story = demo_moringa(village=oebelo)   # a regions.Area of level village

BUMDes Kelor Oebelo (verified exporter of moringa leaf powder, HS 1212.99) and a second BUMDes both
quote on a Hong Kong buyer's RFQ for 2 t CIF Hong Kong in USD; Oebelo's quote is accepted and 40
member producers deliver 50 kg each. Smaller contracts stand at every other milestone, so each page
has something to show. Everything goes through the real services (ledger, quality, payments FX).
Calling it again returns the story already there.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from lumbung.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from lumbung.payments.models import FxRate
from lumbung.payments.services.fx import fx_rate_enter

from .models import Contract, Exporter, MilestoneKind
from .services import pooling, profiles, shipping, trade

STAGES = [
    "awaiting_deposit",
    MilestoneKind.DEPOSIT_PAID,
    MilestoneKind.POOLING_COMPLETE,
    MilestoneKind.INSPECTION_PASSED,
    MilestoneKind.DOCUMENTS_READY,
    MilestoneKind.SHIPPED,
    MilestoneKind.ARRIVED,
    MilestoneKind.BALANCE_RELEASED,
]
FIRST_NAMES = [
    "Maria", "Yohanes", "Agustina", "Petrus", "Martha", "Yakobus", "Ester", "Daniel", "Rut", "Simon",
    "Debora", "Paulus", "Naomi", "Markus", "Elisabet", "Lukas", "Sara", "Matius", "Hana", "Andreas",
]  # fmt: skip


def _user(phone: str, name: str, language: str = "id", village=None) -> User:
    user = User.objects.filter(phone=phone).first()
    return user or User.objects.create_user(phone, name=name, language=language, village=village)


def _role(user: User, organisation: Organisation, role: str) -> None:
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (86, 130, 60)).save(out, format="PNG")
    return SimpleUploadedFile("lot.png", out.getvalue(), content_type="image/png")


def _pdf() -> SimpleUploadedFile:
    data = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile("doc.pdf", data, content_type="application/pdf")


def _exporter(name: str, village, manager: User, facilitator: User, nib: str) -> Exporter:
    org, _ = Organisation.objects.get_or_create(
        name=name, kind=OrganisationKind.BUMDES, defaults={"village": village}
    )
    _role(manager, org, Role.BUMDES_MANAGER)
    exporter = Exporter.objects.filter(organisation=org).first()
    if exporter is None:
        exporter = profiles.exporter_register(
            actor=manager,
            organisation=org,
            nib=nib,
            npwp="01.234.567.8-901.000",
            monthly_capacity_kg="3000",
            languages=["id", "en"],
            products=[
                {"hs_code": "1212.99", "name": "Tepung daun kelor", "monthly_capacity_kg": "2500"},
                {"hs_code": "1211.90", "name": "Daun kelor kering", "monthly_capacity_kg": "1500"},
            ],
        )
        profiles.verification_record(
            actor=facilitator,
            exporter=exporter,
            documents_checked=["nib", "npwp", "deed", "bank_account"],
            visited_on=timezone.localdate() - timedelta(days=10),
            visit_notes="Rumah pengering tenaga surya, gudang kering, timbangan terkalibrasi.",
            facility_ok=True,
        )
    return exporter


def _contract(*, buyer, exporter, manager, rival=None, quantity_kg: Decimal, product: str) -> Contract:
    rfq = trade.rfq_post(
        buyer=buyer,
        buyer_company="Harbour Wellness Trading Ltd, Hong Kong",
        product=product,
        hs_code="1212.99",
        spec="Mesh 80, moisture below 8%, green colour, no additives",
        quantity=quantity_kg / 1000,
        unit="t",
        destination_country="HK",
        destination_port="Hong Kong (Kwai Tsing)",
        incoterm="CIF",
        target_date=timezone.localdate() + timedelta(days=75),
        currency="USD",
        deadline=timezone.now() + timedelta(days=7),
        max_quotes=5,
    )
    common = {
        "currency": "USD",
        "incoterm": "CIF",
        "named_port": "Hong Kong",
        "lead_time_days": 30,
        "valid_until": timezone.localdate() + timedelta(days=21),
        "deposit_percent": 30,
        "payment_terms": "30% deposit, 70% against documents",
        "packaging": "25 kg kraft bags with food-grade PE liner",
    }
    quote = trade.quote_submit(
        actor=manager,
        rfq=rfq,
        exporter=exporter,
        tiers=[{"min_quantity": "0.1", "unit_price": "6400"}, {"min_quantity": "1", "unit_price": "5900"}],
        moq="0.1",
        **common,
    )
    if rival is not None:
        trade.quote_submit(
            actor=rival[1],
            rfq=rfq,
            exporter=rival[0],
            tiers=[{"min_quantity": "1", "unit_price": "6100"}],
            moq="1",
            **common,
        )
    return trade.quote_accept(buyer=buyer, quote=quote, currency="USD", tolerance_percent="5")


def _advance(contract: Contract, stage: str, *, manager, facilitator, inspector, producers) -> None:
    target = STAGES.index(stage)
    if target >= 1:
        shipping.deposit_record(
            actor=facilitator,
            contract=contract,
            amount=contract.deposit_money,
            bank_reference=f"TT-{contract.code}-D",
        )
    if target < 2:
        return
    pool = pooling.pool_open(
        actor=manager, contract=contract, grade_prices={"A": "45000", "EXPORT_PREMIUM": "52000"}
    )
    each = (contract.quantity_kg / len(producers)).quantize(Decimal("0.001"))
    today = timezone.localdate()
    deliveries = []
    for i, producer in enumerate(producers):
        pooling.pledge_make(producer=producer, pool=pool, quantity_kg=each, cap=True)
        deliveries.append(
            pooling.delivery_record(
                actor=manager,
                pool=pool,
                producer=producer,
                weight_kg=each + Decimal(i % 3) / 1000,
                grade="EXPORT_PREMIUM" if i % 4 == 0 else "A",
                harvested_on=today - timedelta(days=12 + i % 5),
                packed_on=today - timedelta(days=4),
            )
        )
    pooling.pool_close(actor=manager, pool=pool, accept_short=True)
    lots = []
    for n, grade in enumerate(("A", "EXPORT_PREMIUM"), start=1):
        chosen = [d for d in deliveries if d.grade == grade]
        if chosen:
            net = sum((d.weight_kg for d in chosen), Decimal(0))
            bags = int((net / 25).to_integral_value()) or 1
            lots.append(
                pooling.lot_assemble(
                    actor=manager,
                    pool=pool,
                    deliveries=chosen,
                    packages=bags,
                    gross_kg=net + Decimal("0.15") * bags,
                    marks=f"KELOR OEBELO/HK/{contract.code}/{n}",
                )
            )
    if target < 3:
        return
    for lot in lots:
        shipping.lot_inspect(
            actor=inspector,
            lot=lot,
            passed=True,
            checklist=[
                {"item": "colour and smell", "passed": True, "note": ""},
                {"item": "no foreign matter", "passed": True, "note": ""},
                {"item": "bags sealed and marked", "passed": True, "note": ""},
            ],
            samples=6,
            measurements={"moisture_pct": "6.8", "mesh": "80"},
            photos=[_photo()],
        )
        pooling.retail_pack_create(actor=manager, lot=lot, net_grams=250)
    if target < 4:
        return
    code = contract.code
    shipping.document_upload(
        actor=manager, contract=contract, kind="phytosanitary", number=f"KT-PH-{code}", file=_pdf()
    )
    shipping.document_upload(actor=manager, contract=contract, kind="insurance", number=f"INS-{code}")
    shipping.document_upload(
        actor=manager, contract=contract, kind="peb", number=f"PEB-{code}", extra={"npe": f"NPE-{code}"}
    )
    if target < 5:
        return
    shipping.contract_ship(actor=manager, contract=contract, transport_document=f"BL-KUP-{code}")
    if target < 6:
        return
    contract.refresh_from_db()
    shipping.contract_arrive(actor=contract.buyer, contract=contract)
    if target < 7:
        return
    shipping.balance_record(
        actor=facilitator, contract=contract, amount=contract.balance_money, bank_reference=f"TT-{code}-B"
    )
    shipping.balance_release(actor=facilitator, contract=contract)
    pooling.payout_compute(actor=manager, pool=pool)


def demo_moringa(*, village) -> dict:
    """Create (once) the moringa export story; returns the main objects by name."""
    existing = Exporter.objects.filter(organisation__name="BUMDes Kelor Oebelo").first()
    if existing is not None and existing.contracts.exists():
        return {"exporter": existing, "contracts": list(existing.contracts.order_by("created_at"))}
    with transaction.atomic():
        desk, _ = Organisation.objects.get_or_create(
            name="Meja Ekspor Lumbung", kind=OrganisationKind.TRADE_DESK, defaults={"village": village}
        )
        facilitator = _user("+6281234500601", "Rina Hartono")
        _role(facilitator, desk, Role.EXPORT_FACILITATOR)
        inspector = _user("+6281234500501", "Agus Wijaya")
        _role(inspector, desk, Role.QUALITY_INSPECTOR)
        manager = _user("+6281234500201", "Maria Nenobais", village=village)
        exporter = _exporter("BUMDes Kelor Oebelo", village, manager, facilitator, "9120001234561")
        rival_manager = _user("+6281299000004", "Fransiska Lake", village=village)
        rival = _exporter("BUMDes Moringa Sabu", village, rival_manager, facilitator, "9120001234562")
        buyer = _user("+85291234567", "Chan Tai Man", language="en")
        producers = []
        for i in range(40):
            name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {chr(65 + i // len(FIRST_NAMES))}."
            producer = _user(f"+6281299100{i:03d}", name, village=village)
            _role(producer, exporter.organisation, Role.MEMBER)
            pooling.consent_set(producer=producer, show_first_name=i % 3 != 0)
            producers.append(producer)
        if not FxRate.objects.filter(base="USD", quote="IDR").exists():
            fx_rate_enter(
                base="USD", quote="IDR", rate=Decimal("16250"), source="demo: BI JISDOR", actor=facilitator
            )
        contracts = []
        main = _contract(
            buyer=buyer,
            exporter=exporter,
            manager=manager,
            rival=(rival, rival_manager),
            quantity_kg=Decimal("2000"),
            product="Moringa leaf powder",
        )
        _advance(
            main,
            MilestoneKind.BALANCE_RELEASED,
            manager=manager,
            facilitator=facilitator,
            inspector=inspector,
            producers=producers,
        )
        contracts.append(main)
        for stage in STAGES[:-1]:
            c = _contract(
                buyer=buyer,
                exporter=exporter,
                manager=manager,
                quantity_kg=Decimal("200"),
                product="Moringa leaf powder (trial)",
            )
            _advance(
                c,
                stage,
                manager=manager,
                facilitator=facilitator,
                inspector=inspector,
                producers=producers[:4],
            )
            contracts.append(c)
    return {
        "exporter": exporter,
        "rival": rival,
        "buyer": buyer,
        "facilitator": facilitator,
        "inspector": inspector,
        "manager": manager,
        "producers": producers,
        "contracts": contracts,
    }
