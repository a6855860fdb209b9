"""The search relevance table: a small fixture catalogue and queries with the full set of products a
person would expect back. Anything else returned counts against precision; anything missing,
against recall. ``typo`` cases need PostgreSQL (pg_trgm); the rest also run on the SQLite fallback.

Keep the expected sets honest: they say what a buyer means, not what the engine happens to do.
"""

from __future__ import annotations

# Shops: key → (name, village name, village text, chinese?)
SHOPS = {
    "sari": ("Mete Ibu Sari", "Desa Sigi Biromaru", "", False),
    "laut": ("Hasil Laut Nelayan", "Desa Tolitoli", "", False),
    "rempah": ("Rempah Banda", "Desa Lonthoir", "", False),
    "kebun": ("Kebun Mama Yos", "Desa Wamena", "", False),
    "bumdes": ("BUMDes Maju Bersama", "Desa Kalibaru", "", False),
    "bainiu": ("白牛村山核桃", "", "Bainiu 白牛村", True),
}

# Categories: slug → (id, en, zh)
CATEGORIES = {
    "kacang": ("Kacang", "Nuts", "坚果"),
    "hasil-laut": ("Hasil Laut", "Seafood", "海鲜"),
    "rempah": ("Rempah", "Spices", "香料"),
    "minyak-atsiri": ("Minyak Atsiri", "Essential oils", "精油"),
    "buah": ("Buah", "Fruit", "水果"),
    "tepung": ("Tepung", "Flours", "面粉"),
    "kelor": ("Kelor", "Moringa", "辣木"),
    "kopi": ("Kopi", "Coffee", "咖啡"),
    "kerajinan": ("Kerajinan", "Handicrafts", "手工艺品"),
    "camilan": ("Camilan", "Snacks", "零食"),
    "pemanis": ("Pemanis", "Sweeteners", "甜味剂"),
}

# Products: key → (shop, category, name_id, name_en, name_zh, description_id)
PRODUCTS = {
    "mete": (
        "sari",
        "kacang",
        "Kacang Mete Sangrai",
        "Roasted Cashew Nuts",
        "烤腰果",
        "Dikemas dalam kaleng 250 g.",
    ),
    "kenari": ("bainiu", "kacang", "", "Hickory Nuts", "山核桃仁", "Kacang kenari hutan, kemasan vakum."),
    "kacang_tanah": ("sari", "kacang", "Kacang Tanah Goreng", "Fried Peanuts", "", "Gurih dan renyah."),
    "kepiting": ("laut", "hasil-laut", "Kepiting Bakau Hidup", "Live Mud Crab", "青蟹", "Segar dari tambak."),
    "rajungan": (
        "laut",
        "hasil-laut",
        "Daging Rajungan Pasteurisasi",
        "Pasteurised Blue Swimming Crab Meat",
        "蓝蟹肉",
        "Daging putih pilihan.",
    ),
    "teri": ("laut", "hasil-laut", "Ikan Teri Kering", "Dried Anchovies", "", "Dijemur di bawah matahari."),
    "terasi": (
        "laut",
        "hasil-laut",
        "Terasi Udang",
        "Shrimp Paste",
        "虾酱",
        "Difermentasi secara tradisional.",
    ),
    "cengkeh": ("rempah", "rempah", "Cengkeh Kering", "Dried Cloves", "丁香", "Dipetik merah lalu dijemur."),
    "pala": ("rempah", "rempah", "Biji Pala", "Nutmeg", "肉豆蔻", "Pala Banda utuh."),
    "nilam": (
        "rempah",
        "minyak-atsiri",
        "Minyak Nilam",
        "Patchouli Oil",
        "广藿香油",
        "Hasil penyulingan daun nilam.",
    ),
    "minyak_cengkeh": (
        "rempah",
        "minyak-atsiri",
        "Minyak Daun Cengkeh",
        "Clove Leaf Oil",
        "",
        "Botol 100 ml.",
    ),
    "alpukat": ("kebun", "buah", "Alpukat Mentega", "Butter Avocado", "牛油果", "Matang di pohon."),
    "tepung_pisang": (
        "bumdes",
        "tepung",
        "Tepung Pisang",
        "Banana Flour",
        "香蕉粉",
        "Pisang kepok dikeringkan lalu digiling.",
    ),
    "kelor_bubuk": (
        "bumdes",
        "kelor",
        "Bubuk Daun Kelor",
        "Moringa Leaf Powder",
        "辣木叶粉",
        "Untuk ekspor.",
    ),
    "kelor_daun": (
        "bumdes",
        "kelor",
        "Daun Kelor Kering",
        "Dried Moringa Leaves",
        "干辣木叶",
        "Utuh, tidak hancur.",
    ),
    "robusta": (
        "kebun",
        "kopi",
        "Kopi Robusta Bubuk",
        "Ground Robusta Coffee",
        "罗布斯塔咖啡粉",
        "Disangrai sedang dan dikemas rapat.",
    ),
    "arabika": (
        "kebun",
        "kopi",
        "Biji Kopi Arabika",
        "Arabica Coffee Beans",
        "阿拉比卡咖啡豆",
        "Petik merah.",
    ),
    "tas_pandan": (
        "bumdes",
        "kerajinan",
        "Tas Anyaman Pandan",
        "Woven Pandan Bag",
        "露兜树编织包",
        "Dianyam tangan oleh perajin desa.",
    ),
    "keranjang": ("bumdes", "kerajinan", "Keranjang Rotan", "Rattan Basket", "", "Dianyam rapat, kuat."),
    "keripik_sayur": (
        "kebun",
        "camilan",
        "Keripik Sayur-sayuran",
        "Vegetable Chips",
        "",
        "Dari bayam dan wortel.",
    ),
    "buah_kering": (
        "kebun",
        "buah",
        "Buah-buahan Kering Campur",
        "Mixed Dried Fruit",
        "什锦果干",
        "Tanpa gula.",
    ),
    "gula_aren": ("bumdes", "pemanis", "Gula Aren Cair", "Liquid Palm Sugar", "", "Pengemasan higienis."),
    "madu": ("kebun", "pemanis", "Madu Hutan", "Wild Forest Honey", "野生蜂蜜", "Dipanen dari lebah liar."),
}

