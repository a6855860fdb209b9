"""Export documents print Chinese and Indonesian names on any machine (the committed CJK font)."""

import pypdfium2

from lumbung.export.pdfs import Sheet


def test_chinese_and_indonesian_text_survive_into_the_pdf():
    sheet = Sheet("Packing list")
    sheet.row("Consignee", "陈大文 (Chan Tai Man), 香港")
    sheet.row("Shipper", "BUMDes Kelor Oebelo, Kupang Tengah")
    pdf = pypdfium2.PdfDocument(bytes(sheet.pdf.output()))
    text = pdf[0].get_textpage().get_text_range()
    assert "陈大文" in text and "香港" in text
    assert "Kelor Oebelo" in text
