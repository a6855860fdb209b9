"""The curated HS code table the desk starts with (loaded by migration 0002; admins may add more).

Codes are 6-digit HS subheadings written 0000.00. National tariff lines (8 or 10 digits) differ by
country, and so can the classification of the same product: moringa leaf powder is 1211.90 in some
countries and 1212.99 or 0709.99 in others, so its description says to confirm with the importer.
"""

VARIES_ID = " Klasifikasi berbeda menurut negara tujuan: pastikan dengan importir."
VARIES_EN = " Classification varies by destination: confirm with the importer."
VARIES_ZH = " 各目的地归类不同，请与进口商确认。"

HS_CODES: list[tuple[str, str, str, str]] = [
    ("0306.33", "Kepiting hidup, segar atau dingin", "Crabs, live, fresh or chilled", "活、鲜或冷的蟹"),
    ("0306.14", "Kepiting beku", "Crabs, frozen", "冻蟹"),
    (
        "1605.10",
        "Daging kepiting olahan atau diawetkan",
        "Crab, prepared or preserved (crab meat)",
        "制作或保藏的蟹（蟹肉）",
    ),
    ("0804.40", "Alpukat, segar atau kering", "Avocados, fresh or dried", "鲜或干的鳄梨"),
    (
        "1106.30",
        "Tepung pisang (tepung dari buah golongan 08)",
        "Banana flour (flour of fruits of chapter 8)",
        "香蕉粉（第八章水果的细粉）",
    ),
    (
        "1211.90",
        "Daun kelor kering (tumbuhan untuk farmasi/teh)." + VARIES_ID,
        "Moringa leaves, dried (plants used in pharmacy or as tea)." + VARIES_EN,
        "干辣木叶（药用或茶用植物）。" + VARIES_ZH,
    ),
    (
        "1212.99",
        "Tepung daun kelor (produk nabati lain)." + VARIES_ID,
        "Moringa leaf powder (other vegetable products)." + VARIES_EN,
        "辣木叶粉（其他植物产品）。" + VARIES_ZH,
    ),
    (
        "3301.29",
        "Minyak atsiri (selain jeruk), mis. nilam, serai wangi, cengkeh",
        "Essential oils other than citrus, e.g. patchouli, citronella, clove",
        "非柑橘属精油，如广藿香油、香茅油、丁香油",
    ),
    (
        "0802.90",
        "Kacang hickory Tiongkok (kacang lain, segar atau kering)",
        "Chinese hickory nuts (other nuts, fresh or dried)",
        "山核桃（其他坚果，鲜或干）",
    ),
    ("0802.31", "Kenari dengan kulit", "Walnuts, in shell", "带壳核桃"),
    ("0802.32", "Kenari tanpa kulit", "Walnuts, shelled", "去壳核桃"),
    (
        "0901.11",
        "Kopi belum disangrai, belum dihilangkan kafeinnya",
        "Coffee, not roasted, not decaffeinated",
        "未焙炒、未浸除咖啡碱的咖啡",
    ),
    (
        "0905.10",
        "Vanili, belum dihancurkan atau ditumbuk",
        "Vanilla, neither crushed nor ground",
        "未磨的香草",
    ),
    (
        "1801.00",
        "Biji kakao, utuh atau pecah, mentah atau disangrai",
        "Cocoa beans, whole or broken, raw or roasted",
        "整颗或破碎的生或焙炒可可豆",
    ),
    (
        "0907.10",
        "Cengkeh, belum dihancurkan atau ditumbuk",
        "Cloves, neither crushed nor ground",
        "未磨的丁香",
    ),
    (
        "0908.11",
        "Pala, belum dihancurkan atau ditumbuk",
        "Nutmeg, neither crushed nor ground",
        "未磨的肉豆蔻",
    ),
    ("0904.11", "Lada, belum dihancurkan atau ditumbuk", "Pepper, neither crushed nor ground", "未磨的胡椒"),
    (
        "0906.11",
        "Kayu manis (Cinnamomum zeylanicum), belum ditumbuk",
        "Cinnamon (Cinnamomum zeylanicum), neither crushed nor ground",
        "未磨的锡兰肉桂",
    ),
]