# (query, expected product keys, kind) — kind: "affix", "redup", "typo", "en", "zh", "multi", "none", "place", "plain"
CASES: list[tuple[str, set[str], str]] = [
    # Indonesian affixes: kemasan / dikemas / pengemasan share the root kemas, and never mean emas (gold).
    ("kemasan", {"mete", "kenari", "robusta", "gula_aren"}, "affix"),
    ("dikemas", {"mete", "kenari", "robusta", "gula_aren"}, "affix"),
    ("pengemasan", {"mete", "kenari", "robusta", "gula_aren"}, "affix"),
    ("emas", set(), "none"),
    # Kerajinan (crafts, the category) and pengrajin (craftsman) share the root rajin.
    ("pengrajin", {"tas_pandan", "keranjang"}, "affix"),
    ("anyaman", {"tas_pandan", "keranjang"}, "affix"),
    ("kering", {"teri", "cengkeh", "kelor_daun", "buah_kering", "tepung_pisang"}, "affix"),
    ("sangrai", {"mete", "robusta"}, "affix"),
    # Reduplication.
    ("sayur-sayuran", {"keripik_sayur"}, "redup"),
    ("sayuran", {"keripik_sayur"}, "redup"),
    ("buah-buahan", {"alpukat", "buah_kering"}, "redup"),
    # Plain Indonesian words.
    ("kacang", {"mete", "kenari", "kacang_tanah"}, "plain"),
    ("mete", {"mete"}, "plain"),
    ("kelor", {"kelor_bubuk", "kelor_daun"}, "plain"),
    ("kepiting", {"kepiting"}, "plain"),
    ("rajungan", {"rajungan"}, "plain"),
    ("teri", {"teri"}, "plain"),
    ("udang", {"terasi"}, "plain"),
    ("minyak atsiri", {"nilam", "minyak_cengkeh"}, "plain"),
    ("tepung pisang", {"tepung_pisang"}, "plain"),
    ("gula aren", {"gula_aren"}, "plain"),
    ("kopi", {"robusta", "arabika"}, "plain"),
    # English.
    ("cashew", {"mete"}, "en"),
    ("cashews", {"mete"}, "en"),
    ("nuts", {"mete", "kenari", "kacang_tanah"}, "en"),
    ("crab", {"kepiting", "rajungan"}, "en"),
    ("essential oil", {"nilam", "minyak_cengkeh"}, "en"),
    ("banana flour", {"tepung_pisang"}, "en"),
    ("honey", {"madu"}, "en"),
    ("coffee beans", {"robusta", "arabika"}, "en"),
    ("patchouli", {"nilam"}, "en"),
    # Chinese: substring, not tokens.
    ("核桃", {"kenari"}, "zh"),
    ("腰果", {"mete"}, "zh"),
    ("辣木", {"kelor_bubuk", "kelor_daun"}, "zh"),
    ("咖啡", {"robusta", "arabika"}, "zh"),
    ("蟹", {"kepiting", "rajungan"}, "zh"),
    # Several words, not all of which match.
    ("roasted cashew nuts", {"mete"}, "multi"),
    ("daun kelor kering", {"kelor_bubuk", "kelor_daun"}, "multi"),
    ("kopi bubuk sangrai", {"robusta"}, "multi"),
    ("kepiting segar murah", {"kepiting"}, "multi"),
    ("alpukat mentega organik", {"alpukat"}, "multi"),
    ("mixed dried fruit", {"buah_kering"}, "multi"),
    ("moringa powder", {"kelor_bubuk", "kelor_daun"}, "multi"),
    # Places and shops.
    ("tolitoli", {"kepiting", "rajungan", "teri", "terasi"}, "place"),
    ("bainiu", {"kenari"}, "place"),
    ("mete ibu sari", {"mete", "kacang_tanah"}, "place"),
    # Must not match anything.
    ("sepatu", set(), "none"),
    ("laptop", set(), "none"),
    # Typos (PostgreSQL trigram similarity only).
    ("kacng", {"mete", "kenari", "kacang_tanah"}, "typo"),
    ("alpukaat", {"alpukat"}, "typo"),
    ("kepitin", {"kepiting"}, "typo"),
    ("cengkih", {"cengkeh", "minyak_cengkeh"}, "typo"),
    ("robsta", {"robusta"}, "typo"),
    ("patchouly", {"nilam"}, "typo"),
]
