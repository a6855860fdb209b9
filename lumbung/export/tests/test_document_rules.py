"""Which documents apply, per HS chapter, destination and Incoterm."""

import pytest

from lumbung.export.services.documents_rules import documents_for, reason_text


def kinds(hs, country, incoterm, *, to_ship=False):
    return {
        n.kind
        for n in documents_for(hs_code=hs, destination_country=country, incoterm=incoterm)
        if not to_ship or n.needed_to_ship
    }


@pytest.mark.parametrize(
    ("hs", "quarantine"),
    [
        ("0306.33", "health_certificate"),  # live crab, chapter 03
        ("1605.10", "health_certificate"),  # crab meat, chapter 16
        ("0804.40", "phytosanitary"),  # avocado
        ("1106.30", "phytosanitary"),  # banana flour
        ("1212.99", "phytosanitary"),  # moringa powder
        ("0905.10", "phytosanitary"),  # vanilla
        ("1801.00", "phytosanitary"),  # cocoa beans
        ("3301.29", None),  # essential oils
    ],
)
def test_quarantine_follows_the_hs_chapter(hs, quarantine):
    found = kinds(hs, "CN", "FOB") & {"health_certificate", "phytosanitary"}
    assert found == ({quarantine} if quarantine else set())


@pytest.mark.parametrize(
    ("country", "form"),
    [("CN", "coo_form_e"), ("HK", "coo_form_ahk"), ("MY", "coo_form_d"), ("NL", "coo_general")],
)
def test_certificate_of_origin_follows_the_destination(country, form):
    found = kinds("0901.11", country, "FOB") & {"coo_form_e", "coo_form_ahk", "coo_form_d", "coo_general"}
    assert found == {form}


def test_incoterm_decides_insurance_and_who_files_the_peb():
    assert "insurance" in kinds("1212.99", "HK", "CIF", to_ship=True)
    assert "insurance" not in kinds("1212.99", "HK", "FOB")
    assert "peb" in kinds("1212.99", "HK", "FOB", to_ship=True)
    assert "peb" not in kinds("1212.99", "HK", "EXW", to_ship=True)
    assert {"commercial_invoice", "packing_list"} <= kinds("3301.29", "US", "DDP", to_ship=True)


def test_every_reason_is_plain_language():
    for need in documents_for(hs_code="0306.33", destination_country="CN", incoterm="CIF"):
        assert len(reason_text(need.reason)) > 20
    assert "Badan Karantina Indonesia" in reason_text("fish")
