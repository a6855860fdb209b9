"""Labels and manifests are read back as a scanner and a person would: rendered to pixels with
PDFium, the barcode and QR decoded with zxing-cpp, the text extracted."""

from __future__ import annotations

import os

import pypdfium2 as pdfium
import pytest
import zxingcpp

from lumbung.logistics.labels import label_pdf, labels_pdf, manifest_pdf
from lumbung.logistics.models import Batch
from lumbung.regions.tests.factories import china_county

from .factories import CarrierFactory, ParcelFactory, centre_org

pytestmark = pytest.mark.django_db
DPI = 300


def pages(pdf: bytes):
    document = pdfium.PdfDocument(pdf)
    return [document[i] for i in range(len(document))]


def decoded(page) -> dict[str, str]:
    image = page.render(scale=DPI / 72).to_pil()
    if os.environ.get("LUMBUNG_LABEL_PNG"):  # look at it: LUMBUNG_LABEL_PNG=/tmp/label.png
        image.save(os.environ["LUMBUNG_LABEL_PNG"])
    return {result.format.name: result.text for result in zxingcpp.read_barcodes(image)}


def text_of(page) -> str:
    return page.get_textpage().get_text_range()


@pytest.fixture
def bainiu_parcel():
    linan = china_county()
    xihu = china_county(county=("330106", "西湖区"))
    centre = centre_org(name="白牛村服务站", village=linan, address="白牛村文化礼堂旁")
    return ParcelFactory(
        origin_centre=centre,
        sender_name="王小明",
        sender_phone="+8613800000001",
        sender_village=linan,
        sender_address="浙江省杭州市临安区昌化镇白牛村 12 号",
        recipient_name="李华",
        recipient_phone="+8613900000002",
        recipient_village=xihu,
        recipient_address="文三路 100 号 3 幢",
        recipient_postcode="310012",
        declared_weight_g=2350,
        contents="山核桃",
    )


@pytest.mark.parametrize("size", ["a6", "100x150"])
def test_a_bainiu_label_scans_and_reads_in_chinese(bainiu_parcel, size):
    pdf = label_pdf(bainiu_parcel, size=size, base_url="https://lumbung.example")
    (page,) = pages(pdf)
    width_mm, height_mm = (v * 25.4 / 72 for v in page.get_size())
    assert (round(width_mm), round(height_mm)) == ((105, 148) if size == "a6" else (100, 150))

    codes = decoded(page)
    assert codes.get("Code128") == bainiu_parcel.code
    assert codes.get("QRCode") == f"https://lumbung.example/logistics/track/{bainiu_parcel.code}"

    text = text_of(page)
    assert "白牛村" in text  # the sender's village, in Chinese characters
    assert "文三路 100 号 3 幢" in text
    assert "李华" in text and "王小明" in text
    assert "2,35 kg" in text
    assert bainiu_parcel.code in text


def test_an_indonesian_label_shows_cash_to_collect_and_pickup_centre():
    parcel = ParcelFactory(
        cod_amount=125000,
        destination_centre=centre_org(name="Pusat Layanan Desa Bora"),
        delivery_method="pickup",
        length_cm=30,
        width_cm=20,
        height_cm=10,
    )
    (page,) = pages(label_pdf(parcel))
    assert decoded(page)["Code128"] == parcel.code
    text = text_of(page)
    assert "Rp125.000" in text
    assert "Pusat Layanan Desa Bora" in text
    assert "30 × 20 × 10 cm" in text


def test_several_labels_print_one_page_each_in_order():
    parcels = [ParcelFactory(), ParcelFactory(), ParcelFactory()]
    found = [decoded(page)["Code128"] for page in pages(labels_pdf(parcels, size="100x150"))]
    assert found == [p.code for p in parcels]


def test_an_unknown_label_size_is_refused():
    with pytest.raises(ValueError):
        labels_pdf([], size="letter")


def test_the_manifest_lists_every_parcel_with_totals(bainiu_parcel):
    centre = centre_org(name="Pusat Layanan Sidondo")
    batch = Batch.objects.create(origin_centre=centre, carrier=CarrierFactory(name="JNE Palu"))
    parcels = [
        ParcelFactory(origin_centre=centre, batch=batch, declared_weight_g=1000, cod_amount=50000),
        ParcelFactory(origin_centre=centre, batch=batch, declared_weight_g=2500),
    ]
    (page,) = pages(manifest_pdf(batch))
    assert decoded(page)["Code128"] == batch.code
    text = text_of(page)
    for parcel in parcels:
        assert parcel.code in text
    assert "JNE Palu" in text and "Pusat Layanan Sidondo" in text
    assert "3,50 kg" in text and "Rp50.000" in text
