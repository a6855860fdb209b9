"""Make a big, believable catalogue on PostgreSQL for the HTTP bench, and keep it between runs.

    .venv/bin/python bench/bench_catalog_data.py                      # 1,000,000 products, 100,000 shops
    .venv/bin/python bench/bench_catalog_data.py --scale 10000        # 10,000 products, 1,000 shops
    .venv/bin/python bench/bench_catalog_data.py --db postgres://postgres@127.0.0.1:5432/lumbung_bench_catalog

What it does, in order (each step is skipped when already done, so a second run costs seconds):
1. creates the database if missing and runs every migration;
2. loads Indonesia's and China's areas (``lumbung regions load --if-empty``);
3. builds a category tree of village products (id/en/zh names) through ``category_create``;
4. writes organisations, shops (one shop per 10 products, spread over random real villages, about
   5 % Chinese shops in counties, in yuan), products (names in id/en/zh, 1–3 variants with prices and
   stock, standards, about 95 % published) with PostgreSQL COPY. The search columns come from the
   catalogue's own ``search_fields()`` (the same stemmer and text the services write), so search
   behaves exactly as on real data.
Secondary indexes on the product and variant tables are dropped during COPY and recreated from
their own definitions afterwards (much faster than maintaining GIN indexes row by row); then ANALYZE.

A finished load is recorded in the table ``bench_catalog_meta`` (scale, seed, seconds). A run that
finds a different or unfinished load empties the catalogue tables and starts again.
Prints figures only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lumbung_bench_catalog"
PRODUCTS_PER_SHOP = 10
CHUNK = 5000

# --- the vocabulary ------------------------------------------------------------------------------------
# Category tree: (slug, id, en, zh, [(slug, id, en, zh, [products (id, en, zh, unit, base price IDR)])]).
TREE = [
    (
        "kacang-biji",
        "Kacang dan biji",
        "Nuts and seeds",
        "坚果与种子",
        [
            (
                "kacang-mete",
                "Kacang mete",
                "Cashew nuts",
                "腰果",
                [
                    ("Kacang mete", "Cashew nuts", "腰果", "pack", 45000),
                    ("Mete panggang", "Roasted cashews", "烤腰果", "pack", 52000),
                    ("Mete goreng bawang", "Garlic fried cashews", "蒜香腰果", "pack", 48000),
                ],
            ),
            (
                "kenari-kemiri",
                "Kenari dan kemiri",
                "Canarium and candlenuts",
                "橄榄仁与石栗",
                [
                    ("Kenari kupas", "Shelled canarium nuts", "去壳橄榄仁", "pack", 60000),
                    ("Kemiri utuh", "Whole candlenuts", "整粒石栗", "kg", 38000),
                    ("Kacang tanah sangrai", "Dry roasted peanuts", "炒花生", "pack", 18000),
                    ("Biji wijen", "Sesame seeds", "芝麻", "pack", 15000),
                ],
            ),
        ],
    ),
    (
        "kopi-teh",
        "Kopi, teh dan kakao",
        "Coffee, tea and cocoa",
        "咖啡、茶与可可",
        [
            (
                "kopi",
                "Kopi",
                "Coffee",
                "咖啡",
                [
                    ("Kopi robusta bubuk", "Ground robusta coffee", "罗布斯塔咖啡粉", "pack", 35000),
                    ("Kopi arabika biji", "Arabica coffee beans", "阿拉比卡咖啡豆", "pack", 75000),
                    ("Kopi luwak", "Civet coffee", "猫屎咖啡", "pack", 250000),
                    ("Kopi susu kemasan", "Coffee with milk, packed", "袋装奶咖", "pack", 20000),
                ],
            ),
            (
                "teh",
                "Teh",
                "Tea",
                "茶",
                [
                    ("Teh hijau daun", "Green tea leaves", "绿茶", "pack", 30000),
                    ("Teh melati", "Jasmine tea", "茉莉花茶", "pack", 25000),
                    ("Teh daun kelor", "Moringa leaf tea", "辣木叶茶", "pack", 32000),
                ],
            ),
            (
                "kakao",
                "Kakao",
                "Cocoa",
                "可可",
                [
                    ("Biji kakao fermentasi", "Fermented cocoa beans", "发酵可可豆", "kg", 55000),
                    ("Cokelat batangan", "Chocolate bar", "巧克力块", "piece", 22000),
                    ("Bubuk kakao murni", "Pure cocoa powder", "纯可可粉", "pack", 40000),
                ],
            ),
        ],
    ),
    (
        "rempah",
        "Rempah dan bumbu",
        "Spices and seasonings",
        "香料与调味品",
        [
            (
                "rempah-kering",
                "Rempah kering",
                "Dried spices",
                "干香料",
                [
                    ("Cengkeh kering", "Dried cloves", "干丁香", "pack", 28000),
                    ("Pala utuh", "Whole nutmeg", "整粒肉豆蔻", "pack", 42000),
                    ("Kayu manis batang", "Cinnamon sticks", "肉桂棒", "pack", 24000),
                    ("Lada hitam", "Black pepper", "黑胡椒", "pack", 36000),
                    ("Vanili kering", "Dried vanilla pods", "干香草荚", "pack", 150000),
                ],
            ),
            (
                "bumbu",
                "Bumbu dapur",
                "Kitchen seasonings",
                "厨房调料",
                [
                    ("Terasi udang", "Shrimp paste", "虾酱", "pack", 15000),
                    ("Sambal bawang", "Shallot chilli sauce", "葱头辣椒酱", "pack", 25000),
                    ("Gula aren cetak", "Palm sugar blocks", "椰糖块", "kg", 30000),
                    ("Garam laut", "Sea salt", "海盐", "pack", 12000),
                ],
            ),
        ],
    ),
    (
        "minyak-atsiri",
        "Minyak atsiri",
        "Essential oils",
        "精油",
        [
            (
                "minyak-nilam",
                "Minyak nilam",
                "Patchouli oil",
                "广藿香油",
                [
                    ("Minyak nilam murni", "Pure patchouli oil", "纯广藿香油", "litre", 900000),
                    (
                        "Minyak nilam botol kecil",
                        "Patchouli oil, small bottle",
                        "小瓶广藿香油",
                        "piece",
                        85000,
                    ),
                ],
            ),
            (
                "minyak-lain",
                "Minyak atsiri lain",
                "Other essential oils",
                "其他精油",
                [
                    ("Minyak kayu putih", "Cajuput oil", "白千层油", "piece", 45000),
                    ("Minyak sereh wangi", "Citronella oil", "香茅油", "piece", 40000),
                    ("Minyak cengkeh", "Clove oil", "丁香油", "piece", 55000),
                    ("Minyak kelapa murni", "Virgin coconut oil", "初榨椰子油", "litre", 70000),
                ],
            ),
        ],
    ),
    (
        "buah-sayur",
        "Buah dan sayur",
        "Fruit and vegetables",
        "水果与蔬菜",
        [
            (
                "buah-segar",
                "Buah segar",
                "Fresh fruit",
                "新鲜水果",
                [
                    ("Alpukat mentega", "Butter avocado", "牛油果", "kg", 35000),
                    ("Pisang raja", "Raja bananas", "皇帝蕉", "kg", 20000),
                    ("Mangga harum manis", "Harum manis mangoes", "香芒", "kg", 30000),
                    ("Salak pondoh", "Pondoh snake fruit", "蛇皮果", "kg", 18000),
                    ("Durian montong", "Montong durian", "金枕头榴莲", "piece", 120000),
                ],
            ),
            (
                "sayur",
                "Sayuran",
                "Vegetables",
                "蔬菜",
                [
                    ("Daun kelor segar", "Fresh moringa leaves", "新鲜辣木叶", "pack", 10000),
                    ("Cabai rawit merah", "Red bird's eye chillies", "小米辣", "kg", 60000),
                    ("Bawang merah", "Shallots", "红葱头", "kg", 40000),
                    ("Kentang dieng", "Dieng potatoes", "迪昂土豆", "kg", 16000),
                ],
            ),
        ],
    ),
    (
        "olahan",
        "Makanan olahan",
        "Processed food",
        "加工食品",
        [
            (
                "tepung",
                "Tepung",
                "Flour",
                "面粉",
                [
                    ("Tepung pisang", "Banana flour", "香蕉粉", "pack", 28000),
                    ("Tepung sagu", "Sago flour", "西米粉", "pack", 16000),
                    ("Tepung mocaf", "Modified cassava flour", "改性木薯粉", "pack", 14000),
                    ("Bubuk daun kelor", "Moringa leaf powder", "辣木叶粉", "pack", 45000),
                ],
            ),
            (
                "keripik",
                "Keripik dan kerupuk",
                "Chips and crackers",
                "薯片与脆饼",
                [
                    ("Keripik singkong pedas", "Spicy cassava chips", "香辣木薯片", "pack", 15000),
                    ("Keripik pisang manis", "Sweet banana chips", "甜香蕉片", "pack", 17000),
                    ("Kerupuk ikan", "Fish crackers", "鱼片脆饼", "pack", 22000),
                    ("Rengginang ketan", "Sticky rice crackers", "糯米脆饼", "pack", 20000),
                ],
            ),
            (
                "madu",
                "Madu",
                "Honey",
                "蜂蜜",
                [
                    ("Madu hutan", "Wild forest honey", "野生森林蜂蜜", "litre", 180000),
                    ("Madu kelulut", "Stingless bee honey", "无刺蜂蜂蜜", "piece", 120000),
                ],
            ),
        ],
    ),
    (
        "laut",
        "Hasil laut",
        "Seafood",
        "海产品",
        [
            (
                "ikan-olahan",
                "Ikan olahan",
                "Processed fish",
                "加工鱼",
                [
                    ("Ikan teri kering", "Dried anchovies", "小鱼干", "pack", 30000),
                    ("Ikan asin jambal", "Salted jambal fish", "咸鱼干", "pack", 45000),
                    ("Abon tongkol", "Shredded tuna floss", "金枪鱼松", "pack", 35000),
                ],
            ),
            (
                "kepiting-udang",
                "Kepiting dan udang",
                "Crab and shrimp",
                "蟹与虾",
                [
                    ("Kepiting bakau hidup", "Live mud crab", "活青蟹", "kg", 160000),
                    ("Daging rajungan", "Blue swimmer crab meat", "梭子蟹肉", "pack", 140000),
                    ("Udang kering", "Dried shrimp", "虾干", "pack", 65000),
                ],
            ),
        ],
    ),
    (
        "kerajinan",
        "Kerajinan tangan",
        "Handicrafts",
        "手工艺品",
        [
            (
                "anyaman",
                "Anyaman",
                "Woven goods",
                "编织品",
                [
                    ("Tas anyaman pandan", "Woven pandan bag", "露兜草编织包", "piece", 85000),
                    ("Keranjang rotan", "Rattan basket", "藤篮", "piece", 95000),
                    ("Tikar purun", "Purun grass mat", "草席", "piece", 70000),
                    ("Topi bambu", "Bamboo hat", "竹帽", "piece", 40000),
                ],
            ),
            (
                "kain",
                "Kain tradisional",
                "Traditional cloth",
                "传统布料",
                [
                    ("Kain tenun ikat", "Ikat woven cloth", "伊卡织布", "piece", 450000),
                    ("Batik tulis", "Hand-drawn batik", "手绘蜡染", "piece", 350000),
                    ("Songket benang emas", "Gold thread songket", "金线宋吉锦", "piece", 900000),
                ],
            ),
            (
                "ukiran",
                "Ukiran dan gerabah",
                "Carvings and pottery",
                "雕刻与陶器",
                [
                    ("Ukiran kayu jati", "Teak wood carving", "柚木雕刻", "piece", 250000),
                    ("Gerabah tanah liat", "Clay pottery", "陶土器皿", "piece", 60000),
                ],
            ),
        ],
    ),
    (
        "beras-biji",
        "Beras dan biji-bijian",
        "Rice and grains",
        "大米与谷物",
        [
            (
                "beras",
                "Beras",
                "Rice",
                "大米",
                [
                    ("Beras merah organik", "Organic red rice", "有机红米", "kg", 22000),
                    ("Beras hitam", "Black rice", "黑米", "kg", 28000),
                    ("Beras pandan wangi", "Pandan fragrant rice", "香兰米", "kg", 16000),
                ],
            ),
            (
                "jagung-kedelai",
                "Jagung dan kedelai",
                "Corn and soybeans",
                "玉米与大豆",
                [
                    ("Jagung pipil kering", "Dried corn kernels", "干玉米粒", "kg", 9000),
                    ("Kedelai lokal", "Local soybeans", "本地大豆", "kg", 14000),
                ],
            ),
        ],
    ),
]

QUALIFIERS = [
    ("asli", "original", "正宗"),
    ("super", "premium", "特级"),
    ("organik", "organic", "有机"),
    ("kemasan rapat", "sealed pack", "密封包装"),
    ("pilihan", "selected", "精选"),
    ("grade A", "grade A", "A级"),
    ("khas desa", "village style", "乡村特产"),
    ("tanpa pengawet", "no preservatives", "无防腐剂"),
    ("", "", ""),
    ("", "", ""),
]
DESCRIPTIONS_ID = [
    "Dipanen dan diolah oleh petani {village}.",
    "Dikemas rapat dan dikirim dari {village}.",
    "Hasil kebun sendiri, dijemur di bawah matahari.",
    "Dibuat oleh kelompok perempuan desa tanpa bahan pengawet.",
    "Cocok untuk oleh-oleh dan usaha kecil.",
    "Kualitas ekspor, dipilih satu per satu.",
]
DESCRIPTIONS_EN = [
    "Harvested and processed by farmers in {village}.",
    "Sealed and shipped from {village}.",
    "Grown in our own garden and sun-dried.",
    "Made by the village women's group with no preservatives.",
    "Export quality, picked one by one.",
]
DESCRIPTIONS_ZH = ["产自{village}的农家好货。", "手工挑选，密封包装。", "不含防腐剂，新鲜直送。"]
SIZES = {
    "pack": [
        ("100 g", "0.100", 110, 0.45),
        ("250 g", "0.250", 270, 1.0),
        ("500 g", "0.500", 520, 1.9),
        ("1 kg", "1.000", 1030, 3.6),
    ],
    "kg": [("1 kg", "1.000", 1030, 1.0), ("5 kg", "5.000", 5100, 4.6), ("500 g", "0.500", 520, 0.55)],
    "litre": [("100 ml", "0.100", 130, 0.14), ("250 ml", "0.250", 300, 0.3), ("1 litre", "1.000", 1100, 1.0)],
    "piece": [("satuan", "1.000", 300, 1.0), ("isi 3", "3.000", 900, 2.8), ("isi 6", "6.000", 1800, 5.4)],
}
STANDARDS = ["pirt", "halal", "bpom", "sni", "organic", "export"]
FIRST_NAMES = [
    "Sari",
    "Wati",
    "Made",
    "Ketut",
    "Dewi",
    "Rahmat",
    "Siti",
    "Yusuf",
    "Nur",
    "Agus",
    "Rina",
    "Bambang",
    "Lestari",
    "Hasan",
    "Intan",
    "Joko",
    "Putu",
    "Fitri",
    "Andi",
    "Maria",
    "Yohanes",
]
SHOP_FORMS = [
    "Toko {first}",
    "Usaha {first} {village}",
    "Kebun {first}",
    "BUMDes {village}",
    "Kelompok Tani {village}",
    "Dapur {first}",
    "{first} Jaya",
    "Koperasi {village} Makmur",
]
CN_SHOP_FORMS = ["{village}农家店", "{first}土特产", "{village}合作社"]
CN_VILLAGES = ["白牛村", "青山村", "桃源村", "石门村", "竹林村", "上溪村", "龙井村", "东坞村"]
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def public_id(rng: random.Random) -> str:
    bits = rng.getrandbits(80)
    return "".join(_ALPHABET[(bits >> (5 * i)) & 31] for i in range(16))


# --- database plumbing ---------------------------------------------------------------------------------
def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def lumbung(*args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "lumbung.cli", *args], check=True, env=env, cwd=ROOT)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LUMBUNG_ENV", "demo")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lumbung.settings"
    import django

    django.setup()


# --- data ----------------------------------------------------------------------------------------------
def build_categories() -> list[dict]:
    """Create the tree once (through the service) and return the leaves with their products."""
    from lumbung.catalog import services
    from lumbung.catalog.models import Category

    leaves = []
    for position, (slug, name_id, name_en, name_zh, children) in enumerate(TREE):
        top = Category.objects.filter(slug=slug).first() or services.category_create(
            slug=slug, name_id=name_id, name_en=name_en, name_zh=name_zh, position=position
        )
        for child_position, (cslug, cid, cen, czh, products) in enumerate(children):
            leaf = Category.objects.filter(slug=cslug).first() or services.category_create(
                slug=cslug, name_id=cid, name_en=cen, name_zh=czh, parent=top, position=child_position
            )
            leaves.append({"id": leaf.pk, "products": products})
    return leaves


def village_pool(rng: random.Random, n_shops: int) -> tuple[list[tuple], list[tuple]]:
    """(id, name, path, regency code) of real Indonesian villages and Chinese counties to place shops in."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name, path, regency_code FROM regions_area WHERE country = 'ID' AND level = 4"
        )
        villages = cursor.fetchall()
        cursor.execute(
            "SELECT id, name, path, regency_code FROM regions_area WHERE country = 'CN' AND level = "
            "(SELECT max(level) FROM regions_area WHERE country = 'CN')"
        )
        counties = cursor.fetchall()
    if not villages:
        raise SystemExit("no Indonesian villages: run `lumbung regions load` against this database first")
    rng.shuffle(villages)
    rng.shuffle(counties)
    return villages, counties


