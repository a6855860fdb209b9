"""The demo's shop window: categories with their required standards, shops, products with generated
photos, and certificates, so the standards gate is visible (some products pass, some wait).

Everything goes through the catalog and quality services, as a seller and an inspector would.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from fpdf import FPDF
from PIL import Image, ImageDraw

from lumbung.catalog.models import Category, Product, Shop
from lumbung.catalog.services import category_create, photo_add, product_create, shop_create
from lumbung.quality.models import RequirementGroup, Standard
from lumbung.quality.services import certificate_submit, certificate_verify

# slug, id, en, zh, parent slug, required standards (any of)
CATEGORIES = [
    (
        "pangan-olahan",
        "Pangan olahan",
        "Packaged food",
        "包装食品",
        None,
        ("PIRT", "BPOM_MD", "BPOM_ML", "CN_SC"),
    ),
    ("kacang", "Kacang-kacangan", "Nuts", "坚果", "pangan-olahan", ()),
    ("tepung", "Tepung", "Flours", "面粉", "pangan-olahan", ()),
    ("kelor", "Kelor", "Moringa", "辣木", "pangan-olahan", ()),
    ("kopi", "Kopi", "Coffee", "咖啡", "pangan-olahan", ()),
    ("hasil-laut", "Hasil laut", "Seafood", "海产", None, ()),
    ("buah", "Buah segar", "Fresh fruit", "新鲜水果", None, ()),
    ("rempah", "Rempah", "Spices", "香料", None, ()),
    ("minyak-atsiri", "Minyak atsiri", "Essential oils", "精油", None, ("SNI",)),
    ("kerajinan", "Kerajinan", "Handicrafts", "手工艺品", None, ()),
]


@dataclass
class DemoProduct:
    category: str
    names: dict[str, str]
    descriptions: dict[str, str]
    unit: str
    variants: list[dict]
    colours: tuple[str, str]


@dataclass
class DemoShop:
    org: str
    owner: str
    name: str
    stories: dict[str, str]
    products: list[DemoProduct]
    # (standard code, number, issuer, verified?) held by the whole shop
    certificates: list[tuple[str, str, str, bool]] = field(default_factory=list)


SHOPS = [
    DemoShop(
        "bainiu_nuts",
        "bainiu_wang",
        "王家山核桃",
        {
            "zh": "白牛村王家三代种山核桃。秋天打下的核桃在家里手工炒制、包装，直接卖给全国的顾客，不经过中间商。",
            "en": "Three generations of the Wang family grow hickory nuts in Bainiu. Roasted and packed at home, sold direct.",
            "id": "Tiga generasi keluarga Wang menanam kemiri hikori di Bainiu, disangrai dan dikemas di rumah.",
        },
        [
            DemoProduct(
                "kacang",
                {
                    "zh": "临安手剥山核桃",
                    "en": "Lin'an hand-shelled hickory nuts",
                    "id": "Kacang hikori Lin'an",
                },
                {
                    "zh": "白牛村自产山核桃，椒盐口味，薄壳易剥。",
                    "en": "Bainiu's own hickory nuts, salt-and-pepper roasted, thin shells.",
                    "id": "Kacang hikori dari Bainiu, disangrai garam lada, kulit tipis.",
                },
                "pack",
                [
                    {
                        "sku": "WJ-250",
                        "label": "250 g 罐装",
                        "price": "45",
                        "stock": 120,
                        "weight_grams": 300,
                    },
                    {"sku": "WJ-500", "label": "500 g 袋装", "price": "82", "stock": 80, "weight_grams": 560},
                    {
                        "sku": "WJ-1000",
                        "label": "1 kg 礼盒",
                        "price": "158",
                        "stock": 25,
                        "weight_grams": 1200,
                    },
                ],
                ("#8a5a2b", "#d9b382"),
            )
        ],
        [("CN_SC", "SC11833018500123", "杭州市临安区市场监督管理局", True)],
    ),
    DemoShop(
        "bainiu_li",
        "bainiu_li",
        "李记坚果",
        {"zh": "白牛村的小作坊，做山核桃仁和碧根果。", "en": "A small Bainiu workshop for hickory kernels."},
        [
            DemoProduct(
                "kacang",
                {"zh": "山核桃仁", "en": "Hickory nut kernels", "id": "Daging kacang hikori"},
                {"zh": "手工去壳的山核桃仁，奶油味。", "en": "Hand-shelled kernels, cream flavour."},
                "pack",
                [{"sku": "LJ-200", "label": "200 g 袋装", "price": "68", "stock": 60, "weight_grams": 240}],
                ("#6b4423", "#c9a26b"),
            )
        ],
        # No SC licence yet: the product waits at the gate.
    ),
    DemoShop(
        "bumdes_crab",
        "crab_rahman",
        "BUMDes Labean Sejahtera",
        {
            "id": "Nelayan Labean menangkap kepiting bakau di hutan mangrove Teluk Balaesang. BUMDes menimbang, "
            "mengemas dan mengirim langsung ke pembeli di kota dan luar negeri.",
            "en": "Labean's fishers catch mud crab in the Balaesang bay mangroves; the BUMDes packs and ships it.",
        },
        [
            DemoProduct(
                "hasil-laut",
                {"id": "Kepiting bakau hidup", "en": "Live mud crab", "zh": "活青蟹"},
                {
                    "id": "Kepiting bakau (Scylla serrata) hidup, ukuran 300–500 g per ekor, diikat dan dikemas basah.",
                    "en": "Live Scylla serrata, 300–500 g each, tied and packed moist.",
                },
                "kg",
                [
                    {
                        "sku": "KPT-HIDUP-1KG",
                        "label": "1 kg",
                        "price": "185000",
                        "stock": 40,
                        "weight_grams": 1400,
                    }
                ],
                ("#7b2d26", "#e07a5f"),
            ),
            DemoProduct(
                "hasil-laut",
                {"id": "Kepiting beku utuh", "en": "Whole frozen crab", "zh": "冷冻整蟹"},
                {
                    "id": "Kepiting utuh dibekukan cepat, vakum 1 kg.",
                    "en": "Blast-frozen whole crab, 1 kg vacuum pack.",
                },
                "pack",
                [
                    {
                        "sku": "KPT-BEKU-1KG",
                        "label": "Vakum 1 kg",
                        "price": "160000",
                        "stock": 60,
                        "weight_grams": 1100,
                    }
                ],
                ("#3d5a80", "#98c1d9"),
            ),
        ],
    ),
    DemoShop(
        "bumdes_moringa",
        "moringa_maria",
        "BUMDes Kelor Oebelo",
        {
            "id": "Empat puluh keluarga di Oebelo menanam kelor di pekarangan. BUMDes mengeringkan daunnya di rumah "
            "pengering bersama dan menggilingnya menjadi bubuk.",
            "en": "Forty Oebelo households grow moringa; the BUMDes dries the leaves and mills them to powder.",
        },
        [
            DemoProduct(
                "kelor",
                {"id": "Bubuk daun kelor", "en": "Moringa leaf powder", "zh": "辣木叶粉"},
                {
                    "id": "Daun kelor dikeringkan tanpa matahari langsung lalu digiling halus. Kadar air di bawah 8%.",
                    "en": "Shade-dried moringa leaves, finely milled. Moisture below 8%.",
                },
                "pack",
                [
                    {"sku": "KLR-100", "label": "100 g", "price": "35000", "stock": 150, "weight_grams": 130},
                    {"sku": "KLR-250", "label": "250 g", "price": "80000", "stock": 90, "weight_grams": 300},
                ],
                ("#386641", "#a7c957"),
            ),
            DemoProduct(
                "kelor",
                {"id": "Daun kelor kering", "en": "Dried moringa leaves", "zh": "辣木干叶"},
                {
                    "id": "Daun kelor utuh kering untuk teh dan sayur.",
                    "en": "Whole dried leaves for tea and cooking.",
                },
                "pack",
                [
                    {
                        "sku": "KLR-DAUN-200",
                        "label": "200 g",
                        "price": "25000",
                        "stock": 100,
                        "weight_grams": 240,
                    }
                ],
                ("#6a994e", "#dde5b6"),
            ),
        ],
        [("PIRT", "2065301010123-28", "Dinas Kesehatan Kabupaten Kupang", True)],
    ),
    DemoShop(
        "avocado_siti",
        "avocado_siti",
        "Alpukat Bu Siti",
        {
            "id": "Alpukat mentega dari kebun di lereng Semeru, dipetik matang pohon.",
            "en": "Butter avocados.",
        },
        [
            DemoProduct(
                "buah",
                {"id": "Alpukat mentega", "en": "Butter avocado", "zh": "牛油果"},
                {
                    "id": "Alpukat mentega Poncokusumo, 3–4 buah per kg, dikirim setengah matang.",
                    "en": "Poncokusumo butter avocados, 3–4 per kg, shipped half-ripe.",
                },
                "kg",
                [{"sku": "ALP-1KG", "label": "1 kg", "price": "30000", "stock": 200, "weight_grams": 1100}],
                ("#283618", "#a3b18a"),
            )
        ],
    ),
    DemoShop(
        "banana_flour",
        "banana_budi",
        "Tepung Pisang Wonorejo",
        {
            "id": "Tepung pisang kepok tanpa gluten, dibuat dari pisang petani Wonorejo.",
            "en": "Banana flour.",
        },
        [
            DemoProduct(
                "tepung",
                {"id": "Tepung pisang kepok", "en": "Kepok banana flour", "zh": "香蕉粉"},
                {
                    "id": "Tepung pisang kepok tanpa gluten untuk kue dan MPASI.",
                    "en": "Gluten-free kepok banana flour for baking.",
                },
                "pack",
                [
                    {"sku": "TPS-500", "label": "500 g", "price": "28000", "stock": 70, "weight_grams": 560},
                    {"sku": "TPS-1000", "label": "1 kg", "price": "52000", "stock": 40, "weight_grams": 1080},
                ],
                ("#bc6c25", "#fefae0"),
            )
        ],
        # Submitted, not yet verified: it sits in the inspector's queue.
        [("PIRT", "2063507020456-29", "Dinas Kesehatan Kabupaten Malang", False)],
    ),
    DemoShop(
        "essential_oils",
        "oil_sri",
        "Atsiri Bu Sri",
        {
            "id": "Minyak sereh wangi dan cengkeh hasil suling sendiri.",
            "en": "Home-distilled citronella and clove oil.",
        },
        [
            DemoProduct(
                "minyak-atsiri",
                {"id": "Minyak sereh wangi", "en": "Citronella oil", "zh": "香茅精油"},
                {
                    "id": "Minyak sereh wangi murni hasil suling uap.",
                    "en": "Pure steam-distilled citronella oil.",
                },
                "pack",
                [{"sku": "SRH-10", "label": "10 ml", "price": "25000", "stock": 50, "weight_grams": 60}],
                ("#606c38", "#fefae0"),
            ),
            DemoProduct(
                "minyak-atsiri",
                {"id": "Minyak cengkeh", "en": "Clove oil", "zh": "丁香油"},
                {"id": "Minyak daun cengkeh, kadar eugenol tinggi.", "en": "Clove leaf oil, high eugenol."},
                "pack",
                [{"sku": "CKH-30", "label": "30 ml", "price": "45000", "stock": 30, "weight_grams": 90}],
                ("#7f4f24", "#ede0d4"),
            ),
        ],
        # No SNI certificate: both oils wait at the gate, and the seller sees exactly what is missing.
    ),
]


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def product_photo(colours: tuple[str, str], seed: int) -> SimpleUploadedFile:
    """A simple generated picture (a gradient and a heap of rounded produce), as a JPEG upload."""
    size = 900
    dark, light = _hex(colours[0]), _hex(colours[1])
    image = Image.new("RGB", (size, size), light)
    draw = ImageDraw.Draw(image)
    for y in range(size):
        t = y / size
        draw.line([(0, y), (size, y)], fill=tuple(int(light[i] * (1 - t * 0.35)) for i in range(3)))
    for i in range(14):
        angle = (seed * 37 + i * 53) % 360
        r = 90 + (i * 29 + seed * 11) % 80
        cx = size / 2 + math.cos(math.radians(angle)) * (40 + i * 17)
        cy = size * 0.62 + math.sin(math.radians(angle)) * (30 + i * 9)
        draw.ellipse([cx - r, cy - r * 0.8, cx + r, cy + r * 0.8], fill=dark, outline=light, width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"demo-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def certificate_pdf(standard: str, number: str, issuer: str) -> SimpleUploadedFile:
    pdf = FPDF(format=(148, 210))
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, f"Certificate {standard}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 8, f"No. {number}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "Issuer: " + issuer.encode("ascii", "replace").decode(), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "Demo document generated by Lumbung", new_x="LMARGIN", new_y="NEXT")
    return SimpleUploadedFile(f"{standard}-{number}.pdf", bytes(pdf.output()), content_type="application/pdf")


def _categories() -> dict[str, Category]:
    made: dict[str, Category] = {}
    for position, (slug, name_id, name_en, name_zh, parent, required) in enumerate(CATEGORIES):
        category = Category.objects.filter(slug=slug).first() or category_create(
            slug=slug,
            name_id=name_id,
            name_en=name_en,
            name_zh=name_zh,
            parent=made.get(parent) if parent else None,
            position=position,
        )
        made[slug] = category
        if required and not RequirementGroup.objects.filter(category=category).exists():
            group = RequirementGroup.objects.create(category=category, note="demo")
            group.standards.set(Standard.objects.filter(code__in=required))
    return made


def build(cast) -> list[Shop]:
    """Shops, products and certificates for the demo cast (``demo_data.Cast``)."""
    _categories()
    inspector = cast.people["inspector_agus"]
    shops = []
    seed = 0
    for spec in SHOPS:
        owner = cast.people[spec.owner]
        organisation = cast.orgs[spec.org]
        shop = Shop.objects.filter(organisation=organisation).first()
        if shop is not None:
            shops.append(shop)
            continue
        shop = shop_create(
            actor=owner,
            organisation=organisation,
            name=spec.name,
            story_id=spec.stories.get("id", ""),
            story_en=spec.stories.get("en", ""),
            story_zh=spec.stories.get("zh", ""),
            village_text="白牛村 (Bainiu)" if organisation.village.country == "CN" else "",
        )
        for code, number, issuer, verified in spec.certificates:
            certificate = certificate_submit(
                actor=owner,
                shop=shop,
                standard=Standard.objects.get(code=code),
                number=number,
                issuer=issuer,
                issued_on=timezone.localdate() - timedelta(days=200),
                expires_on=timezone.localdate() + timedelta(days=3 * 365),
                file=certificate_pdf(code, number, issuer),
            )
            if verified:
                certificate_verify(actor=inspector, certificate=certificate)
        for item in spec.products:
            product = product_create(
                actor=owner,
                shop=shop,
                category=item.category,
                name_id=item.names.get("id", ""),
                name_en=item.names.get("en", ""),
                name_zh=item.names.get("zh", ""),
                description_id=item.descriptions.get("id", ""),
                description_en=item.descriptions.get("en", ""),
                description_zh=item.descriptions.get("zh", ""),
                unit=item.unit,
                variants=item.variants,
                submit=True,
            )
            seed += 1
            photo_add(actor=owner, product=product, upload=product_photo(item.colours, seed))
        shops.append(shop)
    return shops


def published_count() -> int:
    return Product.objects.filter(is_published=True).count()
