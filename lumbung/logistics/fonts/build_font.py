"""Rebuild ``NotoSansSC-Lumbung.ttf`` from Debian's fonts-noto-cjk (a dev-only script, never run by the app).

    apt-get install -y fonts-noto-cjk
    .venv/bin/python lumbung/logistics/fonts/build_font.py

It takes the Simplified Chinese face out of ``NotoSansCJK-Regular.ttc``, keeps only what a label
needs (Latin, GB2312 levels 1 and 2, CJK and fullwidth punctuation), and converts the CFF outlines
to TrueType (quadratic) ones so every PDF library, fpdf2 included, embeds it as a plain TTF.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, newTable

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = Path(__file__).with_name("NotoSansSC-Lumbung.ttf")
MAX_ERR = 1.0  # font units; the outline error allowed when cubic curves become quadratic


def gb2312_codepoints() -> set[int]:
    """Every character of GB 2312 (rows 0xA1-0xF7 x columns 0xA1-0xFE): symbols + 6,763 hanzi."""
    points = set()
    for row in range(0xA1, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes([row, col]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


def wanted_codepoints() -> set[int]:
    ranges = [
        (0x0020, 0x007E),  # ASCII
        (0x00A0, 0x017F),  # Latin-1 supplement, Latin Extended-A
        (0x2000, 0x206F),  # general punctuation
        (0x20A0, 0x20CF),  # currency symbols
        (0x2100, 0x215F),  # letterlike, number forms (№, ℃)
        (0x2190, 0x21FF),  # arrows
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0xFF00, 0xFFEF),  # fullwidth forms
    ]
    points = gb2312_codepoints()
    for low, high in ranges:
        points.update(range(low, high + 1))
    return points


def pick_sc_face(collection: TTCollection):
    for font in collection.fonts:
        names = {record.toUnicode() for record in font["name"].names if record.nameID == 4}
        if any("CJK SC" in name for name in names):
            return font
    raise SystemExit("no Noto Sans CJK SC face in the collection")


def cff_to_glyf(font) -> None:
    """Replace the CFF table with glyf/loca (quadratic outlines), as fontTools' otf2ttf does."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font["post"].glyphOrder = None
    font.sfntVersion = "\x00\x01\x00\x00"


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} is missing: apt-get install -y fonts-noto-cjk", file=sys.stderr)
        return 1
    font = pick_sc_face(TTCollection(str(SOURCE)))
    options = Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG"]
    subsetter = Subsetter(options=options)
    subsetter.populate(unicodes=sorted(wanted_codepoints()))
    subsetter.subset(font)
    cff_to_glyf(font)
    font.save(str(TARGET))
    print(f"{TARGET} ({TARGET.stat().st_size // 1024} KiB, {len(font.getGlyphOrder())} glyphs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