def _shop_rows(rng: random.Random, n_shops: int, villages, counties, now):
    """Yield (organisation row, shop row, shop facts) per shop."""
    for n in range(n_shops):
        chinese = counties and rng.random() < 0.05
        first = rng.choice(FIRST_NAMES)
        if chinese:
            area = rng.choice(counties)
            village_text = rng.choice(CN_VILLAGES)
            name = rng.choice(CN_SHOP_FORMS).format(first=first, village=village_text)
            language, currency = "zh-hans", "CNY"
        else:
            area = villages[n % len(villages)] if n < len(villages) else rng.choice(villages)
            village_text = ""
            name = rng.choice(SHOP_FORMS).format(first=first, village=area[1].title())
            language, currency = "id", "IDR"
        org_pid, shop_pid = public_id(rng), public_id(rng)
        kind = (
            "bumdes" if name.startswith("BUMDes") else rng.choice(["household", "business", "producer_group"])
        )
        org = (org_pid, kind, name[:160], area[0], "", "", now, True)
        story = f"{name} dari {village_text or area[1].title()}." if not chinese else ""
        shop = (
            shop_pid,
            slug_for(name, shop_pid),
            name[:120],
            story,
            "",
            f"{name}。" if chinese else "",
            language,
            currency,
            area[0],
            village_text,
            Decimal("0"),
            0,
            0,
            True,
            now,
            now,
        )
        yield (
            org,
            shop,
            {
                "name": name,
                "language": language,
                "currency": currency,
                "area": area,
                "village_text": village_text,
            },
        )


def slug_for(name: str, pid: str) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:60].strip("-") or "toko"
    return f"{base}-{pid[:8]}"


# What the worker processes need, set before they fork (so it is not pickled for every chunk).
_STATE: dict = {}


def _product_chunk(args) -> tuple[list[tuple], list[tuple]]:
    """Rows for products [start, stop): built in a worker process (the stemmer is the slow part)."""
    start, stop = args
    seed, shops, leaves, cat_objects, now = (
        _STATE["seed"],
        _STATE["shops"],
        _STATE["leaves"],
        _STATE["cats"],
        _STATE["now"],
    )
    first_product_id = 1
    from lumbung.catalog.models import Product, Shop
    from lumbung.catalog.services.search import search_fields
    from lumbung.regions.models import Area

    rng = random.Random(seed * 1_000_003 + start)
    products, variants = [], []
    for n in range(start, stop):
        shop_index = n // PRODUCTS_PER_SHOP
        shop_id, facts = shops[shop_index]
        leaf = leaves[rng.randrange(len(leaves))]
        base_id, base_en, base_zh, unit, base_price = rng.choice(leaf["products"])
        q_id, q_en, q_zh = rng.choice(QUALIFIERS)
        place = facts["village_text"] or facts["area"][1].title()
        chinese = facts["currency"] == "CNY"
        name_id = "" if chinese else " ".join(x for x in (base_id, q_id) if x)
        name_en = " ".join(x for x in (q_en.capitalize(), base_en.lower() if q_en else base_en) if x)
        if not chinese and rng.random() < 0.4:
            name_en = ""
        name_zh = q_zh + base_zh if (chinese or rng.random() < 0.15) else ""
        if not chinese and rng.random() < 0.3:
            name_id = f"{name_id} {place}"
        desc_id = "" if chinese else " ".join(rng.sample(DESCRIPTIONS_ID, 2)).format(village=place)
        desc_en = rng.choice(DESCRIPTIONS_EN).format(village=place) if name_en else ""
        desc_zh = rng.choice(DESCRIPTIONS_ZH).format(village=place) if name_zh else ""
        roll = rng.random()
        status = "published" if roll < 0.95 else ("pending" if roll < 0.98 else "draft")
        published = status == "published"
        standards = [code for code in STANDARDS if rng.random() < 0.2]
        shop = Shop(name=facts["name"], village_text=facts["village_text"], language=facts["language"])
        area = facts["area"]
        shop.village = Area(id=area[0], name=area[1], path=area[2])
        product = Product(
            shop=shop,
            category=cat_objects[leaf["id"]],
            name_id=name_id[:160],
            name_en=name_en[:160],
            name_zh=name_zh[:160],
            description_id=desc_id,
            description_en=desc_en,
            description_zh=desc_zh,
        )
        search = search_fields(product)
        product_id = first_product_id + n
        # Prices: the base in rupiah varied ±40 %, rounded to Rp500; CNY shops price in yuan (cents).
        factor = rng.uniform(0.6, 1.4)
        sizes = SIZES[unit][: rng.choice((1, 1, 2, 2, 3))]
        prices = []
        for position, (label, quantity, grams, mult) in enumerate(sizes):
            idr = base_price * factor * mult
            price = (
                Decimal(idr / 2150).quantize(Decimal("0.01"))
                if chinese
                else Decimal(int(idr / 500 + 1) * 500)
            )
            prices.append(price)
            stock = 0 if rng.random() < 0.08 else rng.randrange(1, 300)
            variants.append(
                (
                    public_id(rng),
                    product_id,
                    shop_id,
                    f"P{product_id}-{position + 1}",
                    label,
                    Decimal(quantity),
                    price,
                    facts["currency"],
                    stock,
                    grams,
                    True,
                    position,
                    now,
                    now,
                )
            )
        products.append(
            (
                product_id,
                public_id(rng),
                shop_id,
                leaf["id"],
                name_id[:160],
                name_en[:160],
                name_zh[:160],
                desc_id,
                desc_en,
                desc_zh,
                unit,
                status,
                published,
                "",
                now if published else None,
                "," + ",".join(standards) + "," if standards else "",
                min(prices),
                search["search_document"],
                search["search_stemmed"],
                now,
                now,
                facts["area"][3],
            )
        )
    return products, variants


PRODUCT_COLUMNS = (
    "id, public_id, shop_id, category_id, name_id, name_en, name_zh, description_id, description_en, "
    "description_zh, unit, status, is_published, unpublished_reason, published_at, standards, price_from, "
    "search_document, search_stemmed, created_at, updated_at, regency_code"
)
VARIANT_COLUMNS = (
    "public_id, product_id, shop_id, sku, label, unit_quantity, price_amount, price_currency, stock, "
    "weight_grams, is_active, position, created_at, updated_at"
)
CATALOG_TABLES = [
    "catalog_searchword",
    "accounts_organisation",
    "catalog_stockmovement",
    "catalog_photo",
    "catalog_variant",
    "catalog_product",
    "catalog_shop",
]


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """Indexes that are not constraints (primary key, unique constraints stay during the load)."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [table],
    )
    return cursor.fetchall()


def load(scale: int, seed: int, workers: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from lumbung.catalog.models import Category
    from lumbung.catalog.services.search import search_words_rebuild

    started = time.perf_counter()
    n_shops = max(1, scale // PRODUCTS_PER_SHOP)
    rng = random.Random(seed)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_catalog_meta (scale int, seed int, seconds float, done_at timestamptz)"
        )
        cursor.execute("SELECT scale, seed, seconds FROM bench_catalog_meta ORDER BY done_at DESC LIMIT 1")
        done = cursor.fetchone()
    if done and done[0] == scale and done[1] == seed:
        print(f"catalogue of {scale:,} products already loaded (took {done[2]:.0f} s); nothing to do")
        return
    leaves = build_categories()
    cat_objects = {c.pk: c for c in Category.objects.select_related("parent")}
    villages, counties = village_pool(rng, n_shops)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_catalog_meta")
        print("emptying the catalogue tables")
        # A bench database only (main() refuses others): CASCADE empties whatever points at these.
        cursor.execute("TRUNCATE " + ", ".join(CATALOG_TABLES) + " RESTART IDENTITY CASCADE")
        dropped = []
        for table in ("catalog_product", "catalog_variant"):
            for name, definition in _secondary_indexes(cursor, table):
                dropped.append(definition)
                cursor.execute(f'DROP INDEX "{name}"')
        pg = cursor.cursor  # psycopg 3 cursor, for COPY
        # Organisations and shops.
        shops: list[tuple[int, dict]] = []
        org_rows, shop_rows, facts_list = [], [], []
        for org, shop, facts in _shop_rows(rng, n_shops, villages, counties, now):
            org_rows.append(org)
            shop_rows.append(shop)
            facts_list.append(facts)
        with pg.copy(
            "COPY accounts_organisation (public_id, kind, name, village_id, address, phone, created_at, is_active)"
            " FROM STDIN"
        ) as copy:
            for row in org_rows:
                copy.write_row(row)
        pg.execute("SELECT id, public_id FROM accounts_organisation")
        org_ids = {pid: pk for pk, pid in pg.fetchall()}
        with pg.copy(
            "COPY catalog_shop (public_id, organisation_id, slug, name, story_id, story_en, story_zh, language,"
            " currency, village_id, village_text, rating_avg, rating_count, order_count, is_active,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            for org, shop in zip(org_rows, shop_rows, strict=True):
                copy.write_row((shop[0], org_ids[org[0]], *shop[1:]))
        pg.execute("SELECT public_id, id FROM catalog_shop")
        shop_ids = dict(pg.fetchall())
        shops = [(shop_ids[shop[0]], facts) for shop, facts in zip(shop_rows, facts_list, strict=True)]
        print(f"  {n_shops:,} organisations and shops in {time.perf_counter() - started:.0f} s")
        # Products and variants, built in worker processes, copied here.
        _STATE.update(seed=seed, shops=shops, leaves=leaves, cats=cat_objects, now=now)
        jobs = [(start, min(start + CHUNK, scale)) for start in range(0, scale, CHUNK)]
        written = 0
        t0 = time.perf_counter()
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            for products, variants in pool.imap(_product_chunk, jobs):
                with pg.copy(f"COPY catalog_product ({PRODUCT_COLUMNS}) FROM STDIN") as copy:
                    for row in products:
                        copy.write_row(row)
                with pg.copy(f"COPY catalog_variant ({VARIANT_COLUMNS}) FROM STDIN") as copy:
                    for row in variants:
                        copy.write_row(row)
                written += len(products)
                if written % 100_000 < CHUNK or written == scale:
                    rate = written / (time.perf_counter() - t0)
                    print(f"  {written:,} products ({rate:,.0f}/s)", flush=True)
        pg.execute("SELECT setval(pg_get_serial_sequence('catalog_product', 'id'), %s)", [scale + 1])
        print(f"  copied in {time.perf_counter() - t0:.0f} s; rebuilding {len(dropped)} indexes")
        t0 = time.perf_counter()
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: check them now, so the table has no
        # pending trigger events (CREATE INDEX refuses to run while it has).
        pg.execute("SET CONSTRAINTS ALL IMMEDIATE")
        pg.execute("SET LOCAL maintenance_work_mem = '1GB'")
        pg.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        for definition in dropped:
            pg.execute(definition)
        print(f"  indexes in {time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        search_words_rebuild()  # the typo vocabulary, exactly as the catalogue fills it
        print(f"  search vocabulary in {time.perf_counter() - t0:.0f} s")
        seconds = time.perf_counter() - started
        pg.execute("INSERT INTO bench_catalog_meta VALUES (%s, %s, %s, now())", [scale, seed, seconds])
    with connection.cursor() as cursor:
        for table in (
            "accounts_organisation",
            "catalog_shop",
            "catalog_product",
            "catalog_variant",
            "catalog_searchword",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"loaded {scale:,} products over {n_shops:,} shops in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--scale", type=int, default=1_000_000, help="number of products (shops = scale/10)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2, help="processes building rows")
    args = parser.parse_args()
    url = args.db or (DEFAULT_DB if args.scale >= 1_000_000 else f"{DEFAULT_DB}_{args.scale // 1000}k")
    print(f"database: {url.rsplit('@', 1)[-1]}")
    if "bench" not in urlsplit(url).path:
        raise SystemExit("refusing: the database name must contain 'bench' (this script empties tables)")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LUMBUNG_ENV", "demo")
    lumbung("migrate", "-v0")
    lumbung("regions", "load", "--if-empty", "--no-progress")
    setup_django(url)
    load(args.scale, args.seed, args.workers)


if __name__ == "__main__":
    main()
